"""Small dialect-aware SQL helpers (SQLite and PostgreSQL)."""

import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.visitors import InternalTraversal


def upsert(session: Session, table: Any, **values: Any) -> Any:
    """INSERT in the session's dialect, ready for .on_conflict_do_update/nothing()."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).values(**values)


def insert_all_ignoring_conflicts(session: Session, table: Any, rows: list[dict[str, Any]]) -> Any:
    """One multi-row INSERT ... ON CONFLICT DO NOTHING, rows in the order given."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).values(rows).on_conflict_do_nothing()


def insert_ignoring_conflict(session: Session, table: Any, **values: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING in the session's dialect (add .returning()
    to learn whether the row went in)."""
    return upsert(session, table, **values).on_conflict_do_nothing()


def supports_skip_locked(session: Session) -> bool:
    # SQLite has one writer at a time (BEGIN IMMEDIATE), so claims are already exclusive.
    return session.get_bind().dialect.name == "postgresql"


def epoch_micros(session: Session, moment: Any) -> Any:
    """A timestamp column as whole microseconds since 1970, computed by the database (NULL if
    it is): a report then reads one integer per time, or subtracts two, and never makes a
    datetime. Exact on both: SQLite keeps a time as text, 'YYYY-MM-DD HH:MM:SS.ffffff'
    (SQLAlchemy's format), and its julianday() rounds to the millisecond, so the whole seconds
    come from the date functions and the microseconds from the text."""
    if session.get_bind().dialect.name != "sqlite":
        return sa.cast(sa.extract("epoch", moment) * 1_000_000, sa.BigInteger)
    return sqlite_seconds(sa.func.substr(moment, 1, 19)) * 1_000_000 + sa.cast(
        sa.func.substr(moment, 21), sa.BigInteger
    )


def sqlite_seconds(moment: Any, version: tuple[int, ...] = sqlite3.sqlite_version_info) -> Any:
    """Whole seconds since 1970 of a 'YYYY-MM-DD HH:MM:SS' text. unixepoch() (SQLite 3.38+)
    gives them directly, in two thirds of the time of the julianday() arithmetic older
    versions need (a year's report makes over 100,000 of them at 100,000 leads)."""
    if version >= (3, 38, 0):
        return sa.func.unixepoch(moment)
    days = sa.func.julianday(moment) - 2440587.5  # the Unix epoch's
    return sa.cast(sa.func.round(days * 86400), sa.BigInteger)


def without_jit(session: Session) -> None:
    """PostgreSQL: no JIT compilation for the rest of this transaction. A report over a
    year's leads is estimated costly enough for the JIT to compile it, with inlining and
    optimization, and that took 6 of its 10 seconds at 100,000 leads (EXPLAIN ANALYZE, JIT
    Timing): far more than it saved on a statement that runs in under one."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL jit = off"))


class not_indexed(sa.sql.expression.ColumnElement[Any]):  # noqa: N801 - reads as a SQL function
    """A column that SQLite may not look up by an index: `+column`, SQLite's own way to take a
    term out of the planner's choice of index (sqlite.org/optoverview.html, "Disqualifying
    WHERE clause terms"); the column as it is elsewhere. Without statistics, SQLite took a
    status or team index over the primary key for a batch of ids, and read every lead of the
    workspace for each batch."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # the statement cache's key

    def __init__(self, column: sa.ColumnElement[Any] | QueryableAttribute[Any]) -> None:
        self.column = column.__clause_element__()
        self.type = self.column.type

    @property
    def _from_objects(self) -> list[Any]:
        return self.column._from_objects


@compiles(not_indexed)
def _as_it_is(element: not_indexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(not_indexed, "sqlite")
def _unary_plus(element: not_indexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))
