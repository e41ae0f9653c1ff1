"""`/lead list`: one page of the leads a filter matches, and how many match in all, in one
SQL query (a window count beside the page's rows). Every query is scoped to one workspace,
leaves merged-away leads out and applies the viewer's visibility."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from domain.book.filters import ListQuery, Sort, Span
from domain.custom_fields import Bound, Condition, FieldType
from domain.followups.activity import ActivityKind
from domain.lead import Lead
from domain.permissions import Visibility
from domain.scoring.rules import Stage
from store.book.lead_tags import tagged
from store.leads import to_lead
from store.tables import ActivityRow, LeadRow, LeadScoreRow


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


def _conditions(
    query: ListQuery, touch: sa.ColumnElement[datetime], dialect: str = "sqlite"
) -> list[sa.ColumnElement[bool]]:
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
    if query.phone is not None:
        found.append(LeadRow.phone == query.phone)
    if query.email_domain is not None:
        found.append(sa.func.lower(LeadRow.email).like(f"%@{_escaped(query.email_domain)}", escape="\\"))
    if query.stages:
        found.append(sa.func.coalesce(LeadScoreRow.stage, str(Stage.LEAD)).in_(query.stages))
    found += [_holds(c, dialect) for c in query.custom]
    return found


# The JSON type each field type is stored as: (SQLite's json_type, PostgreSQL's json_typeof).
_JSON_TYPES = {
    FieldType.NUMBER: (("integer", "real"), ("number",)),
    FieldType.DATE: (("text",), ("string",)),
    FieldType.BOOL: (("true", "false"), ("boolean",)),
}


def _holds(condition: Condition, dialect: str) -> sa.ColumnElement[bool]:
    """A custom field's condition on the leads' JSON column: numbers and dates by their
    bounds (dates are ISO text, which sorts as dates do), the rest by value."""
    value = LeadRow.custom[condition.key]
    kind = condition.field.type
    if condition.bounds:
        read = value.as_float() if kind is FieldType.NUMBER else value.as_string()
        typed = _if_stored_as(condition.key, kind, dialect, read)
        return sa.or_(*(_within(typed, bound) for bound in condition.bounds))
    if kind is FieldType.BOOL:
        flag = _if_stored_as(condition.key, kind, dialect, value.as_boolean())
        return sa.or_(*(flag == (v == "yes") for v in condition.values))
    if kind is FieldType.CHOICE:  # stored as the config spells it, and read so
        choice: sa.ColumnElement[bool] = value.as_string().in_(condition.values)
        return choice
    return _lower_in(value.as_string(), condition.values)


def _if_stored_as(key: str, kind: FieldType, dialect: str, read: Any) -> Any:
    """`read` where the value is of the field's JSON type, else NULL (matching nothing). A
    field whose type the config changed keeps its old values: PostgreSQL would fail to cast
    one (`'big'::float`), SQLite would compare text with a number. A CASE is evaluated in
    order, so the cast only ever sees a value of the right type."""
    sqlite_types, postgres_types = _JSON_TYPES[kind]
    if dialect == "postgresql":
        is_typed = sa.func.json_typeof(LeadRow.custom[key]).in_(postgres_types)
    else:
        is_typed = sa.func.json_type(LeadRow.custom, f"$.{key}").in_(sqlite_types)
    return sa.case((is_typed, read))


def _within(typed: Any, bound: Bound) -> sa.ColumnElement[bool]:
    parts = []
    if bound.low is not None:
        parts.append(typed > bound.low if bound.strict else typed >= bound.low)
    if bound.high is not None:
        parts.append(typed < bound.high if bound.strict else typed <= bound.high)
    return sa.and_(*parts)


def _escaped(text: str) -> str:
    """LIKE's wildcards as literal characters."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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


def _order(sort: Sort, touch: Any, source: sa.Subquery | None = None) -> tuple[sa.UnaryExpression[Any], ...]:
    """The list's order, over the leads table or over the page's subquery of it."""
    columns: Any = source.c if source is not None else LeadRow
    if sort is Sort.CREATED:
        return (columns.created_at.desc(), columns.number.desc())
    if sort is Sort.STALE:
        return (touch.asc(), columns.number.asc())
    return (columns.score.desc(), columns.number.desc())


def _needs_touch(query: ListQuery) -> bool:
    return query.sort is Sort.STALE or query.touched_since is not None or query.untouched_since is not None


