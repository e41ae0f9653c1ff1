"""Delivery of the outbox and hand-off of due reminders to it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.lead import lead_ref
from domain.messages import DeliveryFailed, DeliveryReceipt, MessageKind, OutboxMessage
from domain.reminder import Reminder, ReminderStatus
from store.unit_of_work import SqlUnitOfWork

Deliver = Callable[[OutboxMessage], DeliveryReceipt]
UowFactory = Callable[[], SqlUnitOfWork]

# Longer than any send with its retries takes; a claimer that dies holds its
# messages this long before another process takes them over.
LEASE = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def queue_due_reminders(now: datetime, uow_factory: UowFactory, batch: int = 200) -> int:
    """Move due reminders into the outbox in one transaction each batch. The
    dedupe key makes a second hand-off of the same reminder a no-op."""
    with uow_factory() as uow:
        due = uow.reminders.claim_due(now, batch)
        for reminder in due:
            uow.outbox.add(_reminder_message(uow, reminder), now)
            uow.reminders.mark(reminder, ReminderStatus.QUEUED)
        uow.commit()
    return len(due)


def _reminder_message(uow: SqlUnitOfWork, reminder: Reminder) -> OutboxMessage:
    lead = uow.leads.get(reminder.team_id, uow.leads.number_of(reminder.lead_id))
    assert lead is not None
    payload = {
        "user": reminder.user_id,
        "text": reminder.text,
        "due_at": reminder.due_at.isoformat(),
        "lead": {
            "ref": lead_ref(lead.number),
            "name": lead.name,
            "company": lead.company,
            "status": str(lead.status),
        },
    }
    return OutboxMessage(reminder.team_id, MessageKind.REMINDER_DUE, f"reminder:{reminder.id}", payload)


def deliver_outbox(
    now: datetime, uow_factory: UowFactory, deliver: Deliver, batch: int = 50
) -> DeliveryReport:
    """Send what is due. Sent is recorded only after Slack said ok; a failure is
    retried later with backoff, or after Slack's Retry-After on a 429."""
    with uow_factory() as uow:
        token, messages = uow.outbox.claim(now, batch, LEASE)
        uow.commit()
    sent = sum(_send_one(message, token, now, uow_factory, deliver) for message in messages)
    return DeliveryReport(sent=sent, failed=len(messages) - sent)


def _send_one(
    message: OutboxMessage, token: str, now: datetime, uow_factory: UowFactory, deliver: Deliver
) -> bool:
    try:
        receipt = deliver(message)
    except DeliveryFailed as failure:
        with uow_factory() as uow:
            uow.outbox.mark_failed(
                message, token, failure.reason, now, failure.retry_after, failure.permanent
            )
            uow.commit()
        return False
    with uow_factory() as uow:
        uow.outbox.mark_sent(message.id or 0, token, receipt, now)
        uow.commit()
    return True
