"""Activities: what happened with a lead (notes, calls, emails, meetings)."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ActivityKind(StrEnum):
    NOTE = "note"
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    SYSTEM = "system"
    # Read-only: an engagement event (webhook) shown on the timeline; never stored as an activity.
    ENGAGEMENT = "engagement"


LOGGABLE_KINDS = (ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING)
MAX_ACTIVITY_TEXT = 4000


@dataclass(slots=True, frozen=True)
class Activity:
    kind: ActivityKind
    body: str
    actor_id: str
    created_at: datetime