def _touches(team_id: str) -> sa.Subquery:
    """Each lead's last note, call, email or meeting, for a whole workspace at once."""
    return (
        sa.select(ActivityRow.lead_id, sa.func.max(ActivityRow.created_at).label("at"))
        .where(ActivityRow.team_id == team_id, ActivityRow.kind != str(ActivityKind.SYSTEM))
        .group_by(ActivityRow.lead_id)
        .subquery("touches")
    )


def _whole_workspace(query: ListQuery) -> bool:
    """No condition an index narrows: the list reads most of the workspace's leads."""
    return query.visibility.everything and not (query.owners or query.unowned or query.teams)


class LeadListRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def page(self, team_id: str, query: ListQuery, offset: int, limit: int) -> ListPage:
        """The leads at `offset` in the list's order, and how many match in all. One query:
        the inner select reads only ids, sort keys and the window count over every match;
        whole rows are read for the page's leads alone."""
        inner, touch = self._matches(team_id, query)
        hits = inner.order_by(*_order(query.sort, touch)).offset(offset).limit(limit).subquery()
        page = sa.select(LeadRow, hits.c.total).join(hits, hits.c.id == LeadRow.id)
        touched = hits.c.touch if _needs_touch(query) else None
        rows = self._s.execute(page.order_by(*_order(query.sort, touched, hits))).all()
        if not rows and offset > 0:  # past the end (leads left the list): count them anyway
            return ListPage(self._count(inner), [])
        return ListPage(int(rows[0].total) if rows else 0, [to_lead(row[0]) for row in rows])

    def ids(self, team_id: str, query: ListQuery) -> list[int]:
        """Every matching lead's id, in the list's order: what a bulk action changes."""
        inner, touch = self._matches(team_id, query)
        return [row.id for row in self._s.execute(inner.order_by(*_order(query.sort, touch)))]

    def _matches(self, team_id: str, query: ListQuery) -> tuple[Any, Any]:
        """Every lead the list shows, as its sort keys, and the last-touch expression."""
        keys = [LeadRow.id, LeadRow.score, LeadRow.created_at, LeadRow.number]
        matches = sa.select(*keys).where(self._workspace(query) == team_id, LeadRow.merged_into_id.is_(None))
        touch: Any = _last_touch()
        if _needs_touch(query) and _whole_workspace(query):
            # Most leads' last touch: one pass over the workspace's activities beats a
            # lookup per lead (bench/list_page.py, admin `sort:stale`).
            touches = _touches(team_id)
            matches = matches.outerjoin(touches, touches.c.lead_id == LeadRow.id)
            touch = sa.func.coalesce(touches.c.at, LeadRow.created_at)
        if _needs_touch(query):
            matches = matches.add_columns(touch.label("touch"))
        if query.stages:
            matches = matches.outerjoin(LeadScoreRow, LeadScoreRow.lead_id == LeadRow.id)
        if query.tags:
            matches = matches.where(LeadRow.id.in_(tagged(team_id, query.tags)))
        total = sa.func.count().over().label("total")
        dialect = self._s.get_bind().dialect.name
        return matches.add_columns(total).where(*_conditions(query, touch, dialect)), touch

    def search_corpus(self, team_id: str, scope: Visibility) -> dict[int, str]:
        """Number -> searchable text of the live leads the viewer may see, for `/lead find`."""
        query = sa.select(LeadRow.number, LeadRow.search_text).where(
            LeadRow.team_id == team_id, LeadRow.merged_into_id.is_(None), _visible(scope)
        )
        return {number: text for number, text in self._s.execute(query)}

    def _workspace(self, query: ListQuery) -> Any:
        """The team_id column to filter on. SQLite, lacking statistics, would walk a whole
        workspace through an index on team_id and then read each row, three to four times
        slower than reading the table: a unary `+` (SQLite's documented way) keeps it off the
        index when nothing else narrows the list. With `tag:` the tag's leads (lead_tags'
        primary key) are fewer than the workspace's: kept off the index too, SQLite reads
        them by id (a rep's `tag:hot` at 100k leads: 78 -> see docs/benchmarks.md).
        PostgreSQL's planner is left alone."""
        if (_whole_workspace(query) or query.tags) and self._s.get_bind().dialect.name == "sqlite":
            return sa.literal_column("+leads.team_id", sa.String)
        return LeadRow.team_id

    def _count(self, statement: Any) -> int:
        counted = sa.select(sa.func.count()).select_from(
            statement.with_only_columns(LeadRow.id, maintain_column_froms=True).subquery()
        )
        return int(self._s.execute(counted).scalar_one())
