"""Rows written with one DBAPI executemany are the rows a Core insert writes."""

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa

from store.importing.executemany import insert_many
from store.tables import AuditRow

AUDIT = cast(sa.Table, AuditRow.__table__)
COLUMNS = ("team_id", "actor_id", "action", "entity", "entity_ref", "before", "after", "at")
EARLY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def audit_rows(team_id: str) -> list[tuple[Any, ...]]:
    """Repeated and distinct dates and empty values: what is converted once must still be right."""
    later = EARLY + timedelta(hours=3, microseconds=7)
    return [
        (team_id, "U1", "lead.captured", "lead", "L-1", None, {"name": "Dana"}, EARLY),
        (team_id, "U1", "lead.recaptured", "lead", "L-1", {"name": "Dana"}, {"name": "Dana S"}, later),
        (team_id, "U2", "lead.captured", "lead", "L-2", None, None, EARLY),
    ]


def stored(uow: Any, team_id: str) -> list[tuple[Any, ...]]:
    query = sa.select(*(AUDIT.c[name] for name in COLUMNS[1:])).where(AUDIT.c.team_id == team_id)
    return [tuple(row) for row in uow.session.execute(query.order_by(AUDIT.c.id))]


def test_an_executemany_insert_stores_what_a_core_insert_stores(uow_factory):
    with uow_factory() as uow:
        connection = uow.session.connection()
        core = [dict(zip(COLUMNS, row, strict=True)) for row in audit_rows("T0CORE")]
        connection.execute(sa.insert(AUDIT), core)
        insert_many(connection, AUDIT, COLUMNS, audit_rows("T0MANY"))

        assert stored(uow, "T0MANY") == stored(uow, "T0CORE")
        assert [row[-1] for row in stored(uow, "T0MANY")] == [row[-1] for row in audit_rows("T0MANY")]
