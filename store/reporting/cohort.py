"""A report's cohort (the leads captured in its period) summed by the database in one
statement: leads alike counted together, the medians of the times between stages, and the
first contacts as one number each. A row per lead, made into Python objects with five
datetimes each, took seconds at 100,000 leads (docs/benchmarks.md); this reads a few hundred
rows, plus one per lead contacted after it was handed over.

The cohort is a common table expression that the three parts of the statement read: SQLite
(3.35+) and PostgreSQL (12+) both compute one used more than once only once (MATERIALIZE in
its query plan)."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.lifecycle import LeadStatus
from domain.reporting.funnel import STAGES, Cohort, CohortGroup, FirstContact
from domain.routing.assignment import AssignmentState
from store.sql import epoch_micros
from store.tables import AssignmentRow, LeadRow, LeadScoreRow
from store.types import UTCDateTime

_CONVERTED = str(LeadStatus.CONVERTED)
_APPROVED = str(AssignmentState.APPROVED)
# What a cohort lead's first contact reads when it was handed to a rep and not contacted yet
NOT_CONTACTED = datetime(9999, 12, 31, tzinfo=UTC)
_NOT_CONTACTED = (NOT_CONTACTED - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
_MICROS_A_SECOND = 1_000_000
# The parts of the statement, each row with these columns (unused ones NULL)
_COLUMNS = ("part", "key", "status", "known", "leads", "handed", "span", "value")


def read_cohort(session: Session, captured: Sequence[Any]) -> Cohort:
    """The cohort of the leads meeting `captured` (conditions on LeadRow)."""
    cohort = _cohort(session, captured)
    statement = sa.union_all(_groups(cohort), _middles(cohort), _contacts(cohort))
    groups, contacts, contacted = [], [], []
    middles: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
    for part, key, status, known, leads, handed, span, value in session.execute(statement):
        if part == "group":
            stages = (bool(known & 1), bool(known & 2), bool(known & 4))
            groups.append(CohortGroup(key, LeadStatus(status), leads, *stages, handed, value or Decimal(0)))
        elif part == "contact":
            contacts.append(FirstContact(key, status, max(0.0, span / _MICROS_A_SECOND / 60)))
            if span >= 0:  # in order: the time in the first stage, to the first contact
                contacted.append(span)
        else:
            middles[(part, key)].append(span)
    # The first stage's median from the contacts read anyway (sorting them in SQL too was a
    # third of the statement's window work at 100,000 leads); the others' middles from SQL.
    stage_days = (
        _median_days(contacted),
        *(_median_days(middles.get((f"stage{i}", ""))) for i in range(1, len(STAGES) - 1)),
    )
    to_win = {
        key: median(_days(span) for span in spans) for (part, key), spans in middles.items() if part == "win"
    }
    return Cohort(tuple(groups), stage_days, to_win, tuple(contacts))


def _median_days(middle: list[int] | None) -> float | None:
    """The median, in days, of spans (microseconds): a whole series, or its one or two middle
    spans, which have the same median."""
    return median(_days(span) for span in middle) if middle else None


def _days(micros: int) -> float:
    return micros / _MICROS_A_SECOND / 86400  # as timedelta.total_seconds() / 86400 would


def _cohort(session: Session, captured: Sequence[Any]) -> Any:
    """One row per cohort lead: what it is (source, team, owner, status), which stage times are
    known (bits: contacted 1, MQL 2, SQL 4), and the spans (microseconds) of its stages, from
    capture to the win and from capture to the first contact. The capture and close times
    are made microseconds here, inside the cases that need them (a lead converted, or
    contacted after it was handed over): on SQLite each costs a microsecond or so of date
    functions, and most of a year's leads need neither (bench/report_forecast.py)."""
    lead = _lead(session, captured)
    contacted = sa.case((lead.c.handed < _NOT_CONTACTED, lead.c.handed))
    converted = lead.c.status == _CONVERTED
    won_at = sa.case((converted, epoch_micros(session, lead.c.closed_at)))
    created = epoch_micros(session, lead.c.created_at)

    def stage(end: Any, start: Any) -> Any:  # time in a stage: both ends known, in order
        return sa.case((end - start >= 0, end - start))

    def bit(known: Any, value: int) -> Any:
        return sa.case((known.is_not(None), value), else_=0)

    return sa.select(
        lead.c.source,
        lead.c.sales_team,
        lead.c.owner_id,
        lead.c.status,
        (bit(contacted, 1) + bit(lead.c.mql, 2) + bit(lead.c.sql, 4)).label("known"),
        bit(lead.c.handed, 1).label("handed"),
        sa.case((lead.c.status == _CONVERTED, lead.c.value)).label("value_won"),
        stage(lead.c.mql, contacted).label("stage1"),
        stage(lead.c.sql, lead.c.mql).label("stage2"),
        stage(won_at, lead.c.sql).label("stage3"),
        sa.case((converted, won_at - created)).label("win"),
        sa.case((lead.c.handed < _NOT_CONTACTED, lead.c.handed - created)).label("contact"),
    ).cte("cohort")


