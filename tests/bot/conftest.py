"""A runtime with the webhook secret set, served over a real socket; the CLI's environment."""

from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from webhook_support import SECRET, start

from bot.bootstrap import Runtime, build_runtime
from bot.http_server import LeadbotServer


@pytest.fixture
def signed_runtime(settings, config) -> Iterator[Runtime]:
    built = build_runtime(settings.model_copy(update={"leadbot_webhook_secret": SecretStr(SECRET)}), config)
    yield built
    built.app.listener_runner.listener_executor.shutdown(wait=True)
    built.engine.dispose()


@pytest.fixture
def server(signed_runtime) -> Iterator[LeadbotServer]:
    running = start(signed_runtime)
    yield running
    running.shutdown()
    running.server_close()


@pytest.fixture
def env(database_url) -> dict[str, str | None]:
    """The `leadbot` command's environment: the test database, no Slack tokens, no config
    file (tests add what they need)."""
    return {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": None,
        "SLACK_APP_TOKEN": None,
        "SLACK_SIGNING_SECRET": None,
        "LEADBOT_CONFIG": None,
    }
