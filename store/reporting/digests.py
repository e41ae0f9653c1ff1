"""Daily runs (the digest-run rows) and the read model the team digest is built from."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.followups.activity import ActivityKind
from domain.followups.reminder import OPEN_REMINDER_STATUSES
from domain.lifecycle import OPEN_STATUSES, LeadStatus
from domain.reporting.digest import DigestLead, Tally
from domain.routing.sla import SlaStatus
from store.sql import insert_ignoring_conflict
from store.tables import ActivityRow, AssignmentRow, DailyRunRow, LeadCounterRow, LeadRow, ReminderRow

_OPEN = [str(s) for s in OPEN_STATUSES]


class DailyRuns:
    def __init__(self, session: Session) -> None:
        self._s = session

    def workspaces(self) -> list[str]:
        """Every workspace that ever had a lead: the ones a digest can speak about."""
        return list(self._s.scalars(sa.select(LeadCounterRow.team_id).order_by(LeadCounterRow.team_id)))

    def last_ran_at(self, team_id: str, job: str, scope: str) -> datetime | None:
        query = (
            sa.select(DailyRunRow.ran_at)
            .where(DailyRunRow.team_id == team_id, DailyRunRow.job == job, DailyRunRow.scope == scope)
            .order_by(DailyRunRow.local_date.desc())
            .limit(1)
        )
        return self._s.scalar(query)

    def ran(self, team_id: str, job: str, scope: str, day: date) -> bool:
        """The day's run is out (or being sent): what a job checks before it reads for it."""
        query = sa.select(DailyRunRow.id).where(
            DailyRunRow.team_id == team_id,
            DailyRunRow.job == job,
            DailyRunRow.scope == scope,
            DailyRunRow.local_date == day,
        )
        return self._s.execute(query.limit(1)).first() is not None

    def claim(
        self, team_id: str, job: str, scope: str, day: date, now: datetime, covers_from: datetime
    ) -> bool:
        """True if this transaction now owns the day's run. On PostgreSQL a second process
        waits on the first one's uncommitted row and then finds it: one run per day."""
        insert = insert_ignoring_conflict(
            self._s,
            DailyRunRow,
            team_id=team_id,
            job=job,
            scope=scope,
            local_date=day,
            covers_from=covers_from,
            ran_at=now,
        )
        return self._s.execute(insert.returning(DailyRunRow.id)).first() is not None


