"""Test constants and tiny builders shared by the suites."""

import os
from datetime import UTC, datetime

from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from handlers.context import Context

PG_URL = os.environ.get("LEADBOT_TEST_DATABASE_URL", "")
SIGNING_SECRET = "test-signing-secret"
ANN, BEN, MIA, ADA = "U0REP0ANN", "U0REP0BEN", "U0MGR0MIA", "U0ADM0ADA"
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def context_of(
    config: LeadbotConfig, user_id: str, now: datetime = NOW, team: str = CONSOLE_WORKSPACE
) -> Context:
    return Context(config.actor(team, user_id), now, config)