def _lead(session: Session, captured: Sequence[Any]) -> Any:
    """The cohort leads' own columns, the stage times as microseconds since 1970. Whether a lead was
    handed to a rep and its first contact are one look-up per lead off the assignments' lead
    index (a correlated subquery: grouping every assignment of the workspace first took
    seconds at 100k leads): NULL if it was never handed over, _NOT_CONTACTED if it was and
    nobody contacted it yet."""
    first_contact = sa.func.coalesce(AssignmentRow.first_contact_at, sa.literal(NOT_CONTACTED, UTCDateTime))
    handed = sa.select(sa.func.min(epoch_micros(session, first_contact))).where(
        AssignmentRow.lead_id == LeadRow.id, AssignmentRow.state == _APPROVED
    )
    return (
        sa.select(
            sa.func.coalesce(LeadRow.source, "unknown").label("source"),
            LeadRow.sales_team,
            LeadRow.owner_id,
            LeadRow.status,
            LeadRow.deal_value.label("value"),
            LeadRow.created_at,
            LeadRow.closed_at,
            epoch_micros(session, LeadScoreRow.mql_at).label("mql"),
            epoch_micros(session, LeadScoreRow.sql_at).label("sql"),
            handed.scalar_subquery().label("handed"),
        )
        .outerjoin(LeadScoreRow, LeadScoreRow.lead_id == LeadRow.id)
        .where(*captured)
        .cte("lead")
        .prefix_with("MATERIALIZED")  # else the look-up runs again for each use of its value
    )


def _groups(cohort: Any) -> Any:
    """Leads alike (source, status, stage times known): how many, handed over, value won."""
    keys = (cohort.c.source, cohort.c.status, cohort.c.known)
    return sa.select(
        *_part("group", cohort.c.source, cohort.c.status),
        cohort.c.known,
        sa.func.count().label("leads"),
        sa.func.sum(cohort.c.handed).label("handed"),
        sa.cast(sa.null(), sa.BigInteger).label("span"),
        sa.func.sum(cohort.c.value_won).label("value"),
    ).group_by(*keys)


def _middles(cohort: Any) -> Any:
    """The one or two middle spans of each series: the time in each stage after the first, and
    per source from capture to the win. Ranked by window functions, which both databases have."""
    series = sa.union_all(
        *(
            _series(cohort, f"stage{i}", sa.literal(""), cohort.c[f"stage{i}"])
            for i in range(1, len(STAGES) - 1)  # the first stage's from the contacts (read_cohort)
        ),
        _series(cohort, "win", cohort.c.source, cohort.c.win),
    ).subquery("series")
    within = (series.c.part, series.c.key)
    ranked = sa.select(
        *series.c,
        sa.func.row_number().over(partition_by=within, order_by=series.c.span).label("nth"),
        sa.func.count().over(partition_by=within).label("total"),
    ).subquery("ranked")
    middle = sa.or_(ranked.c.nth == (ranked.c.total + 1) // 2, ranked.c.nth == (ranked.c.total + 2) // 2)
    return sa.select(*_part(ranked.c.part, ranked.c.key), *_none(3), ranked.c.span, *_none(1)).where(middle)


def _series(cohort: Any, part: str, key: Any, span: Any) -> Any:
    return sa.select(sa.literal(part).label("part"), key.label("key"), span.label("span")).where(
        span.is_not(None)
    )


def _contacts(cohort: Any) -> Any:
    """Each handed-over lead contacted: its team, owner, and the span to its first contact."""
    return sa.select(
        *_part("contact", cohort.c.sales_team, cohort.c.owner_id), *_none(3), cohort.c.contact, *_none(1)
    ).where(cohort.c.contact.is_not(None))


def _part(part: Any, key: Any, status: Any = None) -> list[Any]:
    """The first columns of a part's rows: which part, and its key."""
    name = sa.literal(part) if isinstance(part, str) else part
    second = status if status is not None else sa.cast(sa.null(), sa.String)
    return [name.label("part"), key.label("key"), second.label("status")]


def _none(count: int) -> list[Any]:
    return [sa.cast(sa.null(), sa.BigInteger) for _ in range(count)]
