"""Speed-to-lead state on approved assignments: the SLA clock, first contact, breaches,
and the figures per lead and per team. Every query is scoped to one workspace."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.config import SalesTeam
from domain.delivery.messages import MessageKind, ProposalDecided, read_body
from domain.lead import Lead
from domain.routing.assignment import AssignmentState
from domain.routing.rules import decided_key, proposal_key
from domain.routing.sla import DueSla, LeadSpeed, SlaStatus, deadline
from store.routing.state import to_assignment
from store.tables import AssignmentRow, LeadRow, OutboxRow

APPROVED, RUNNING = str(AssignmentState.APPROVED), str(SlaStatus.RUNNING)


class SlaRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def start(self, assignment_id: int, minutes: int | None, due_at: datetime | None) -> None:
        """The clock of a newly approved assignment (no SLA: figures only, no status)."""
        status = RUNNING if minutes is not None else None
        self._s.execute(
            sa.update(AssignmentRow)
            .where(AssignmentRow.id == assignment_id)
            .values(sla_minutes=minutes, sla_due_at=due_at, sla_status=status)
        )

    # The first-contact clock: started when a lead gets an owner, stopped by the owner's
    # first contact. Called inside the transactions that assign, log activity and convert.

    def start_clock(self, assignment_id: int, team: SalesTeam, now: datetime) -> None:
        """The deadline is counted in the team's own working hours, in its time zone (the
        hours its digests and cadences keep), so there is one notion of when a team works."""
        minutes = team.routing.first_contact_sla_minutes
        self.start(assignment_id, minutes, deadline(now, minutes, team.hours_in()) if minutes else None)

    def touched(self, lead: Lead, by: str, at: datetime) -> None:
        """Only the owner's own touch counts: a manager's note is not the rep reaching out."""
        if lead.id is not None and lead.owner_id == by:
            self.record_contact(lead.team_id, lead.id, by, at)

    def converted(self, lead: Lead, at: datetime) -> None:
        """A buyer who signs on the first call was reached, though nobody logged the call: the
        conversion is the owner's first contact, whoever records it (a manager closing for the
        rep included). Once the owner has been in touch, nothing changes."""
        if lead.id is not None and lead.owner_id is not None:
            self.record_contact(lead.team_id, lead.id, lead.owner_id, at)

    def record_contact(self, team_id: str, lead_id: int, rep_id: str, at: datetime) -> None:
        """The owner's first contact stops their clock: met if in time. A contact after the
        deadline that the sweep has not seen yet counts as breached, without an escalation."""
        running = AssignmentRow.sla_status == RUNNING
        status = sa.case(
            (running & (AssignmentRow.sla_due_at >= at), str(SlaStatus.MET)),
            (running, str(SlaStatus.BREACHED)),
            else_=AssignmentRow.sla_status,
        )
        self._s.execute(
            sa.update(AssignmentRow)
            .where(
                AssignmentRow.team_id == team_id,
                AssignmentRow.lead_id == lead_id,
                AssignmentRow.rep_id == rep_id,
                AssignmentRow.state == APPROVED,
                AssignmentRow.first_contact_at.is_(None),
            )
            .values(first_contact_at=at, sla_status=status)
        )

    def due(self, now: datetime, limit: int) -> list[DueSla]:
        """Running clocks whose deadline has passed, oldest first (index sla_status, sla_due_at)."""
        query = (
            sa.select(AssignmentRow)
            .where(AssignmentRow.sla_status == RUNNING, AssignmentRow.sla_due_at <= now)
            .order_by(AssignmentRow.sla_due_at, AssignmentRow.id)
            .limit(limit)
        )
        return [DueSla(to_assignment(row), row.sla_minutes or 0) for row in self._s.scalars(query)]

    def settle(self, assignment_id: int, status: SlaStatus) -> bool:
        """Move a clock out of `running` once. Of two processes at once, one updates the row
        and the other (after waiting for its lock on PostgreSQL) finds it settled."""
        settled = self._s.execute(
            sa.update(AssignmentRow)
            .where(AssignmentRow.id == assignment_id, AssignmentRow.sla_status == RUNNING)
            .values(sla_status=str(status))
            .returning(AssignmentRow.id)
        )
        return settled.first() is not None

    def thread_of(self, team_id: str, lead_id: int) -> tuple[str, str] | None:
        """Channel and ts of the thread where the lead's routing was discussed: its first
        proposal, else the first decision posted on its own (auto-approved, assigned)."""
        of_lead = (AssignmentRow.team_id == team_id, AssignmentRow.lead_id == lead_id)
        ids = self._s.scalars(sa.select(AssignmentRow.id).where(*of_lead)).all()
        keys = [proposal_key(i) for i in ids] + [decided_key(i) for i in ids]
        query = (
            sa.select(OutboxRow.slack_channel, OutboxRow.slack_ts, OutboxRow.kind, OutboxRow.payload)
            .where(OutboxRow.dedupe_key.in_(keys), OutboxRow.status == "sent")
            .order_by(OutboxRow.id)
        )
        for channel, ts, kind, payload in self._s.execute(query):
            # A decision on a proposal is itself a reply: its thread is the proposal's ts.
            body = read_body(MessageKind(kind), payload)
            thread = (body.ts if isinstance(body, ProposalDecided) else None) or ts
            if channel and thread:
                return str(channel), str(thread)
        return None

    def speed_of(self, team_id: str, lead_id: int) -> LeadSpeed | None:
        rows = self._approved().where(AssignmentRow.team_id == team_id, AssignmentRow.lead_id == lead_id)
        speeds = _per_lead(self._s.execute(rows))
        return speeds[0] if speeds else None

    def speeds(self, team_id: str, sales_team: str, since: datetime) -> list[LeadSpeed]:
        """Live leads of a team first assigned since `since`, one LeadSpeed each (a lead
        merged into another is its person counted twice)."""
        first = (
            sa.select(AssignmentRow.lead_id)
            .where(AssignmentRow.team_id == team_id, AssignmentRow.state == APPROVED)
            .group_by(AssignmentRow.lead_id)
            .having(sa.func.min(AssignmentRow.decided_at) >= since)
        )
        rows = self._approved().where(
            AssignmentRow.team_id == team_id,
            AssignmentRow.sales_team == sales_team,
            AssignmentRow.lead_id.in_(first),
            LeadRow.merged_into_id.is_(None),
        )
        return _per_lead(self._s.execute(rows))

    @staticmethod
    def _approved() -> Any:
        return (
            sa.select(
                AssignmentRow.lead_id,
                LeadRow.created_at,
                AssignmentRow.decided_at,
                AssignmentRow.first_contact_at,
                AssignmentRow.sla_minutes,
                AssignmentRow.sla_due_at,
                AssignmentRow.sla_status,
            )
            .join(LeadRow, LeadRow.id == AssignmentRow.lead_id)
            .where(AssignmentRow.state == APPROVED)
            .order_by(AssignmentRow.lead_id, AssignmentRow.id)
        )


def _per_lead(rows: Any) -> list[LeadSpeed]:
    """Fold a lead's assignments: assigned when it first got an owner, contacted when any
    owner first reached out, the SLA of its latest owner, breached if any owner breached."""
    found: dict[int, LeadSpeed] = {}
    for lead_id, captured, decided, contact, minutes, due, status in rows:
        before = found.get(lead_id)
        breached = before is not None and before.status is SlaStatus.BREACHED
        found[lead_id] = LeadSpeed(
            captured_at=captured,
            assigned_at=before.assigned_at if before else decided,
            first_contact_at=_earliest(before.first_contact_at if before else None, contact),
            sla_minutes=minutes,
            due_at=due,
            status=SlaStatus.BREACHED if breached else SlaStatus(status) if status else None,
        )
    return list(found.values())


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min(x for x in (a, b) if x is not None) if a or b else None
