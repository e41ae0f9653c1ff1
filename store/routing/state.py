"""Routing state: the per-team lock and decision counter, rep turns, absences, and
assignments. Every query is scoped to one workspace."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.lifecycle import OPEN_STATUSES
from domain.routing.assignment import Assignment, AssignmentState
from domain.routing.rules import Placed, RepNote, proposal_key
from store.sql import insert_ignoring_conflict, not_indexed
from store.tables import (
    AssignmentRow,
    LeadRow,
    OutboxRow,
    RepAbsenceRow,
    RoutingStateRow,
    RoutingTurnRow,
)

PROPOSED = str(AssignmentState.PROPOSED)


@dataclass(frozen=True, slots=True)
class Standing:
    """A rep's figures as routing reads them (store.routing.state.RoutingRepository.standings)."""

    open_leads: int = 0
    today: int = 0
    turns: int = 0
    last_turn: int = 0
    away_until: datetime | None = None

    def add(self, kind: str, n: int, last: int, away: datetime | None) -> "Standing":
        if kind == "open":
            return replace(self, open_leads=self.open_leads + n)
        if kind == "today":
            return replace(self, today=n)
        if kind == "turns":
            return replace(self, turns=n, last_turn=last)
        return replace(self, away_until=away)


class RoutingRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def placed(self, team_id: str, lead_ids: Sequence[int]) -> list[Placed]:
        """The leads of `lead_ids` in the workspace, in that order, in one query, looked up by id:
        the workspace is not an index's to choose (store.sql.not_indexed)."""
        query = sa.select(LeadRow.id, LeadRow.number, LeadRow.sales_team, LeadRow.owner_id, LeadRow.status)
        where = (not_indexed(LeadRow.team_id) == team_id, LeadRow.id.in_(list(lead_ids)))
        found = {
            row.id: Placed(row.id, row.number, row.sales_team, row.owner_id, row.status in OPEN_STATUSES)
            for row in self._s.execute(query.where(*where))
        }
        return [found[lead_id] for lead_id in lead_ids if lead_id in found]

    def waiting(self, team_id: str, lead_ids: Sequence[int]) -> set[int]:
        """Which of the leads have a proposal waiting for a manager, in one query."""
        query = sa.select(AssignmentRow.lead_id).where(
            AssignmentRow.team_id == team_id,
            AssignmentRow.lead_id.in_(list(lead_ids)),
            AssignmentRow.state == PROPOSED,
        )
        return set(self._s.scalars(query))

    def next_decision(self, team_id: str, sales_team: str) -> int:
        """Lock the team's routing row for this transaction and number the decision.
        The UPDATE holds a row lock on PostgreSQL (the write lock on SQLite) until commit,
        so two processes never read the same counts and both act on them."""
        bump = (
            sa.update(RoutingStateRow)
            .where(RoutingStateRow.team_id == team_id, RoutingStateRow.sales_team == sales_team)
            .values(decisions=RoutingStateRow.decisions + 1)
            .returning(RoutingStateRow.decisions)
        )
        key = {"team_id": team_id, "sales_team": sales_team}
        return int(self._upsert(bump, RoutingStateRow, key, decisions=0))

    def _upsert(self, bump: sa.Update, table: Any, key: dict[str, str], **zero: int) -> Any:
        """Run `bump`; only the first time (no row yet) insert the row and bump again.
        One statement in the usual case: these run under the team's lock, so every
        statement saved there is saved for each waiting process too."""
        found = self._s.execute(bump).first()
        if found is None:
            self._s.execute(insert_ignoring_conflict(self._s, table, **key, **zero))
            found = self._s.execute(bump).first()
        assert found is not None
        return found[0]

    def standings(
        self, team_id: str, sales_team: str, reps: Sequence[str], since: datetime, now: datetime
    ) -> dict[str, Standing]:
        """Every rep's load, new leads since `since`, turns and absence, in one round trip:
        it runs under the team's lock, where each statement saved is saved for every
        process waiting on it."""
        found = {rep: Standing() for rep in reps}
        for kind, rep, n, last, away in self._s.execute(
            self._standings(team_id, sales_team, reps, since, now)
        ):
            found[rep] = found[rep].add(kind, int(n), int(last), away)
        return found

    def _standings(
        self, team_id: str, sales_team: str, reps: Sequence[str], since: datetime, now: datetime
    ) -> sa.CompoundSelect[Any]:
        zero, none = sa.literal(0), sa.null()
        away = sa.select(
            sa.literal("away"), RepAbsenceRow.user_id, zero, zero, RepAbsenceRow.away_until
        ).where(
            RepAbsenceRow.team_id == team_id, RepAbsenceRow.user_id.in_(reps), RepAbsenceRow.away_until > now
        )
        owned = (
            sa.select(sa.literal("open"), LeadRow.owner_id, sa.func.count(), zero, none)
            .where(
                LeadRow.team_id == team_id,
                LeadRow.owner_id.in_(reps),
                LeadRow.status.in_([str(s) for s in OPEN_STATUSES]),
                LeadRow.merged_into_id.is_(None),
            )
            .group_by(LeadRow.owner_id)
        )
        pending = self._per_rep("open", team_id, reps).where(AssignmentRow.state == PROPOSED)
        today = self._per_rep("today", team_id, reps).where(
            AssignmentRow.created_at >= since,
            AssignmentRow.state.in_([PROPOSED, str(AssignmentState.APPROVED)]),
        )
        turns = sa.select(
            sa.literal("turns"), RoutingTurnRow.user_id, RoutingTurnRow.turns, RoutingTurnRow.last_turn, none
        ).where(RoutingTurnRow.team_id == team_id, RoutingTurnRow.sales_team == sales_team)
        return sa.union_all(away, owned, pending, today, turns)

    @staticmethod
    def _per_rep(kind: str, team_id: str, reps: Sequence[str]) -> Any:
        return (
            sa.select(sa.literal(kind), AssignmentRow.rep_id, sa.func.count(), sa.literal(0), sa.null())
            .where(AssignmentRow.team_id == team_id, AssignmentRow.rep_id.in_(reps))
            .group_by(AssignmentRow.rep_id)
        )

    def return_turn(self, team_id: str, sales_team: str, user_id: str) -> None:
        """A proposal rejected or given to someone else: the rep did not get their turn."""
        self._s.execute(
            sa.update(RoutingTurnRow)
            .filter_by(team_id=team_id, sales_team=sales_team, user_id=user_id)
            .where(RoutingTurnRow.turns > 0)
            .values(turns=RoutingTurnRow.turns - 1)
        )

    def take_turn(self, team_id: str, sales_team: str, user_id: str, decision: int) -> None:
        key = {"team_id": team_id, "sales_team": sales_team, "user_id": user_id}
        bump = (
            sa.update(RoutingTurnRow)
            .filter_by(**key)
            .values(turns=RoutingTurnRow.turns + 1, last_turn=decision)
            .returning(RoutingTurnRow.turns)
        )
        self._upsert(bump, RoutingTurnRow, key, turns=0, last_turn=0)

    def set_away(self, team_id: str, user_id: str, until: datetime | None) -> datetime | None:
        """Away until `until` (None: back); returns when they were away until before."""
        row = self._s.get(RepAbsenceRow, (team_id, user_id))
        before = row.away_until if row is not None else None
        if until is None:
            if row is not None:
                self._s.delete(row)
        elif row is None:
            self._s.add(RepAbsenceRow(team_id=team_id, user_id=user_id, away_until=until))
        else:
            row.away_until = until
        self._s.flush()
        return before

    def add(self, assignment: Assignment, created_by: str, auto_approve_at: datetime | None = None) -> int:
        row = AssignmentRow(
            team_id=assignment.team_id,
            lead_id=assignment.lead_id,
            sales_team=assignment.sales_team,
            rep_id=assignment.rep_id,
            state=str(assignment.state),
            rule=assignment.rule,
            reasons=[asdict(note) for note in assignment.notes],
            created_by=created_by,
            created_at=assignment.created_at,
            decided_by=assignment.decided_by,
            decided_at=assignment.decided_at,
            auto_approve_at=auto_approve_at,
        )
        self._s.add(row)
        self._s.flush()
        return row.id

    def get(self, team_id: str, assignment_id: int) -> Assignment | None:
        row = self._s.get(AssignmentRow, assignment_id, populate_existing=True)
        return to_assignment(row) if row is not None and row.team_id == team_id else None

    def pending_for(self, team_id: str, lead_id: int) -> Assignment | None:
        query = sa.select(AssignmentRow).where(
            AssignmentRow.team_id == team_id,
            AssignmentRow.lead_id == lead_id,
            AssignmentRow.state == PROPOSED,
        )
        row = self._s.scalars(query.order_by(AssignmentRow.id.desc())).first()
        return to_assignment(row) if row is not None else None

    def decide(
        self, assignment: Assignment, state: AssignmentState, rep_id: str, by: str, at: datetime
    ) -> bool:
        """Settle a proposal if it is still open; False when someone else settled it first.
        The WHERE on the state is the whole guard: of two clicks at once, one updates a row
        and the other (after waiting for its lock on PostgreSQL) finds it settled."""
        settled = self._s.execute(
            sa.update(AssignmentRow)
            .where(AssignmentRow.id == assignment.id, AssignmentRow.state == PROPOSED)
            .values(state=str(state), rep_id=rep_id, decided_by=by, decided_at=at)
            .returning(AssignmentRow.id)
        )
        return settled.first() is not None

    def due_for_auto_approval(self, now: datetime, limit: int) -> list[Assignment]:
        """Proposals whose team approves them by itself once they have waited long enough."""
        query = (
            sa.select(AssignmentRow)
            .where(AssignmentRow.state == PROPOSED, AssignmentRow.auto_approve_at <= now)
            .order_by(AssignmentRow.auto_approve_at, AssignmentRow.id)
            .limit(limit)
        )
        return [to_assignment(row) for row in self._s.scalars(query)]

    def posted_at(self, assignment_id: int) -> tuple[str, str] | None:
        """Channel and ts Slack gave the proposal's message (None: not delivered yet)."""
        query = sa.select(OutboxRow.slack_channel, OutboxRow.slack_ts).where(
            OutboxRow.dedupe_key == proposal_key(assignment_id), OutboxRow.status == "sent"
        )
        found = self._s.execute(query).first()
        return (str(found[0]), str(found[1])) if found and found[1] else None


def _counts(rows: Any) -> dict[str, int]:
    return {str(user): int(n) for user, n in rows}


def to_assignment(row: AssignmentRow) -> Assignment:
    return Assignment(
        id=row.id,
        team_id=row.team_id,
        lead_id=row.lead_id,
        sales_team=row.sales_team,
        rep_id=row.rep_id,
        state=AssignmentState(row.state),
        rule=row.rule,
        notes=tuple(RepNote(**note) for note in row.reasons),
        created_at=row.created_at,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
    )
