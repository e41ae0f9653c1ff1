"""Small dialect-aware SQL helpers (SQLite and PostgreSQL)."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


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
