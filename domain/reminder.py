"""Follow-up reminders a rep sets on a lead; the scheduler turns due ones into DMs."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ReminderStatus(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"  # handed to the outbox; delivery is the outbox's job now
    CANCELLED = "cancelled"


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
