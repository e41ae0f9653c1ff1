"""Delivery of the outbox and hand-off of due reminders to it."""

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.delivery.messages import (
    LEASE,
    AwayItem,
    AwaySummary,
    DeliveryFailed,
    DeliveryReceipt,
    LeadBrief,
    OutboxMessage,
    ReminderDue,
)
from domain.delivery.pacing import pace_key
from domain.followups.followup import next_working_morning
from domain.followups.reminder import Reminder, ReminderStatus
from domain.lead import lead_ref
from domain.routing.away import coalesce
from store.unit_of_work import SqlUnitOfWork, UowFactory

log = logging.getLogger(__name__)

Deliver = Callable[[OutboxMessage], DeliveryReceipt]
Clock = Callable[[], datetime]

SEND_WINDOW = LEASE / 3  # no send starts later than this into a lease
# A claim that found only messages waiting for their channel's pace looks again, past
# them (they moved to later slots), at most this often: a burst to one channel cannot
# hold back the other channels' messages behind it.
CLAIM_ROUNDS = 50
# Slack calls in flight at once. A call takes ~100 ms, so one sender alone would post about
# ten messages a second; Slack's pace is per conversation, so many go out side by side.
SENDERS = 48
BATCH = SENDERS  # one claim fills the senders; a larger one would wait, its pacing stale
SETTLE_EVERY = 0.02  # seconds: sends that came back within this are recorded in one commit
# Whether the message being sent is still this sender's (its lease not taken over): a send
# that stalls in a first call (opening a DM) asks again before it posts (bot/delivery/send.py).
still_ours: ContextVar[Callable[[], bool]] = ContextVar("still_ours", default=lambda: True)
_pool_lock = threading.Lock()
_pools: dict[int, ThreadPoolExecutor] = {}


def senders() -> ThreadPoolExecutor:
    """This process's senders (a forked child makes its own: threads do not survive a fork)."""
    import os

    with _pool_lock:
        pool = _pools.get(os.getpid())
        if pool is None:
            pool = _pools[os.getpid()] = ThreadPoolExecutor(SENDERS, thread_name_prefix="leadbot-send")
        return pool


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
        uow.leads.preload(reminder.lead_id for reminder in due)  # one query, not one a reminder
        one_by_one, missed = coalesce(due, now)
        messages = [due_reminder(uow, reminder, reminder.delivery_key) for reminder in one_by_one]
        uow.outbox.add_all(messages + [away_summary(uow, group) for group in missed], now)
        for reminder in due:
            # Open until the rep says Done: if not done by the next working morning, it resurfaces.
            reminder.status = ReminderStatus.QUEUED
            reminder.next_nudge_at = next_working_morning(max(now, reminder.due_at), ZoneInfo(reminder.tz))
        uow.reminders.save_all(due)
        uow.commit()
    return len(due)


def due_reminder(uow: SqlUnitOfWork, reminder: Reminder, dedupe_key: str, nudge: int = 0) -> OutboxMessage:
    """The DM telling the rep a follow-up fell due (`nudge` n: the n-th "still open")."""
    lead = uow.leads.by_id(reminder.team_id, reminder.lead_id)
    assert lead is not None
    body = ReminderDue(
        user=reminder.user_id,
        text=reminder.text,
        due_at=reminder.due_at,
        reminder_id=reminder.id,
        tz=reminder.tz,
        nudge=nudge,
        lead=LeadBrief(
            ref=lead_ref(lead.number), name=lead.name, company=lead.company, status=str(lead.status)
        ),
    )
    return OutboxMessage(reminder.team_id, dedupe_key, body)


def away_summary(uow: SqlUnitOfWork, reminders: list[Reminder]) -> OutboxMessage:
    """One DM for a person's follow-ups missed during downtime; keyed by the deliveries it
    carries, so handing the same ones off twice adds nothing."""
    first = reminders[0]
    items = [_away_item(uow, reminder) for reminder in reminders]
    digest = hashlib.sha256(",".join(r.delivery_key for r in reminders).encode()).hexdigest()[:16]
    key = f"away:{first.team_id}:{first.user_id}:{digest}"
    return OutboxMessage(first.team_id, key, AwaySummary(user=first.user_id, reminders=tuple(items)))


def _away_item(uow: SqlUnitOfWork, reminder: Reminder) -> AwayItem:
    lead = uow.leads.by_id(reminder.team_id, reminder.lead_id)
    assert lead is not None
    ref = LeadBrief(ref=lead_ref(lead.number), name=lead.name, company=lead.company)
    return AwayItem(reminder_id=reminder.id, text=reminder.text, due_at=reminder.due_at, lead=ref)


