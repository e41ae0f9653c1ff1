"""Shared fixtures: a real database (SQLite, or PostgreSQL when
LEADBOT_TEST_DATABASE_URL says so), the Slack stand-in, and the real Bolt app."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from support import ANN, PG_URL, SIGNING_SECRET, context_of, throwaway_pg_database

from bot.bootstrap import Runtime, build_runtime
from bot.local.standin import FakeSlack, SlackSigner, limits
from bot.local.standin.workspace import LocalWorkspace, in_process
from bot.operations.database import open_database
from bot.operations.settings import Settings
from domain.config import CONSOLE_WORKSPACE, LeadbotConfig, default_config
from handlers.context import Context
from store.tables import Base
from store.unit_of_work import UowFactory


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway database for this run, created beside LEADBOT_TEST_DATABASE_URL's and
    dropped at the end, so concurrent runs on one server never share tables."""
    if not PG_URL:
        yield ""
        return
    with throwaway_pg_database("leadbot_test") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; each test gets a copy (migrating per test
    costs more than most tests)."""
    path = tmp_path_factory.mktemp("template") / "leadbot.db"
    engine, _ = open_database(f"sqlite:///{path}")
    raw = engine.raw_connection()  # outside any transaction, so the checkpoint can run
    raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL into the file we copy
    raw.close()
    engine.dispose()
    return path


@pytest.fixture
def database_url(tmp_path: Path, pg_url: str, sqlite_template: Path) -> Iterator[str]:
    if not pg_url:
        shutil.copyfile(sqlite_template, tmp_path / "leadbot.db")
        yield f"sqlite:///{tmp_path}/leadbot.db"
        return
    yield pg_url
    _truncate_all(pg_url)


def _truncate_all(url: str) -> None:
    """Empty every table; a test that refused before anything migrated the run's database
    (a CLI refusing its input, first on its xdist worker) leaves none to empty."""
    engine = sa.create_engine(url)
    existing = set(sa.inspect(engine).get_table_names())
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables if t.name in existing)
    if tables:
        with engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database(database_url: str) -> Iterator[tuple[sa.Engine, UowFactory]]:
    engine, uow_factory = open_database(database_url)
    yield engine, uow_factory
    engine.dispose()


@pytest.fixture
def uow_factory(database: tuple[sa.Engine, UowFactory]) -> UowFactory:
    return database[1]


@pytest.fixture
def config() -> LeadbotConfig:
    return default_config()


@pytest.fixture
def ann(config: LeadbotConfig) -> Context:
    return context_of(config, ANN)


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    with FakeSlack(team_id=CONSOLE_WORKSPACE) as fake:
        yield fake


@pytest.fixture(autouse=True)
def slack_refuses_nothing(request: pytest.FixtureRequest) -> Iterator[None]:
    """Any message or view Slack would refuse fails the test that sent it, unless the test
    is about a refusal (`@pytest.mark.slack_refusals`): a real workspace would show nothing."""
    FakeSlack.take_every_refusal()
    yield
    refused = FakeSlack.take_every_refusal()
    if refused and request.node.get_closest_marker("slack_refusals") is None:
        lines = [f"{r.method}: {r.refusal.error} {'; '.join(r.refusal.errors)}" for r in refused]
        pytest.fail("Slack would refuse what this test sent:\n" + "\n".join(lines), pytrace=False)


@pytest.fixture(autouse=True)
def slack_limits(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Slack's rate limits hold in every test (Leadbot must honour them), except in one marked
    `@pytest.mark.slack_unlimited`: its fake clock or its burst is not about pacing."""
    on = request.node.get_closest_marker("slack_unlimited") is None
    monkeypatch.setattr(limits, "ON_BY_DEFAULT", on)
    return on


@pytest.fixture
def fake_slack(fake_slack_server: FakeSlack, slack_limits: bool) -> Iterator[FakeSlack]:
    fake_slack_server.reset()
    fake_slack_server.up()
    fake_slack_server.limits.enabled = slack_limits
    yield fake_slack_server
    fake_slack_server.reset()
    fake_slack_server.up()


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str) -> Settings:
    return Settings(
        slack_bot_token="xoxb-test",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.url,
        database_url=database_url,
        _env_file=None,
    )


@pytest.fixture
def runtime(settings: Settings, config: LeadbotConfig) -> Iterator[Runtime]:
    built = build_runtime(settings, config)
    yield built
    # Work after an ack (lazy listeners: learning a time zone, answering a click) must end with
    # its test: on PostgreSQL the next test shares the tables, truncated after this teardown.
    built.app.listener_runner.listener_executor.shutdown(wait=True)
    built.engine.dispose()


@pytest.fixture
def slack(runtime: Runtime, fake_slack: FakeSlack) -> LocalWorkspace:
    """People in the console workspace, driving the real app with signed requests."""
    return LocalWorkspace(in_process(runtime.app), fake_slack, SlackSigner(SIGNING_SECRET), CONSOLE_WORKSPACE)
