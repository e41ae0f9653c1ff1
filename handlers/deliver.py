"""Delivery of the outbox and hand-off of due reminders to it."""

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.away import coalesce
from domain.followup import next_working_morning
from domain.lead import lead_ref
from domain.messages import DeliveryFailed, DeliveryReceipt, MessageKind, OutboxMessage
from domain.pacing import SPACING
from domain.reminder import Reminder, ReminderStatus
from store.unit_of_work import SqlUnitOfWork
from store.unit_of_work import UowFactory as UowFactory  # its old home, for older imports

log = logging.getLogger(__name__)

Deliver = Callable[[OutboxMessage], DeliveryReceipt]

# Longer than any send with its retries takes; a claimer that dies holds its
# messages this long before another process takes them over.
LEASE = timedelta(minutes=5)
SEND_WINDOW = LEASE / 3  # no send starts later than this into a lease
# A claim that found only messages waiting for their channel's pace looks again, past
# them (they moved to later slots), at most this often: a burst to one channel cannot
# hold back the other channels' messages behind it.
CLAIM_ROUNDS = 50


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0  # moved to a later slot to keep their channel's pace


def queue_due_reminders(now: datetime, uow_factory: UowFactory, batch: int = 200) -> int:
    """Move due reminders into the outbox in one transaction each batch. The
    dedupe key makes a second hand-off of the same reminder a no-op."""
    with uow_factory() as uow:
        due = uow.reminders.claim_due(now, batch)
        one_by_one, missed = coalesce(due, now)
        for reminder in one_by_one:
            uow.outbox.add(reminder_message(uow, reminder, reminder.delivery_key), now)
        for group in missed:
            uow.outbox.add(away_summary(uow, group), now)
        for reminder in due:
            # Open until the rep says Done: if not done by the next working morning, it resurfaces.
            reminder.status = ReminderStatus.QUEUED
            reminder.next_nudge_at = next_working_morning(max(now, reminder.due_at), ZoneInfo(reminder.tz))
            uow.reminders.save(reminder)
        uow.commit()
    return len(due)


def reminder_message(
    uow: SqlUnitOfWork, reminder: Reminder, dedupe_key: str, nudge: int = 0
) -> OutboxMessage:
    lead = uow.leads.by_id(reminder.team_id, reminder.lead_id)
    assert lead is not None
    payload = {
        "user": reminder.user_id,
        "text": reminder.text,
        "due_at": reminder.due_at.isoformat(),
        "reminder_id": reminder.id,
        "tz": reminder.tz,
        "nudge": nudge,  # 0: the reminder itself; n: the n-th "still open"
        "lead": {
            "ref": lead_ref(lead.number),
            "name": lead.name,
            "company": lead.company,
            "status": str(lead.status),
        },
    }
    return OutboxMessage(reminder.team_id, MessageKind.REMINDER_DUE, dedupe_key, payload)


def away_summary(uow: SqlUnitOfWork, reminders: list[Reminder]) -> OutboxMessage:
    """One DM for a person's follow-ups missed during downtime; keyed by the deliveries it
    carries, so handing the same ones off twice adds nothing."""
    first = reminders[0]
    items = [_away_item(uow, reminder) for reminder in reminders]
    digest = hashlib.sha256(",".join(r.delivery_key for r in reminders).encode()).hexdigest()[:16]
    key = f"away:{first.team_id}:{first.user_id}:{digest}"
    return OutboxMessage(
        first.team_id, MessageKind.AWAY_SUMMARY, key, {"user": first.user_id, "reminders": items}
    )


def _away_item(uow: SqlUnitOfWork, reminder: Reminder) -> dict[str, object]:
    lead = uow.leads.by_id(reminder.team_id, reminder.lead_id)
    assert lead is not None
    ref = {"ref": lead_ref(lead.number), "name": lead.name, "company": lead.company}
    return {
        "reminder_id": reminder.id,
        "text": reminder.text,
        "due_at": reminder.due_at.isoformat(),
        "lead": ref,
    }


def deliver_outbox(
    now: datetime, uow_factory: UowFactory, deliver: Deliver, batch: int = 20
) -> DeliveryReport:
    """Send what is due. Sent is recorded only after Slack said ok; a failure is
    retried later with backoff, or after Slack's Retry-After on a 429.

    Delivery is at least once: a process that dies after Slack took a message
    but before recording it will have it sent again when its lease runs out."""
    token, messages, deferred = _claim_paced(now, uow_factory, batch)
    # The lease runs on the database's idea of `now`; this guard runs on elapsed
    # time, so a slow Slack can never push our sends past the lease.
    started, sent, tried = time.monotonic(), 0, 0
    for message in messages:
        if time.monotonic() - started > SEND_WINDOW.total_seconds():
            break
        tried += 1
        sent += _send_one(message, token, now, uow_factory, deliver)
    _release(uow_factory, token, messages[tried:])
    return DeliveryReport(sent=sent, failed=tried - sent, deferred=deferred)


def outbox_due(now: datetime, uow_factory: UowFactory) -> bool:
    """Whether a message fell due in the last few seconds (a paced message's slot, a retry):
    the per-second pacing job flushes only then. A few, not one: a late run misses nothing."""
    with uow_factory() as uow:
        return uow.outbox.due_between(now - 5 * SPACING, now)


def _claim_paced(now: datetime, uow_factory: UowFactory, batch: int) -> tuple[str, list[OutboxMessage], int]:
    """Lease due messages that their channel's pace lets go now; each round commits, so
    the pacing rows it locked are free again before the next."""
    deferred = 0
    for _ in range(CLAIM_ROUNDS):
        with uow_factory() as uow:
            token, messages = uow.outbox.claim_paced(now, batch, LEASE)
            uow.commit()
        deferred += uow.outbox.deferred
        if messages or not uow.outbox.deferred:
            break
    return token, messages, deferred


def _release(uow_factory: UowFactory, token: str, unsent: list[OutboxMessage]) -> None:
    if unsent:
        with uow_factory() as uow:
            uow.outbox.release([m.id or 0 for m in unsent], token)
            uow.commit()


def _send_one(
    message: OutboxMessage, token: str, now: datetime, uow_factory: UowFactory, deliver: Deliver
) -> bool:
    with uow_factory() as uow:
        # Sends earlier in the batch may have outlasted the lease and another process
        # taken the message over: sending it here as well would post it twice.
        if not uow.outbox.holds(message.id or 0, token):
            return False
    try:
        receipt = deliver(message)
    except DeliveryFailed as failure:
        _record_failure(uow_factory, message, token, now, failure)
        return False
    except Exception as error:  # noqa: BLE001 - a poison message must count attempts, not block the queue
        log.exception("delivering outbox message %s failed", message.id)
        _record_failure(uow_factory, message, token, now, DeliveryFailed(f"{type(error).__name__}: {error}"))
        return False
    with uow_factory() as uow:
        uow.outbox.mark_sent(message.id or 0, token, receipt, now)
        uow.commit()
    return True


def _record_failure(
    uow_factory: UowFactory, message: OutboxMessage, token: str, now: datetime, failure: DeliveryFailed
) -> None:
    with uow_factory() as uow:
        uow.outbox.mark_failed(message, token, failure.reason, now, failure.retry_after, failure.permanent)
        uow.commit()
