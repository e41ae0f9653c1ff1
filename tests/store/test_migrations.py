"""The migrations build exactly the tables the code maps, once, even when processes race."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from support import PG_URL, throwaway_pg_database

from store.engine import make_engine
from store.migrate import alembic_config, is_current, upgrade
from store.tables import Base

LEADBOT = Path(sys.executable).parent / "leadbot"


def schema_diffs(engine: sa.Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def revision_of(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    """An empty database nobody else uses: a new SQLite file, or a throwaway PostgreSQL database."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path}/fresh.db"
        return
    with throwaway_pg_database("leadbot_migrate_test") as url:
        yield url


@pytest.fixture
def fresh_engine(fresh_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(fresh_url)
    yield engine
    engine.dispose()


def test_the_alembic_head_matches_the_mapped_tables(database: tuple[sa.Engine, object]) -> None:
    engine, _ = database

    assert revision_of(engine) == head()
    assert schema_diffs(engine) == []


def test_upgrade_builds_a_fresh_database_to_head(fresh_engine: sa.Engine) -> None:
    assert not is_current(fresh_engine)

    upgrade(fresh_engine)

    assert is_current(fresh_engine)
    assert schema_diffs(fresh_engine) == []


def test_upgrade_twice_changes_nothing_the_second_time(fresh_engine: sa.Engine) -> None:
    upgrade(fresh_engine)
    with fresh_engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO lead_counters (team_id, last_number) VALUES ('T1', 7)"))

    upgrade(fresh_engine)

    assert revision_of(fresh_engine) == head()
    with fresh_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT last_number FROM lead_counters")).scalar_one() == 7


def test_two_processes_upgrading_a_fresh_database_at_once_both_succeed(
    fresh_url: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LEADBOT_"))}
    env["DATABASE_URL"] = fresh_url
    runs = [
        subprocess.Popen(
            [str(LEADBOT), "db", "upgrade"],
            cwd=tmp_path,  # no stray .env file
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [(run.wait(timeout=120), *run.communicate()) for run in runs]

    for code, out, err in outcomes:
        assert code == 0, err
        assert "latest schema" in out
    engine = make_engine(fresh_url)
    try:
        assert revision_of(engine) == head()
        assert schema_diffs(engine) == []
    finally:
        engine.dispose()
