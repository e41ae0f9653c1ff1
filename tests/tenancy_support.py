"""Checks shared by the tests of requests in Slack's real shapes: no traceback was logged, and
nothing was stored for a workspace the request did not belong to."""

import pytest
import sqlalchemy as sa

from store.tables import Base

ACME = "T0ACME"  # another organisation, met in a Slack Connect channel
ACME_USER = "U0ACME0JO"
SHARED_CHANNEL = "C0SHARED"


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log records that carry a stack trace: a person-facing failure must never log one."""
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.exc_info]


def rows_of_team(engine: sa.Engine, team_id: str) -> dict[str, int]:
    """Every table's rows stored under `team_id` (tables with a team_id column), non-zero only."""
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if "team_id" in table.c:
                query = sa.select(sa.func.count()).select_from(table).where(table.c.team_id == team_id)
                counts[table.name] = connection.scalar(query) or 0
    return {name: count for name, count in counts.items() if count}
