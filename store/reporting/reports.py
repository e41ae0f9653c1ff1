"""The pipeline report's reads: counts and sums in SQL, a few rows per group, never a lead list."""

from collections import Counter, defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.followups.reminder import OPEN_REMINDER_STATUSES
from domain.lifecycle import OPEN_STATUSES, LeadStatus
from domain.reporting.digest import Tally
from domain.reporting.funnel import Cohort
from domain.reporting.report import RepLine, ReportScope
from store.reporting.cohort import read_cohort
from store.sql import epoch_micros, without_jit
from store.tables import LeadRow, ReminderRow

_OPEN = [str(s) for s in OPEN_STATUSES]
_CONVERTED, _LOST = str(LeadStatus.CONVERTED), str(LeadStatus.LOST)


def live_in(scope: ReportScope) -> tuple[Any, ...]:
    """The conditions on LeadRow of the live (not merged-away) leads a scope counts."""
    live: list[Any] = [LeadRow.team_id == scope.team_id, LeadRow.merged_into_id.is_(None)]
    if scope.sales_teams is not None:
        in_teams = LeadRow.sales_team.in_(scope.sales_teams)
        live.append(sa.or_(in_teams, LeadRow.sales_team.is_(None)) if scope.include_unteamed else in_teams)
    if scope.owner_id is not None:
        live.append(LeadRow.owner_id == scope.owner_id)
    return tuple(live)


class ReportReads:
    def __init__(self, session: Session, scope: ReportScope, since: datetime, until: datetime) -> None:
        self._s = session
        without_jit(session)
        self._since, self._until = since, until
        self._live = live_in(scope)
        self._captured = (*self._live, LeadRow.created_at > since, LeadRow.created_at <= until)
        self._closed = (LeadRow.closed_at > since, LeadRow.closed_at <= until)
        # Read once, for two of the report's views each (_lost, _open_by_owner)
        self._lost_rows: list[tuple[str, str, int]] | None = None
        self._open_rows: dict[str | None, int] | None = None

    def won(self) -> tuple[int, Decimal, list[float]]:
        """Leads converted in the period: how many, the sum of their deal values, and the days
        each took from capture to the win, sorted (the sales cycle). The span comes from the
        database as microseconds (store/sql.epoch_micros): no datetime per lead."""
        took = epoch_micros(self._s, LeadRow.closed_at) - epoch_micros(self._s, LeadRow.created_at)
        query = sa.select(LeadRow.deal_value, took).where(
            *self._live, LeadRow.status == _CONVERTED, *self._closed
        )
        count, value, days = 0, Decimal(0), []
        for deal, micros in self._s.execute(query):
            count += 1
            value += deal or 0
            if micros is not None:  # always, by the query: a converted lead has its close time
                days.append(max(0.0, micros / 1_000_000 / 86400))
        return count, value, sorted(days)

    def lost_by_reason(self) -> list[Tally]:
        """Leads lost in the period per reason, most first: summed from _lost's rows."""
        counts: Counter[str] = Counter()
        for _, reason, count in self._lost():
            counts[reason] += count
        return [Tally(reason, count) for reason, count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]

    def cohort(self) -> Cohort:
        """The leads captured in the period, summed in one statement (store/reporting/cohort.py)."""
        return read_cohort(self._s, self._captured)

    def lost_by_source(self) -> list[tuple[str, tuple[Tally, ...]]]:
        """Leads lost in the period, per source and reason; sources with most lost first."""
        found: defaultdict[str, list[Tally]] = defaultdict(list)
        for label, why, count in self._lost():
            found[label].append(Tally(why, count))
        ranked = sorted(found.items(), key=lambda item: (-sum(t.count for t in item[1]), item[0]))
        return [
            (label, tuple(sorted(tallies, key=lambda t: (-t.count, t.label)))) for label, tallies in ranked
        ]

    def _lost(self) -> list[tuple[str, str, int]]:
        """(source, reason, how many) of the leads lost in the period: one read for both views
        of the losses (a report asks for both)."""
        if self._lost_rows is None:
            source, reason = (
                sa.func.coalesce(LeadRow.source, "unknown"),
                sa.func.coalesce(LeadRow.lost_reason, "other"),
            )
            query = (
                sa.select(source, reason, sa.func.count())
                .where(*self._live, LeadRow.status == _LOST, *self._closed)
                .group_by(source, reason)
            )
            self._lost_rows = [(str(label), str(why), int(n)) for label, why, n in self._s.execute(query)]
        return self._lost_rows

    def open_now(self) -> tuple[int, int]:
        """Open leads now, and how many of them nobody owns."""
        owners = self._open_by_owner()
        return sum(owners.values()), owners.get(None, 0)

    def _open_by_owner(self) -> dict[str | None, int]:
        """Open leads per owner (None: nobody), off the live open leads' index: one read for
        open_now and by_rep. Grouped by expressions, not the column: SQLite (no statistics)
        would otherwise walk the owner index for its order and read every lead."""
        if self._open_rows is None:
            owner_key = sa.func.coalesce(LeadRow.owner_id, "")
            nobody = sa.case((LeadRow.owner_id.is_(None), 1), else_=0)
            query = (
                sa.select(owner_key, nobody, sa.func.count())
                .where(*self._live, LeadRow.status.in_(_OPEN))
                .group_by(owner_key, nobody)
            )
            self._open_rows = {
                (None if no_owner else owner): int(n) for owner, no_owner, n in self._s.execute(query)
            }
        return self._open_rows

    def by_rep(self, now: datetime) -> list[RepLine]:
        """Every owner with an open lead, a close in the period or an overdue follow-up."""
        lines: defaultdict[str, dict[str, int]] = defaultdict(
            lambda: dict.fromkeys(("open", "won", "lost", "overdue"), 0)
        )
        # Two indexed reads rather than one pass over every lead of the scope: open leads per
        # owner (_open_by_owner), closes of the period off (status, team_id, closed_at).
        for owner_id, count in self._open_by_owner().items():
            if owner_id:
                lines[owner_id]["open"] = count
        owner_key = sa.func.coalesce(LeadRow.owner_id, "")  # as _open_by_owner groups, for SQLite
        closed = (
            sa.select(owner_key, LeadRow.status, sa.func.count())
            .where(*self._live, LeadRow.status.in_([_CONVERTED, _LOST]), *self._closed)
            .group_by(owner_key, LeadRow.status)
        )
        for owner_id, status, count in self._s.execute(closed):
            if owner_id:
                lines[owner_id]["won" if status == _CONVERTED else "lost"] = int(count)
        overdue = (
            sa.select(ReminderRow.user_id, sa.func.count())
            .join(LeadRow, LeadRow.id == ReminderRow.lead_id)
            .where(*self._live)
            .where(
                ReminderRow.status.in_([str(s) for s in OPEN_REMINDER_STATUSES]), ReminderRow.due_at <= now
            )
            .group_by(ReminderRow.user_id)
        )
        for user_id, count in self._s.execute(overdue):
            lines[user_id]["overdue"] = int(count)
        found = [RepLine(rep, **counts) for rep, counts in lines.items() if any(counts.values())]
        return sorted(found, key=lambda line: (-line.open, -line.won, line.rep))
