"""Scores in bulk: what scoring needs of many leads in a few queries, and writes of only
the scores that changed. Sized for recomputing 100k leads in seconds (bench/scoring_recompute.py)."""

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.lead import Lead
from domain.lifecycle import OPEN_STATUSES
from domain.scoring.rules import (
    FACT_FIELDS,
    LeadFacts,
    NewScore,
    Scorable,
    ScoreChange,
    Stage,
    StageReached,
    bant_count,
)
from store.leads import to_lead
from store.sql import insert_ignoring_conflict, not_indexed
from store.tables import EngagementEventRow, LeadRow, LeadScoreRow, QualificationRow, ScoreChangeRow

OPEN = sorted(str(status) for status in OPEN_STATUSES)
# A dict lookup, as Stage(...) costs more than the rest of a lead's row.
STAGES: dict[str | None, Stage] = {None: Stage.LEAD, **{str(stage): stage for stage in Stage}}
FACT_COLUMNS = tuple(getattr(LeadRow, name) for name in FACT_FIELDS)

Scope = Callable[[Any], sa.ColumnElement[bool]]  # lead_id column -> the batch's condition on it


class ScoreRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def batch(self, after_id: int, limit: int) -> list[Scorable]:
        """Open, unmerged leads of every workspace with ids above `after_id`, in id order:
        the daily decay pages through the whole table with this."""
        query = self._open().where(LeadRow.id > after_id).order_by(LeadRow.id).limit(limit)
        return self._load(query, ranged=True)

    def of_leads(self, team_id: str, lead_ids: Sequence[int]) -> list[Scorable]:
        """Looked up by id: the workspace is not an index's to choose (store.sql.not_indexed)."""
        query = self._open().where(not_indexed(LeadRow.team_id) == team_id, LeadRow.id.in_(lead_ids))
        return self._load(query.order_by(LeadRow.id), ranged=False)

    def record(self, changes: Sequence[NewScore], at: datetime) -> None:
        """Bulk: one UPDATE per changed lead (executemany) and its history row."""
        if not changes:
            return
        update = (
            sa.update(LeadRow.__table__)  # type: ignore[arg-type]
            .where(LeadRow.__table__.c.id == sa.bindparam("lead"))
            .values(score=sa.bindparam("after"))
        )
        self._s.execute(update, [{"lead": c.lead_id, "after": c.after} for c in changes])
        history = [
            {
                "team_id": c.team_id,
                "lead_id": c.lead_id,
                "before": c.before,
                "after": c.after,
                "reason": c.reason[:200],
                "at": at,
            }
            for c in changes
        ]
        self._s.execute(sa.insert(ScoreChangeRow), history)

    def reach(self, team_id: str, lead_id: int, before: Stage, stage: Stage, at: datetime) -> None:
        """Move the lead's stage up, noting when each threshold was first crossed. A lead at
        `lead` has no row yet (rows are made by the first crossing), so no read is needed."""
        sql_at = at if stage is Stage.SQL else None
        if before is Stage.LEAD:
            first = insert_ignoring_conflict(
                self._s,
                LeadScoreRow,
                lead_id=lead_id,
                team_id=team_id,
                stage=str(stage),
                mql_at=at,
                sql_at=sql_at,
            )
            if self._s.execute(first.returning(LeadScoreRow.lead_id)).first() is not None:
                return
            # Another replica recorded the first crossing meanwhile (an event for the same
            # lead on each): go on from there rather than fail on its row.
        row = LeadScoreRow.__table__.c
        update = sa.update(LeadScoreRow.__table__).where(row.lead_id == lead_id)  # type: ignore[arg-type]
        self._s.execute(update.values(stage=str(stage), sql_at=sa.func.coalesce(row.sql_at, sql_at)))

    def leads(self, team_id_by_lead: dict[int, str]) -> dict[int, Lead]:
        """Whole leads by id (a recompute's crossings), in one query."""
        query = sa.select(LeadRow).where(LeadRow.id.in_(list(team_id_by_lead)))
        return {
            row.id: to_lead(row) for row in self._s.scalars(query) if team_id_by_lead[row.id] == row.team_id
        }

    def standing(self, lead_ids: Sequence[int]) -> dict[int, tuple[int, Stage]]:
        """The score and stage of those of the leads still open and unmerged."""
        query = self._open().with_only_columns(LeadRow.id, LeadRow.score, LeadScoreRow.stage)
        rows = self._s.execute(query.where(LeadRow.id.in_(lead_ids)))
        return {row[0]: (row[1], STAGES[row[2]]) for row in rows}

    def reached(self, team_id: str, lead_id: int) -> StageReached:
        row = self._s.get(LeadScoreRow, lead_id)
        if row is None or row.team_id != team_id:
            return StageReached()
        return StageReached(Stage(row.stage), row.mql_at, row.sql_at)

    def history(self, team_id: str, lead_id: int, limit: int = 10) -> list[ScoreChange]:
        """Newest first."""
        query = (
            sa.select(ScoreChangeRow)
            .where(ScoreChangeRow.team_id == team_id, ScoreChangeRow.lead_id == lead_id)
            .order_by(ScoreChangeRow.id.desc())
            .limit(limit)
        )
        return [ScoreChange(r.before, r.after, r.reason, r.at) for r in self._s.scalars(query)]

    @staticmethod
    def _open() -> sa.Select[*tuple[Any, ...]]:
        return (
            sa.select(
                LeadRow.id, LeadRow.team_id, LeadRow.score, LeadScoreRow.stage, *FACT_COLUMNS, LeadRow.custom
            )
            .outerjoin(LeadScoreRow, LeadScoreRow.lead_id == LeadRow.id)
            .where(not_indexed(LeadRow.status).in_(OPEN), LeadRow.merged_into_id.is_(None))
        )

    def _load(self, query: sa.Select[*tuple[Any, ...]], ranged: bool) -> list[Scorable]:
        """The leads, then their latest BANT answers and their events in one query each.
        A batch of consecutive ids reads a range of the (lead_id, ...) indexes; a few
        scattered leads are looked up by id."""
        rows = self._plain_rows(query, ranged)  # id, team_id, score, stage, then the facts' columns
        if not rows:
            return []
        scope = _between(rows[0][0], rows[-1][0]) if ranged else _among([row[0] for row in rows])
        bant = self._bant(scope, ranged)
        found = {
            r[0]: Scorable(
                r[0],
                r[1],
                r[2],
                STAGES[r[3]],
                LeadFacts._make((*r[4:-1], bant.get(r[0], 0), _custom(r[-1]))),  # FACT_FIELDS, BANT, custom
            )
            for r in rows
        }
        self._attach_events(found, scope, ranged)
        return list(found.values())

    def _attach_events(self, found: dict[int, Scorable], scope: Scope, ranged: bool) -> None:
        """One read of the batch's events, in the index's (lead_id, occurred_at) order; each
        comes back as (kind, days since the epoch, url), so no datetime is made per event."""
        e = EngagementEventRow
        query = sa.select(e.lead_id, e.kind, self._day(), e.url).where(scope(e.lead_id))
        current, events = None, []
        for row in self._plain_rows(query.order_by(e.lead_id, e.occurred_at), ranged):
            if row[0] != current:  # rows come grouped by lead: one lookup per lead, not per event
                current = row[0]
                scorable = found.get(current)
                events = scorable.events if scorable is not None else []
            events.append(row[1:])

    def _plain_rows(self, query: sa.Select[*tuple[Any, ...]], batch: bool) -> list[Any]:
        """A batch (the daily decay's pages): the driver's own tuples, skipping SQLAlchemy's
        row objects: at a million events those cost more than SQLite's work. Safe to inline
        the values: every bound value here is an integer lead id or a constant of ours,
        never user input. A few leads (a capture's, an event's): SQLAlchemy's statement,
        compiled once per process, since compiling a statement with its values inlined cost
        a capture about 4 ms of its CPU, three statements each time."""
        connection = self._s.connection()
        if not batch:
            return [tuple(row) for row in connection.execute(query)]
        sql = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
        cursor = connection.connection.cursor()
        try:
            cursor.execute(str(sql))
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def _bant(self, scope: Scope, batch: bool) -> dict[int, int]:
        q = QualificationRow
        newest = sa.select(sa.func.max(q.id)).where(scope(q.lead_id)).group_by(q.lead_id)
        query = sa.select(q.lead_id, q.budget, q.authority, q.need, q.timeline).where(q.id.in_(newest))
        return {row[0]: bant_count(row[1:]) for row in self._plain_rows(query, batch)}

    def _day(self) -> sa.ColumnElement[Any]:
        """Days since the Unix epoch, computed by the database."""
        column = EngagementEventRow.occurred_at
        if self._s.get_bind().dialect.name == "sqlite":
            return sa.func.julianday(column) - 2440587.5
        return sa.cast(sa.extract("epoch", column) / 86400, sa.Float)


def _custom(value: Any) -> dict[str, Any] | None:
    """The driver's value of the JSON column: text from SQLite and psycopg's raw cursor alike
    (the column is not typed there), a dict if a driver parsed it."""
    if value is None or isinstance(value, dict):
        return value
    parsed = json.loads(value)
    return parsed if isinstance(parsed, dict) else None


def _between(low: int, high: int) -> Scope:
    return lambda column: column.between(low, high)


def _among(ids: Sequence[int]) -> Scope:
    return lambda column: column.in_(ids)
