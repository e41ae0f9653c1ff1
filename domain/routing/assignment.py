"""A routing decision as the domain sees it: who was proposed for which lead, and its fate."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.routing.rules import RepNote

LEADBOT = "leadbot"  # who decided when the team approves by itself, or moved a lead past its SLA


class AssignmentState(StrEnum):
    PROPOSED = "proposed"  # waiting for a manager of the team
    APPROVED = "approved"  # the lead is the rep's (approved, reassigned, assigned or claimed)
    REJECTED = "rejected"  # the lead stays in the team's pool
    SUPERSEDED = "superseded"  # a later decision (a claim, a direct assignment) took over


class Decision(StrEnum):
    APPROVE = "approve"
    REASSIGN = "reassign"
    REJECT = "reject"
    ASSIGN = "assign"  # `/lead assign` by a manager
    CLAIM = "claim"  # `/lead claim` by a rep
    AUTO = "auto"  # the team approves automatically (at once or after N minutes)


@dataclass(frozen=True, slots=True)
class Assignment:
    id: int
    team_id: str
    lead_id: int
    sales_team: str
    rep_id: str
    state: AssignmentState
    rule: str | None
    notes: tuple[RepNote, ...]  # why this rep: every rep of the team, and how they stood
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
