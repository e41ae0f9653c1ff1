"""Follow-up reminders a rep sets on a lead; the scheduler turns due ones into DMs."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ReminderStatus(StrEnum):
    PENDING = "pending"  # waiting for due_at (also after a snooze)
    QUEUED = "queued"  # handed to the outbox: delivered, open until the rep marks it done
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_REMINDER_STATUSES = (ReminderStatus.PENDING, ReminderStatus.QUEUED)


@dataclass(slots=True)
class Reminder:
    team_id: str
    lead_id: int
    user_id: str
    due_at: datetime
    text: str
    created_at: datetime
    status: ReminderStatus = ReminderStatus.PENDING
    id: int | None = None
    tz: str = "UTC"  # the zone the rep's time was read in; nudges come at that zone's mornings
    done_at: datetime | None = None
    done_by: str | None = None
    next_nudge_at: datetime | None = None  # when a delivered, unfinished reminder resurfaces
    nudges: int = 0
    snoozes: int = 0  # each snooze is a new delivery, told apart from the first by this count

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REMINDER_STATUSES

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and self.due_at <= now

    def complete(self, by: str, at: datetime) -> bool:
        """Mark done; False (and no change) if it was not open, so a repeat is harmless."""
        if not self.is_open:
            return False
        self.status, self.done_by, self.done_at, self.next_nudge_at = ReminderStatus.DONE, by, at, None
        return True

    def snooze(self, until: datetime, tz: str) -> None:
        """Back to waiting: it is delivered again, as new, at `until`."""
        self.status, self.due_at, self.tz = ReminderStatus.PENDING, until, tz
        self.next_nudge_at, self.nudges, self.snoozes = None, 0, self.snoozes + 1

    @property
    def delivery_key(self) -> str:
        """One outbox message per delivery: a second hand-off of the same one adds nothing."""
        return f"reminder:{self.id}" if not self.snoozes else f"reminder:{self.id}:snooze:{self.snoozes}"