def deliver_outbox(
    now: datetime, uow_factory: UowFactory, deliver: Deliver, batch: int = BATCH, clock: Clock | None = None
) -> DeliveryReport:
    """Send what is due, side by side (one message per conversation at a time: the pacing
    claim sees to it). Sent is recorded only after Slack said ok; a failure is retried
    later with backoff, or after Slack's Retry-After on a 429.

    `clock`: the real time, read when each message is done, so that its conversation's
    next message leaves a full second after Slack had this one (without it, `now`).

    Delivery is at least once: a process that dies after Slack took a message
    but before recording it will have it sent again when its lease runs out."""
    token, messages, deferred = claim_paced(now, uow_factory, batch, clock)
    # The lease runs on the database's idea of `now`; this guard runs on elapsed
    # time, so a slow Slack can never push our sends past the lease.
    started = time.monotonic()

    def send(message: OutboxMessage) -> Outcome:
        if time.monotonic() - started > SEND_WINDOW.total_seconds():
            return Outcome(message, token)  # not tried: given back below
        return attempt(message, token, uow_factory, deliver, lambda: clock() if clock else now)

    outcomes = _send_all(messages, send, lambda done: settle(uow_factory, done))
    sent = sum(outcome.receipt is not None for outcome in outcomes)
    return DeliveryReport(sent=sent, failed=sum(o.failure is not None for o in outcomes), deferred=deferred)


def _send_all(
    messages: list[OutboxMessage],
    send: Callable[[OutboxMessage], "Outcome"],
    settle: Callable[[list["Outcome"]], None],
) -> list["Outcome"]:
    """Send side by side; record what is done every SETTLE_EVERY in one transaction, so that
    neither a commit per send (two processes' senders queued for SQLite's lock) nor one stalled
    call (which would leave the rest unrecorded, and sent again after a crash) holds things up."""
    if len(messages) <= 1:
        outcomes = [send(message) for message in messages]
        settle(outcomes)
        return outcomes
    pending, outcomes = {senders().submit(send, message) for message in messages}, []
    while pending:
        done, pending = wait(pending, timeout=SETTLE_EVERY, return_when=FIRST_COMPLETED)
        if pending:  # gather a little more before the commit
            more, pending = wait(pending, timeout=SETTLE_EVERY)
            done |= more
        batch = [future.result() for future in done]
        settle(batch)
        outcomes.extend(batch)
    return outcomes


def next_due(now: datetime, uow_factory: UowFactory) -> datetime | None:
    """When the next pending message falls due after `now` (its pace slot, a retry)."""
    with uow_factory() as uow:
        return uow.outbox.next_due_after(now)


def outbox_due(now: datetime, uow_factory: UowFactory) -> bool:
    """Whether a message is due and free to claim (a paced message's slot, a retry, a backlog
    the senders are behind on): the per-second pacing job sends only then."""
    with uow_factory() as uow:
        return uow.outbox.claimable(now)


def claim_paced(
    now: datetime, uow_factory: UowFactory, batch: int, clock: Clock | None = None
) -> tuple[str, list[OutboxMessage], int]:
    """Lease due messages that their channel's pace lets go now; each round commits, so
    the pacing rows it locked are free again before the next."""
    deferred = 0
    for _ in range(CLAIM_ROUNDS):
        with uow_factory() as uow:
            token, messages = uow.outbox.claim_paced(now, batch, LEASE, clock)
            uow.commit()
        deferred += uow.outbox.deferred
        if messages or not uow.outbox.deferred:
            break
    return token, messages, deferred


@dataclass(frozen=True, slots=True)
class Outcome:
    """What came of one message: Slack's receipt, or why not; neither: it was not tried."""

    message: OutboxMessage
    token: str  # the lease it was sent under
    receipt: DeliveryReceipt | None = None
    failure: DeliveryFailed | None = None
    at: datetime | None = None  # when Slack answered


def attempt(
    message: OutboxMessage,
    token: str,
    uow_factory: UowFactory,
    deliver: Deliver,
    clock: Callable[[], datetime],
) -> Outcome:
    def ours() -> bool:
        with uow_factory() as uow:
            return uow.outbox.holds(message.id or 0, token)

    lease = still_ours.set(ours)
    try:
        receipt = deliver(message)
    except DeliveryFailed as refused:
        return Outcome(message, token, failure=refused, at=clock())
    except Exception as error:  # noqa: BLE001 - a poison message must count attempts, not block the queue
        log.exception("delivering outbox message %s failed", message.id)
        poison = DeliveryFailed(f"{type(error).__name__}: {error}")
        return Outcome(message, token, failure=poison, at=clock())
    finally:
        still_ours.reset(lease)
    return Outcome(message, token, receipt=receipt, at=clock())


def settle(uow_factory: UowFactory, outcomes: list[Outcome]) -> None:
    """Record a batch's outcomes in one transaction: one commit for many sends, where one
    each made the senders of two processes queue for SQLite's lock. A message Slack took is
    sent; its conversation is free again and paces from Slack's answer."""
    if not outcomes:
        return
    # In the order claims lock conversations' pacing rows (store/delivery/pacing.py), so that on
    # PostgreSQL a claim and this cannot each hold a row the other waits for.
    ordered = sorted(outcomes, key=lambda o: (o.message.team_id, pace_key(o.message) or ""))
    with uow_factory() as uow:
        for outcome in ordered:
            message, at, token = outcome.message, outcome.at, outcome.token
            if outcome.receipt is not None and at is not None:
                if uow.outbox.mark_sent(message.id or 0, token, outcome.receipt, at):
                    uow.outbox.landed(message, at)
            elif outcome.failure is not None and at is not None:
                failure = outcome.failure
                uow.outbox.mark_failed(
                    message, token, failure.reason, at, failure.retry_after, failure.permanent
                )
            else:
                uow.outbox.release([message.id or 0], token)
                uow.outbox.landed(message, None)
        uow.commit()
