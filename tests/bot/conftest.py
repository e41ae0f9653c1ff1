"""A runtime with the webhook secret set, served over a real socket; the CLI's environment."""

from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from webhook_support import SECRET, start

from bot.bootstrap import Runtime, build_runtime
from bot.local.console import LeadbotConsole, console_settings
from bot.web.server import LeadbotServer


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
def console(settings, config, fake_slack) -> Iterator[LeadbotConsole]:
    """`leadbot console` on the test database, printing to the captured stdout."""
    runtime = build_runtime(console_settings(settings, fake_slack), config)
    yield LeadbotConsole(runtime, fake_slack, config.console_users, config.console_users[0])
    fake_slack.on_call = fake_slack.on_refusal = None  # the stand-in outlives this test
    runtime.app.listener_runner.listener_executor.shutdown(wait=True)
    runtime.engine.dispose()


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
