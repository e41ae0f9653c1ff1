"""Overdue follow-ups resurface: a delivered reminder nobody marked done comes back
as a "still open" DM each working morning, in the rep's zone, a few times at most."""

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.followups.followup import MAX_NUDGES, next_working_morning
from domain.followups.reminder import Reminder
from handlers.delivery.deliver import due_reminder
from store.unit_of_work import SqlUnitOfWork, UowFactory


def resurface_open_reminders(now: datetime, uow_factory: UowFactory, batch: int = 200) -> int:
    """Claimed like due reminders (SKIP LOCKED on PostgreSQL), and each nudge has its own
    dedupe key, so two processes or a repeated pass send each nudge once."""
    with uow_factory() as uow:
        claimed = uow.reminders.claim_nudges(now, batch)
        for reminder in claimed:
            _nudge(uow, reminder, now)
        uow.commit()
    return len(claimed)


def _nudge(uow: SqlUnitOfWork, reminder: Reminder, now: datetime) -> None:
    if uow.outbox.status_of(reminder.delivery_key) == "dead":
        # Slack refused the reminder for good (no such user, no DM): the same DM again
        # would be refused too. It stays in /lead tasks.
        reminder.next_nudge_at = None
        uow.reminders.save(reminder)
        return
    reminder.nudges += 1
    key = f"{reminder.delivery_key}:nudge:{reminder.nudges}"
    uow.outbox.add(due_reminder(uow, reminder, key, nudge=reminder.nudges), now)
    # After the last one it stays in /lead tasks, overdue, but stops knocking.
    more = reminder.nudges < MAX_NUDGES
    reminder.next_nudge_at = next_working_morning(now, ZoneInfo(reminder.tz)) if more else None
    uow.reminders.save(reminder)
