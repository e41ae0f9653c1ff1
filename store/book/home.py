"""The Home tab's reads: a few aggregate queries, each a capped page of rows plus its total
(a window count beside the rows), or counts grouped in SQL; never a whole book of leads.
Scoped to one workspace; `teams` None means every sales team (an admin)."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.book.home import (
    POOL_AGES,
    Count,
    DeliveryAlert,
    Followup,
    LeadLine,
    Proposal,
    Shown,
    SlaAtRisk,
)
from domain.delivery.messages import MessageKind
from domain.followups.reminder import OPEN_REMINDER_STATUSES
from domain.lifecycle import OPEN_STATUSES, LeadStatus
from domain.routing.assignment import AssignmentState
from domain.routing.sla import SlaStatus
from domain.scoring.rules import Stage
from store.sql import insert_ignoring_conflict
from store.tables import (
    AssignmentRow,
    HomeViewerRow,
    LeadRow,
    LeadScoreRow,
    OutboxRow,
    ReminderRow,
    RepAbsenceRow,
)

_OPEN = [str(s) for s in OPEN_STATUSES]
_LEAD_COLUMNS = (
    LeadRow.number,
    LeadRow.name,
    LeadRow.company,
    LeadRow.status,
    LeadRow.score,
    LeadRow.owner_id,
    LeadRow.sales_team,
    LeadRow.created_at,
)


def _line(row: Any) -> LeadLine:
    return LeadLine(
        row.number, row.name, row.company, row.status, row.score, row.owner_id, row.sales_team, row.created_at
    )


def _total() -> Any:
    return sa.func.count().over().label("total")


class HomeReads:
    def __init__(self, session: Session, team_id: str) -> None:
        self._s, self._team = session, team_id
        self._live = (LeadRow.team_id == team_id, LeadRow.merged_into_id.is_(None))

    def _in(self, teams: tuple[str, ...] | None) -> tuple[sa.ColumnElement[bool], ...]:
        return (*self._live, LeadRow.sales_team.in_(teams)) if teams is not None else self._live

    def _page(self, query: Any) -> tuple[list[Any], int]:
        rows = list(self._s.execute(query).all())
        return rows, int(rows[0].total) if rows else 0

    # --- a rep's own ---------------------------------------------------------------------

    def followups(self, user_id: str, before: datetime, limit: int) -> Shown[Followup]:
        """Open follow-ups due before `before` (the end of the viewer's today), oldest first."""
        query = (
            sa.select(ReminderRow.id, ReminderRow.text, ReminderRow.due_at, *_LEAD_COLUMNS, _total())
            .join(LeadRow, LeadRow.id == ReminderRow.lead_id)
            .where(
                ReminderRow.team_id == self._team,
                ReminderRow.user_id == user_id,
                ReminderRow.status.in_([str(s) for s in OPEN_REMINDER_STATUSES]),
                ReminderRow.due_at < before,
            )
            .order_by(ReminderRow.due_at, ReminderRow.id)
            .limit(limit)
        )
        rows, total = self._page(query)
        return Shown(tuple(Followup(r.id, _line(r), r.text, r.due_at) for r in rows), total)

    def owned(self, user_id: str, statuses: list[str], order: Any, limit: int) -> Shown[LeadLine]:
        query = (
            sa.select(*_LEAD_COLUMNS, _total())
            .where(*self._live, LeadRow.owner_id == user_id, LeadRow.status.in_(statuses))
            .order_by(order, LeadRow.number.desc())
            .limit(limit)
        )
        rows, total = self._page(query)
        return Shown(tuple(_line(r) for r in rows), total)

    def new_leads(self, user_id: str, limit: int) -> Shown[LeadLine]:
        """Leads given to the person and not yet worked (still `new`), latest first."""
        return self.owned(user_id, [str(LeadStatus.NEW)], LeadRow.updated_at.desc(), limit)

    def hottest(self, user_id: str, limit: int) -> Shown[LeadLine]:
        return self.owned(user_id, _OPEN, LeadRow.score.desc(), limit)

    def pipeline(self, user_id: str) -> tuple[list[Count], list[Count]]:
        """The person's open leads by status, and by score stage (lead, MQL, SQL)."""
        mine = (*self._live, LeadRow.owner_id == user_id, LeadRow.status.in_(_OPEN))
        by_status = sa.select(LeadRow.status, sa.func.count()).where(*mine).group_by(LeadRow.status)
        stage = sa.func.coalesce(LeadScoreRow.stage, str(Stage.LEAD))
        by_stage = (
            sa.select(stage, sa.func.count())
            .select_from(LeadRow)
            .outerjoin(LeadScoreRow, LeadScoreRow.lead_id == LeadRow.id)
            .where(*mine)
            .group_by(stage)
        )
        return _counts(self._s.execute(by_status)), _counts(self._s.execute(by_stage))

    def handed(
        self, user_id: str, since: datetime
    ) -> list[tuple[datetime | None, datetime | None, str | None]]:
        """Leads given to the person since then: when, their first contact, the SLA's outcome."""
        query = sa.select(
            AssignmentRow.decided_at, AssignmentRow.first_contact_at, AssignmentRow.sla_status
        ).where(
            AssignmentRow.team_id == self._team,
            AssignmentRow.rep_id == user_id,
            AssignmentRow.state == str(AssignmentState.APPROVED),
            AssignmentRow.decided_at >= since,
        )
        return [(at, contact, status) for at, contact, status in self._s.execute(query)]

    # --- a manager's teams (an admin's: every team) --------------------------------------

    def proposals(self, teams: tuple[str, ...] | None, limit: int) -> Shown[Proposal]:
        """Routing proposals waiting for a manager, oldest first."""
        query = (
            sa.select(
                AssignmentRow.id.label("assignment_id"),
                AssignmentRow.rep_id,
                AssignmentRow.sales_team.label("proposed_team"),
                AssignmentRow.created_at.label("proposed_at"),
                *_LEAD_COLUMNS,
                _total(),
            )
            .join(LeadRow, LeadRow.id == AssignmentRow.lead_id)
            .where(AssignmentRow.state == str(AssignmentState.PROPOSED), AssignmentRow.team_id == self._team)
            .order_by(AssignmentRow.created_at, AssignmentRow.id)
            .limit(limit)
        )
        if teams is not None:
            query = query.where(AssignmentRow.sales_team.in_(teams))
        rows, total = self._page(query)
        shown = (Proposal(r.assignment_id, _line(r), r.rep_id, r.proposed_team, r.proposed_at) for r in rows)
        return Shown(tuple(shown), total)

    def slas_at_risk(self, teams: tuple[str, ...] | None, until: datetime, limit: int) -> Shown[SlaAtRisk]:
        """First-contact clocks still running whose deadline comes before `until`, soonest first."""
        query = (
            sa.select(AssignmentRow.rep_id, AssignmentRow.sla_due_at, *_LEAD_COLUMNS, _total())
            .join(LeadRow, LeadRow.id == AssignmentRow.lead_id)
            .where(
                AssignmentRow.sla_status == str(SlaStatus.RUNNING),
                AssignmentRow.sla_due_at <= until,
                AssignmentRow.team_id == self._team,
            )
            .order_by(AssignmentRow.sla_due_at, AssignmentRow.id)
            .limit(limit)
        )
        if teams is not None:
            query = query.where(AssignmentRow.sales_team.in_(teams))
        rows, total = self._page(query)
        return Shown(tuple(SlaAtRisk(_line(r), r.rep_id, r.sla_due_at) for r in rows), total)

    def pool_by_age(self, teams: tuple[str, ...] | None, now: datetime) -> list[Count]:
        """Open leads nobody owns, counted by how long they have waited (one pass, in SQL)."""
        buckets = [
            sa.func.sum(sa.case((LeadRow.created_at > now - timedelta(days=days), 1), else_=0))
            for _, days in POOL_AGES
            if days is not None
        ]
        owner, status = self._off_index(LeadRow.owner_id), self._off_index(LeadRow.status)
        query = sa.select(sa.func.count(), *buckets).where(
            *self._in(teams), owner.is_(None), status.in_(_OPEN)
        )
        total, *younger = (int(n or 0) for n in self._s.execute(query).one())
        counts, below = [], 0
        for (label, _), up_to in zip(POOL_AGES, [*younger, total], strict=True):
            counts.append(Count(label, up_to - below))
            below = up_to
        return counts

    def open_by_owner(self, teams: tuple[str, ...] | None) -> dict[str, int]:
        owner, status = self._off_index(LeadRow.owner_id), self._off_index(LeadRow.status)
        query = (
            sa.select(owner, sa.func.count())
            .where(*self._in(teams), owner.is_not(None), status.in_(_OPEN))
            .group_by(owner)
        )
        return {str(owner): int(count) for owner, count in self._s.execute(query)}

    def _off_index(self, column: Any) -> Any:
        """The column, kept off the indexes that lead with it on SQLite (a unary `+`, SQLite's
        documented way), so that counts are read from ix_leads_home_counts alone. Without
        statistics SQLite would walk the (team_id, owner_id, status) or (status, ...) index and
        read every lead: 380-560 ms instead of 5-100 at 100,000 leads (bench/home_tab.py).
        PostgreSQL's planner is left alone."""
        if self._s.get_bind().dialect.name != "sqlite":
            return column
        return sa.literal_column(f"+leads.{column.key}", column.type)

    def funnel(self, teams: tuple[str, ...] | None, since: datetime) -> list[Count]:
        """Leads captured since then, by where they stand now. The report's own read
        (store/reporting/reports.ReportReads.captured_by_status) counts the same; this one is read off
        ix_leads_home_counts, where SQLite, with no statistics, would walk the status index
        for a whole workspace and read every lead (690 ms at 100,000 leads)."""
        status = self._off_index(LeadRow.status)
        query = (
            sa.select(status, sa.func.count())
            .where(*self._in(teams), LeadRow.created_at >= since)
            .group_by(status)
        )
        return _counts(self._s.execute(query))

    def away(self, now: datetime) -> dict[str, datetime]:
        query = sa.select(RepAbsenceRow.user_id, RepAbsenceRow.away_until).where(
            RepAbsenceRow.team_id == self._team, RepAbsenceRow.away_until > now
        )
        return {user: until for user, until in self._s.execute(query)}

    # --- an admin's ----------------------------------------------------------------------

    def delivery_alerts(self, limit: int) -> Shown[DeliveryAlert]:
        """Messages Slack refused for good, grouped by kind and error, most first."""
        query = (
            sa.select(
                OutboxRow.kind,
                OutboxRow.last_error,
                sa.func.count().label("dead"),
                sa.func.max(OutboxRow.created_at).label("last_at"),
                _total(),  # over the groups: how many kinds of failure
            )
            .where(
                OutboxRow.status == "dead",
                OutboxRow.team_id == self._team,
                OutboxRow.kind != str(MessageKind.HOME_REFRESH),  # the next opening redraws it
            )
            .group_by(OutboxRow.kind, OutboxRow.last_error)
            .order_by(sa.func.count().desc(), OutboxRow.kind)
            .limit(limit)
        )
        rows, total = self._page(query)
        alerts = (DeliveryAlert(r.kind, r.last_error or "", int(r.dead), r.last_at) for r in rows)
        return Shown(tuple(alerts), total)


def _counts(rows: Any) -> list[Count]:
    return [Count(str(label), int(count)) for label, count in rows]


class HomeViewers:
    """Who has opened the Home tab (the first time is enough: it stays on their screen)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def opened(self, team_id: str, user_id: str, now: datetime) -> None:
        """Written once: later openings only read (no write lock for a look at the tab)."""
        if self._s.get(HomeViewerRow, (team_id, user_id)) is None:
            row = {"team_id": team_id, "user_id": user_id, "opened_at": now}
            self._s.execute(insert_ignoring_conflict(self._s, HomeViewerRow, **row))

    def among(self, team_id: str, people: Iterable[str]) -> list[str]:
        """Those of `people` who have a Home tab to refresh."""
        query = sa.select(HomeViewerRow.user_id).where(
            HomeViewerRow.team_id == team_id, HomeViewerRow.user_id.in_(list(people))
        )
        return sorted(self._s.scalars(query))
