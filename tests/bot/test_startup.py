"""`leadbot serve` and `leadbot socket` that cannot start say why in one line and exit 2:
a token missing, a token Slack refuses, or Slack out of reach. Never a traceback."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.operations.cli import cli

runner = CliRunner()
LEADBOT = Path(sys.executable).with_name("leadbot")
SERVE = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
SOCKET = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
VALUES = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "secret", "SLACK_APP_TOKEN": "xapp-1"}


@pytest.fixture
def closed_port() -> str:
    """An address where nothing listens: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/"


def start(env, command: str, tokens: tuple[str, ...], api_url: str):
    given = {name: VALUES[name] for name in tokens}
    return runner.invoke(cli, [command], env={**env, **given, "SLACK_API_URL": api_url})


def refused_in_one_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.stdout == "" and result.stderr.count("\n") == 1
    return result.stderr


@pytest.mark.parametrize(
    ("command", "tokens", "missing"),
    [
        ("serve", (), "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"),
        ("serve", ("SLACK_BOT_TOKEN",), "SLACK_SIGNING_SECRET"),
        ("serve", ("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"), "SLACK_BOT_TOKEN"),
        ("socket", (), "SLACK_BOT_TOKEN and SLACK_APP_TOKEN"),
        ("socket", ("SLACK_BOT_TOKEN",), "SLACK_APP_TOKEN"),
        ("socket", ("SLACK_APP_TOKEN",), "SLACK_BOT_TOKEN"),
        ("run", ("SLACK_BOT_TOKEN",), "SLACK_SIGNING_SECRET"),  # run serves over HTTP then
    ],
)
def test_a_missing_token_is_named_with_where_to_set_it(env, fake_slack, command, tokens, missing):
    line = refused_in_one_line(start(env, command, tokens, fake_slack.url))
    assert f"needs {missing}: set" in line and "in the environment or in .env" in line
    assert fake_slack.calls == []  # nothing was asked of Slack, nothing started


@pytest.mark.parametrize(("command", "tokens"), [("serve", SERVE), ("socket", SOCKET)])
def test_slack_out_of_reach_is_said_with_the_address_to_check(env, closed_port, command, tokens):
    line = refused_in_one_line(start(env, command, tokens, closed_port))
    assert f"Cannot reach Slack at {closed_port} (auth.test:" in line
    assert "Connection refused" in line and "SLACK_API_URL" in line


@pytest.mark.parametrize(("command", "tokens"), [("serve", SERVE), ("socket", SOCKET)])
def test_a_bot_token_slack_refuses_says_to_check_it(env, fake_slack, command, tokens):
    fake_slack.fail_next("auth.test", status=200, error="invalid_auth")
    line = refused_in_one_line(start(env, command, tokens, fake_slack.url))
    assert "Slack refused SLACK_BOT_TOKEN (auth.test: invalid_auth). Check the token" in line


def test_an_app_token_slack_refuses_stops_socket_mode_before_it_starts(env, fake_slack):
    fake_slack.fail_next("apps.connections.open", status=200, error="invalid_auth")
    line = refused_in_one_line(start(env, "socket", SOCKET, fake_slack.url))
    assert "Slack refused SLACK_APP_TOKEN (apps.connections.open: invalid_auth)" in line


def test_slack_answering_5xx_is_out_of_reach_not_a_refused_token(env, fake_slack):
    fake_slack.down()
    line = refused_in_one_line(start(env, "serve", SERVE, fake_slack.url))
    assert "Cannot reach Slack at" in line and "HTTP 503" in line


def test_the_installed_command_prints_only_that_line_with_logging_on(env, closed_port, tmp_path):
    """As an operator runs it: main() configures logging, so slack_sdk's retry chatter
    would show here if it were not kept out."""
    environment = {"PATH": "/usr/bin:/bin", "DATABASE_URL": env["DATABASE_URL"], "SLACK_API_URL": closed_port}
    environment |= {name: VALUES[name] for name in SERVE}
    done = subprocess.run(
        [str(LEADBOT), "serve", "--port", "0"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("Cannot reach Slack at") and done.stderr.count("\n") == 1
