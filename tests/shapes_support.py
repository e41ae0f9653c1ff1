"""Shared by the tests of requests in Slack's real shapes: the people and installations they come
from, the Home tab as published, and the checks that no traceback was logged and nothing was
stored for a workspace the request did not belong to."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from support import wait_for_calls

from bot.local.standin import FakeSlack
from bot.local.standin.workspace import LocalWorkspace
from store.tables import Base

ACME = "T0ACME"  # another organisation, met in a Slack Connect channel
ACME_USER = "U0ACME0JO"
SHARED_CHANNEL = "C0SHARED"
ENTERPRISE = "E0ORG"  # an Enterprise Grid organisation the app is installed on whole
ORG_ANN = "W0REP0ANN"  # people of such an organisation have W ids


@contextmanager
def org_wide_install(fake: FakeSlack) -> Iterator[None]:
    """While it lasts, auth.test says the token is an org-wide install's."""
    fake.enterprise_id, fake.org_wide = ENTERPRISE, True
    try:
        yield
    finally:
        fake.enterprise_id, fake.org_wide = None, False


def home_of(slack: LocalWorkspace, user_id: str) -> dict:
    """The Home tab the app publishes when the person opens it."""
    assert slack.open_home(user_id).status == 200
    wait_for_calls(slack.fake, "views.publish")
    home = slack.home_view(user_id)
    assert home is not None
    return home


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
