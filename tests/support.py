"""Test constants and tiny builders shared by the suites."""

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from handlers.context import Context

PG_URL = os.environ.get("LEADBOT_TEST_DATABASE_URL", "")
SIGNING_SECRET = "test-signing-secret"
ANN, BEN, MIA, ADA = "U0REP0ANN", "U0REP0BEN", "U0MGR0MIA", "U0ADM0ADA"
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@contextmanager
def throwaway_pg_database(prefix: str) -> Iterator[str]:
    """A new database beside PG_URL's, dropped afterwards; yields its URL."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    server = sa.create_engine(sa.make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


# Pydantic's own wording, which must never reach a person (handlers/validation.py says it
# in words they can act on).
PYDANTIC_PHRASES = (
    "Input should",
    "String should",
    "List should",
    "Tuple should",
    "Dictionary should",
    "Value error",
    "Assertion failed",
    "Field required",
    "Extra inputs",
    "validation error",
)


def pydantic_says(text: str) -> bool:
    return any(phrase.lower() in text.lower() for phrase in PYDANTIC_PHRASES)


def context_of(
    config: LeadbotConfig, user_id: str, now: datetime = NOW, team: str = CONSOLE_WORKSPACE
) -> Context:
    return Context(config.actor(team, user_id), now, config)


def wait_for_calls(fake, method: str, count: int = 1, timeout: float = 5.0) -> list:
    """Work after the ack runs on Bolt's thread pool: wait (bounded) for its calls."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = fake.calls_to(method)
        if len(calls) >= count:
            return calls
        time.sleep(0.01)
    raise AssertionError(f"{method} was called {len(fake.calls_to(method))} times, expected {count}")


def displayed(node) -> str:
    """JSON of what Slack would render: button values are data the app reads back, never shown."""
    return json.dumps(_without_values(node))


def _without_values(node):
    if isinstance(node, dict):
        return {k: _without_values(v) for k, v in node.items() if k != "value"}
    if isinstance(node, list):
        return [_without_values(v) for v in node]
    return node


def wait_for_zone(uow_factory, team_id: str, user_id: str, timeout: float = 5.0) -> None:
    """A person's first command learns their zone after the ack (a lazy listener): wait for
    it, bounded, so what follows is read on their own clock."""
    from handlers.operations.timezones import needs_refresh  # here: support is imported before the app

    deadline = time.monotonic() + timeout
    while needs_refresh(uow_factory(), team_id, user_id, datetime.now(UTC)):
        assert time.monotonic() < deadline, "the zone was never learned"
        time.sleep(0.01)


PACED_SECONDS = 3  # enough for a few messages to one channel at Slack's pace


def run_paced(run: Callable[[datetime], object], now: datetime, seconds: int = PACED_SECONDS) -> None:
    """Run the jobs at `now` and at each of the next `seconds` seconds, as the per-second
    pacing job does: messages to one channel go out a second apart (docs/architecture.md)."""
    for second in range(seconds + 1):
        run(now + timedelta(seconds=second))


def printed_until(capsys, text: str, timeout: float = 5.0) -> str:
    """What the console printed until `text` appeared: replies after an ack are printed by the
    stand-in's thread once the lazy listener sends them."""
    out, deadline = "", time.monotonic() + timeout
    while text not in out and time.monotonic() < deadline:
        time.sleep(0.01)
        out += capsys.readouterr().out
    return out
