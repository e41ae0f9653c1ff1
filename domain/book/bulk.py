"""Bulk actions: one change applied to every lead a list filter matches, recorded as one
action so that one undo takes it all back within a day. What each kind of action does to a
lead, and how it is undone, lives in handlers/book/bulk_kinds.py (a table a new kind plugs into)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

UNDO_WINDOW = timedelta(days=1)
# An action still "running" this long after its Confirm died half-way (a restart): what it
# changed is recorded lead by lead, so it can be undone like a finished one.
STALLED_AFTER = timedelta(minutes=15)


class BulkKind(StrEnum):
    REASSIGN = "reassign"  # to one rep
    ROUTE = "route"  # each lead to the rep the routing engine picks
    LOSE = "lost"  # closed as lost with one of the configured reasons
    NURTURE = "nurture"  # enrolled in a cadence
    TAG = "tag"  # tags added and removed (params "add" and "remove": comma-separated)


class BulkState(StrEnum):
    PENDING = "pending"  # shown for confirmation, nothing changed yet
    RUNNING = "running"  # confirmed: being applied, batch by batch
    APPLIED = "applied"
    UNDOING = "undoing"
    UNDONE = "undone"
    CANCELLED = "cancelled"


@dataclass(slots=True, frozen=True)
class BulkAction:
    """`params` are the kind's own (the rep, the reason, the cadence); `filter_text` the list
    filter as typed, read again when the action is confirmed."""

    team_id: str
    kind: BulkKind
    params: dict[str, Any]
    filter_text: str
    actor_id: str
    created_at: datetime
    state: BulkState = BulkState.PENDING
    total: int = 0  # leads matched when it was shown for confirmation
    done: int = 0  # leads changed when applied
    applied_at: datetime | None = None  # when Confirm started it; when it finished, once applied
    undone_at: datetime | None = None
    undone_by: str | None = None
    id: int = field(default=0, compare=False)

    def undo_refusal(self, now: datetime) -> str | None:
        """Why this action cannot be undone now, or None when it can."""
        if self.state is BulkState.UNDONE:
            return f"Bulk action #{self.id} was already undone."
        if self.state is BulkState.UNDOING:
            return f"Bulk action #{self.id} is being undone right now."
        if self.applied_at is None or self.state not in (BulkState.APPLIED, BulkState.RUNNING):
            return f"Bulk action #{self.id} was never applied ({self.state}): there is nothing to undo."
        if self.state is BulkState.RUNNING and now - self.applied_at < STALLED_AFTER:
            return f"Bulk action #{self.id} is still being applied: undo it once it is done."
        if now - self.applied_at > UNDO_WINDOW:
            return (
                f"Bulk action #{self.id} was applied more than a day ago: an undo works within a day. "
                "Change the leads back with a new bulk action instead."
            )
        return None


@dataclass(slots=True, frozen=True)
class BulkItem:
    """One lead a bulk action changed: what its fields were before and became after, so undo
    restores `before` only where the lead still holds `after` (else someone changed it since)."""

    lead_id: int
    number: int
    before: dict[str, Any]
    after: dict[str, Any]
