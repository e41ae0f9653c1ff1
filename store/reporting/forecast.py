"""The forecast's reads and its monthly record: open deals by close month (off the index on
(team_id, expected_close)), the win rate and the wins of a month, and the forecasts recorded
when each month began."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.lifecycle import OPEN_STATUSES, LeadStatus
from domain.reporting.forecast import MonthForecast, OpenDeal, Snapshot, add_months, sum_forecasts
from domain.reporting.report import ReportScope
from domain.scoring.predictive import NOT_NOW_REASONS, Engagement
from store.reporting.reports import live_in
from store.scoring.predictive import TOUCHES, engagement_of
from store.sql import insert_ignoring_conflict, without_jit
from store.tables import ActivityRow, ForecastSnapshotRow, LeadProbabilityRow, LeadRow

_OPEN = [str(s) for s in OPEN_STATUSES]
_CONVERTED, _LOST = str(LeadStatus.CONVERTED), str(LeadStatus.LOST)
_QUALIFIED = str(LeadStatus.QUALIFIED)
NONE = ""  # no sales team, no owner, in a snapshot's key


# What a forecast reads of an open deal: its deal, whose it is, and what the predictive score
# reads (domain/scoring/predictive.Profile).
DEAL_COLUMNS = (
    LeadRow.id, LeadRow.status, LeadRow.owner_id, LeadRow.sales_team, LeadRow.expected_value,
    LeadRow.expected_close, LeadRow.source, LeadRow.campaign, LeadRow.country, LeadRow.product,
    LeadRow.title, LeadRow.email, LeadRow.phone,
)  # fmt: skip


def _open_deal(row: Any) -> OpenDeal:
    return OpenDeal(
        row.id, row.sales_team, row.owner_id, row.status == _QUALIFIED, row.expected_value,
        row.expected_close, row.percent, row.source, row.campaign, row.country, row.product, row.title,
        row.email, row.phone,
    )  # fmt: skip


class ForecastReads:
    def __init__(self, session: Session, scope: ReportScope) -> None:
        self._s = session
        without_jit(session)  # as a report's reads (store/sql.py)
        self._scope = scope
        self._live = live_in(scope)

    @property
    def team_id(self) -> str:
        return self._scope.team_id

    def open_deals(self, before: date) -> list[OpenDeal]:
        """Open leads of the scope with a value, expected to close before `before`: only the
        columns the forecast and the predictive score read (whole rows cost several times as
        much to load, bench/report_forecast.py)."""
        query = (
            sa.select(*DEAL_COLUMNS, LeadProbabilityRow.percent)
            .outerjoin(LeadProbabilityRow, LeadProbabilityRow.lead_id == LeadRow.id)
            .where(*self._deals(before))
        )
        return [_open_deal(row) for row in self._s.execute(query)]

    def engagement(self, before: date, as_of: datetime) -> dict[int, Engagement]:
        """What reps logged on each of open_deals(before) that has no chance set by hand (the
        predictive score's input): one statement joined to the deals' own conditions. Asked
        500 lead ids at a time it took 28 statements and most of a forecast's time on
        PostgreSQL at 100,000 leads."""
        hand = sa.select(LeadProbabilityRow.lead_id).where(LeadProbabilityRow.lead_id == LeadRow.id)
        query = (
            sa.select(
                ActivityRow.lead_id, ActivityRow.kind, sa.func.count(), sa.func.max(ActivityRow.created_at)
            )
            .join(LeadRow, LeadRow.id == ActivityRow.lead_id)
            .where(*self._deals(before), ~hand.exists())
            .where(ActivityRow.kind.in_(TOUCHES), ActivityRow.created_at <= as_of)
            .group_by(ActivityRow.lead_id, ActivityRow.kind)
        )
        logged: defaultdict[int, dict[str, tuple[int, datetime]]] = defaultdict(dict)
        for lead_id, kind, count, last in self._s.execute(query):
            logged[lead_id][kind] = (int(count), last)
        return {lead_id: engagement_of(kinds) for lead_id, kinds in logged.items()}

    def _deals(self, before: date) -> tuple[Any, ...]:
        """The conditions on LeadRow of the scope's open deals closing before `before`."""
        return (
            *self._live,
            LeadRow.expected_close < before,
            LeadRow.expected_value.is_not(None),
            LeadRow.status.in_(_OPEN),
        )

    def win_rate(self) -> float | None:
        """Won among the scope's closed leads (a loss for timing is no "no"); None: none closed."""
        won = sa.func.sum(sa.case((LeadRow.status == _CONVERTED, 1), else_=0))
        query = sa.select(sa.func.count(), won).where(
            *self._live,
            LeadRow.status.in_([_CONVERTED, _LOST]),
            sa.or_(LeadRow.lost_reason.is_(None), LeadRow.lost_reason.not_in(NOT_NOW_REASONS)),
        )
        closed, converted = self._s.execute(query).one()
        return int(converted or 0) / int(closed) if closed else None

    def won_in(self, month: date) -> tuple[int, Decimal]:
        """Leads converted in the month, and their deal values summed."""
        start, end = (_midnight(month), _midnight(add_months(month, 1)))
        query = sa.select(sa.func.count(), sa.func.sum(LeadRow.deal_value)).where(
            *self._live, LeadRow.status == _CONVERTED, LeadRow.closed_at >= start, LeadRow.closed_at < end
        )
        count, value = self._s.execute(query).one()
        return int(count), Decimal(value or 0)

    def recorded(self, month: date) -> MonthForecast | None:
        """The scope's forecast for the month as recorded when it began; None if none was."""
        row = ForecastSnapshotRow
        query = sa.select(row).where(row.team_id == self._scope.team_id, row.month == month)
        scope = self._scope
        if scope.sales_teams is not None:
            teams = [*scope.sales_teams, *([NONE] if scope.include_unteamed else [])]
            query = query.where(row.sales_team.in_(teams))
        if scope.owner_id is not None:
            query = query.where(row.owner_id == scope.owner_id)
        rows = self._s.scalars(query).all()
        if not rows and not self.any_recorded(month):
            return None
        return sum_forecasts(
            month, (MonthForecast(month, r.deals, r.weighted, r.best_case, r.committed) for r in rows)
        )

    def any_recorded(self, month: date) -> bool:
        row = ForecastSnapshotRow
        query = sa.select(row.month).where(row.team_id == self._scope.team_id, row.month == month).limit(1)
        return self._s.execute(query).first() is not None


def claim_month(session: Session, team_id: str, month: date, now: datetime) -> bool:
    """True if this transaction now records the workspace's month: its row for no team and no
    owner goes in first, empty. On PostgreSQL a second process's insert waits on the first
    one's uncommitted row and then finds it: one record a month. That row stays (a month
    with no deal reads as a forecast of nothing, not as missing)."""
    claim = insert_ignoring_conflict(session, ForecastSnapshotRow, **_empty(team_id, month, now))
    return session.execute(claim.returning(ForecastSnapshotRow.month)).first() is not None


def record_snapshots(
    session: Session, team_id: str, month: date, parts: Sequence[Snapshot], now: datetime
) -> None:
    """The month's forecast per sales team and owner, into the month claimed (claim_month)."""
    for part in parts:
        key = {"team_id": team_id, "month": month, "sales_team": part.sales_team or NONE,
               "owner_id": part.owner_id or NONE}  # fmt: skip
        figures = {
            "deals": part.forecast.deals,
            "weighted": part.forecast.weighted,
            "best_case": part.forecast.best_case,
            "committed": part.forecast.committed,
        }
        if key["sales_team"] == NONE and key["owner_id"] == NONE:  # the claim's own row
            row = ForecastSnapshotRow
            where = [getattr(row, column) == value for column, value in key.items()]
            session.execute(sa.update(row).where(*where).values(**figures))
        else:
            session.add(ForecastSnapshotRow(**key, **figures, taken_at=now))
    session.flush()


def _empty(team_id: str, month: date, now: datetime) -> dict[str, Any]:
    zero = Decimal(0)
    return {
        "team_id": team_id, "month": month, "sales_team": NONE, "owner_id": NONE, "deals": 0,
        "weighted": zero, "best_case": zero, "committed": zero, "taken_at": now,
    }  # fmt: skip


def _midnight(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=UTC)


class ForecastMonths:
    """The month's forecast, kept once per workspace and month (claim, then record)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def claim(self, team_id: str, month: date, now: datetime) -> bool:
        return claim_month(self._s, team_id, month, now)

    def record(self, team_id: str, month: date, parts: Sequence[Snapshot], now: datetime) -> None:
        record_snapshots(self._s, team_id, month, parts, now)
