"""`/lead list`: one page of the leads a filter matches, and how many match in all, in one
SQL query (a window count beside the page's rows). Every query is scoped to one workspace,
leaves merged-away leads out and applies the viewer's visibility."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from domain.activity import ActivityKind
from domain.lead import Lead
from domain.lead_filter import Sort, Span
from domain.permissions import Visibility
from domain.scoring import Stage
from store.leads import to_lead
from store.tables import ActivityRow, LeadRow, LeadScoreRow


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A filter resolved against its viewer and the clock: ids, lower-case words, instants.
    An empty tuple (or None) filters nothing."""

    visibility: Visibility
    statuses: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()  # Slack user ids
    unowned: bool = False  # with `owners`: theirs or nobody's
    teams: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # every spelling that matches (domain/countries.py)
    products: tuple[str, ...] = ()
    scores: tuple[Span, ...] = ()
    created_since: datetime | None = None
    created_before: datetime | None = None
    touched_since: datetime | None = None
    untouched_since: datetime | None = None  # no note, call, email or meeting since then
    stages: tuple[str, ...] = ()
    sort: Sort = Sort.SCORE


@dataclass(frozen=True, slots=True)
class ListPage:
    total: int
    leads: list[Lead]


def _last_touch() -> sa.ColumnElement[datetime]:
    """When a person last did something with the lead (a note, call, email or meeting; system
    lines do not count), else when it arrived. Read off the (lead_id, created_at) index."""
    latest = (
        sa.select(sa.func.max(ActivityRow.created_at))
        .where(ActivityRow.lead_id == LeadRow.id, ActivityRow.kind != str(ActivityKind.SYSTEM))
        .scalar_subquery()
    )
    return sa.func.coalesce(latest, LeadRow.created_at)


def _lower_in(
    column: InstrumentedAttribute[str | None] | sa.ColumnElement[str | None], values: tuple[str, ...]
) -> sa.ColumnElement[bool]:
    return sa.func.lower(column).in_([v.lower() for v in values])


def _visible(scope: Visibility) -> sa.ColumnElement[bool]:
    if scope.everything:
        return sa.true()
    if scope.owner is None:
        return LeadRow.sales_team.in_(scope.teams)
    pool = sa.and_(LeadRow.owner_id.is_(None), LeadRow.sales_team.in_(scope.pool_teams))
    return sa.or_(LeadRow.owner_id == scope.owner, pool)


def _span(span: Span) -> sa.ColumnElement[bool]:
    low = LeadRow.score >= span.low if span.low is not None else sa.true()
    high = LeadRow.score <= span.high if span.high is not None else sa.true()
    return sa.and_(low, high)


def _owned(query: ListQuery) -> sa.ColumnElement[bool]:
    owned = LeadRow.owner_id.in_(query.owners) if query.owners else sa.false()
    return sa.or_(owned, LeadRow.owner_id.is_(None)) if query.unowned else owned


def _conditions(query: ListQuery, touch: sa.ColumnElement[datetime]) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = [_visible(query.visibility)]
    if query.statuses:
        found.append(LeadRow.status.in_(query.statuses))
    if query.owners or query.unowned:
        found.append(_owned(query))
    columns = (
        (LeadRow.sales_team, query.teams),
        (LeadRow.source, query.sources),
        (LeadRow.campaign, query.campaigns),
        (LeadRow.country, query.countries),
        (LeadRow.product, query.products),
    )
    found += [_lower_in(column, values) for column, values in columns if values]
    if query.scores:
        found.append(sa.or_(*(_span(span) for span in query.scores)))
    found += _times(query, touch)
    if query.stages:
        found.append(sa.func.coalesce(LeadScoreRow.stage, str(Stage.LEAD)).in_(query.stages))
    return found


def _times(query: ListQuery, touch: sa.ColumnElement[datetime]) -> list[sa.ColumnElement[bool]]:
    found = []
    if query.created_since is not None:
        found.append(LeadRow.created_at >= query.created_since)
    if query.created_before is not None:
        found.append(LeadRow.created_at < query.created_before)
    if query.touched_since is not None:
        found.append(touch >= query.touched_since)
    if query.untouched_since is not None:
        found.append(touch < query.untouched_since)
    return found


def _order(sort: Sort, touch: sa.ColumnElement[datetime]) -> tuple[sa.UnaryExpression[Any], ...]:
    if sort is Sort.CREATED:
        return (LeadRow.created_at.desc(), LeadRow.number.desc())
    if sort is Sort.STALE:
        return (touch.asc(), LeadRow.number.asc())
    return (LeadRow.score.desc(), LeadRow.number.desc())


class LeadListRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def page(self, team_id: str, query: ListQuery, offset: int, limit: int) -> ListPage:
        """The leads at `offset` in the list's order, and how many match in all."""
        touch = _last_touch()
        total = sa.func.count().over().label("total")
        statement = sa.select(LeadRow, total).where(
            LeadRow.team_id == team_id, LeadRow.merged_into_id.is_(None)
        )
        if query.stages:
            statement = statement.outerjoin(LeadScoreRow, LeadScoreRow.lead_id == LeadRow.id)
        statement = statement.where(*_conditions(query, touch))
        rows = self._s.execute(
            statement.order_by(*_order(query.sort, touch)).offset(offset).limit(limit)
        ).all()
        if not rows and offset > 0:  # past the end (leads left the list): count them anyway
            return ListPage(self._count(statement), [])
        return ListPage(int(rows[0].total) if rows else 0, [to_lead(row[0]) for row in rows])

    def _count(self, statement: sa.Select[LeadRow, int]) -> int:
        counted = sa.select(sa.func.count()).select_from(statement.with_only_columns(LeadRow.id).subquery())
        return int(self._s.execute(counted).scalar_one())