class DigestReads:
    """Plain rows for one sales team of one workspace; never ORM objects."""

    def __init__(self, session: Session, team_id: str, team_key: str, include_unteamed: bool) -> None:
        self._s = session
        self._team_id = team_id
        # Leads with no sales team belong to the first team (LeadbotConfig.team(None)). Each
        # way of being in the team is a whole condition of its own, so SQLite looks each up on
        # an index that starts (team_id, sales_team) and takes the union; one OR inside
        # would walk the workspace's leads instead (bench/digests.py).
        in_team = [LeadRow.sales_team == team_key]
        self._in_team = [*in_team, LeadRow.sales_team.is_(None)] if include_unteamed else in_team

    def _live(self, *where: Any) -> sa.ColumnElement[bool]:
        """The team's live leads that meet `where`."""
        live = (LeadRow.team_id == self._team_id, LeadRow.merged_into_id.is_(None), *where)
        return sa.or_(*(sa.and_(team, *live) for team in self._in_team))

    def _leads(self, *where: Any, columns: tuple[Any, ...] = ()) -> sa.Select[Any]:
        return sa.select(*_LEAD_COLUMNS, *columns).where(self._live(*where))

    def _count(self, *where: Any) -> int:
        query = sa.select(sa.func.count()).select_from(LeadRow).where(self._live(*where))
        return int(self._s.scalar(query) or 0)

    def new_by_source(self, since: datetime, until: datetime) -> list[Tally]:
        source = sa.func.coalesce(LeadRow.source, "unknown")
        query = (
            sa.select(source, sa.func.count())
            .where(self._live(LeadRow.created_at > since, LeadRow.created_at <= until))
            .group_by(source)
            .order_by(sa.func.count().desc(), source)
        )
        return [Tally(str(label), int(count)) for label, count in self._s.execute(query)]

    def unassigned(self, limit: int) -> tuple[list[DigestLead], int]:
        where = (LeadRow.owner_id.is_(None), LeadRow.status.in_(_OPEN))
        rows = self._s.execute(self._leads(*where).order_by(LeadRow.created_at.desc()).limit(limit))
        return [_lead(row) for row in rows], self._count(*where)

    def hot(self, limit: int) -> list[DigestLead]:
        query = self._leads(LeadRow.status.in_(_OPEN), LeadRow.score > 0)
        rows = self._s.execute(query.order_by(LeadRow.score.desc(), LeadRow.number).limit(limit))
        return [_lead(row) for row in rows]

    def converted(self, since: datetime, until: datetime, limit: int) -> tuple[list[DigestLead], int]:
        where = self._closed(LeadStatus.CONVERTED, since, until)
        query = self._leads(*where, columns=(LeadRow.deal_value,))
        rows = self._s.execute(query.order_by(LeadRow.closed_at.desc()).limit(limit))
        return [_lead(row, detail=_deal(row[-1])) for row in rows], self._count(*where)

    def sla_breaches(self, since: datetime, until: datetime, limit: int) -> tuple[list[DigestLead], int]:
        """First-contact SLAs that ran out in the period, latest first, with the rep who was late."""
        where = (
            AssignmentRow.lead_id == LeadRow.id,
            AssignmentRow.sla_status == str(SlaStatus.BREACHED),
            AssignmentRow.sla_due_at >= since,
            AssignmentRow.sla_due_at < until,
        )
        query = self._leads(*where, columns=(AssignmentRow.rep_id, AssignmentRow.sla_minutes))
        rows = self._s.execute(query.order_by(AssignmentRow.sla_due_at.desc()).limit(limit))
        late = [
            replace(_lead(row, detail=f"not contacted within {row[-1]} working min"), owner=row[-2])
            for row in rows
        ]
        count = sa.select(sa.func.count()).select_from(LeadRow, AssignmentRow).where(self._live(*where))
        return late, int(self._s.scalar(count) or 0)

    def lost_by_reason(self, since: datetime, until: datetime) -> list[Tally]:
        reason = sa.func.coalesce(LeadRow.lost_reason, "other")
        query = (
            sa.select(reason, sa.func.count())
            .where(self._live(*self._closed(LeadStatus.LOST, since, until)))
            .group_by(reason)
            .order_by(sa.func.count().desc(), reason)
        )
        return [Tally(str(label), int(count)) for label, count in self._s.execute(query)]

    def overdue_by_rep(self, now: datetime) -> list[Tally]:
        query = (
            sa.select(ReminderRow.user_id, sa.func.count())
            .join(LeadRow, LeadRow.id == ReminderRow.lead_id)
            .where(
                self._live(),
                ReminderRow.status.in_([str(s) for s in OPEN_REMINDER_STATUSES]),
                ReminderRow.due_at <= now,
            )
            .group_by(ReminderRow.user_id)
            .order_by(sa.func.count().desc(), ReminderRow.user_id)
        )
        return [Tally(str(user), int(count)) for user, count in self._s.execute(query)]

    def quiet(self, before: datetime) -> list[DigestLead]:
        """Open, owned leads with no note, call, email or meeting since `before` (nor
        created since), by owner: the ones going cold. Their last touch is before `before`
        when no touch is at or after it; a lead with no touch at all goes by its creation.
        Each lead is looked up on activities' (lead_id, created_at) index: never the
        workspace's whole history grouped (3.8 s at 100,000 leads, bench/digests.py)."""

        def touched(*when: sa.ColumnElement[bool]) -> sa.Exists:
            return sa.exists().where(
                ActivityRow.lead_id == LeadRow.id,
                ActivityRow.team_id == self._team_id,
                ActivityRow.kind != str(ActivityKind.SYSTEM),
                *when,
            )

        query = self._leads(
            LeadRow.status.in_(_OPEN),
            LeadRow.owner_id.is_not(None),
            ~touched(ActivityRow.created_at >= before),
            sa.or_(LeadRow.created_at < before, touched()),
        )
        # Sorted here: ordered by owner in SQL, SQLite (no statistics) walks the workspace's
        # owned leads on (team_id, owner_id) instead of the team's open ones.
        rows = sorted(self._s.execute(query), key=lambda row: (row.owner_id, row.number))
        return [_lead(row) for row in rows]

    @staticmethod
    def _closed(status: LeadStatus, since: datetime, until: datetime) -> tuple[sa.ColumnElement[bool], ...]:
        return (LeadRow.status == str(status), LeadRow.closed_at > since, LeadRow.closed_at <= until)


# What a digest shows of a lead, in _lead's order: plain values, never ORM objects.
_LEAD_COLUMNS = (LeadRow.number, LeadRow.name, LeadRow.company, LeadRow.score, LeadRow.owner_id)


def _lead(row: Sequence[Any], detail: str | None = None) -> DigestLead:
    """From a row that begins with _LEAD_COLUMNS."""
    number, name, company, score, owner = row[:5]
    return DigestLead(f"L-{number}", name, company, score, detail, owner)


def _deal(value: Decimal | None) -> str | None:
    return f"{value:,}" if value is not None else None
