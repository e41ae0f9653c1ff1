"""What the CLI checks before it talks to Slack: the tokens a command needs are set, and
Slack accepts them. Each failure is one sentence saying what to set or check."""
# https://api.slack.com/methods/auth.test  https://api.slack.com/methods/apps.connections.open

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

from bot.operations.settings import Settings
from bot.workspaces.sealing import BadKey, SecretBox

TIMEOUT = 10  # seconds: a start-up that hangs on an unreachable Slack says nothing


class NotReady(Exception):
    """Leadbot cannot start as configured; the message is the one line to show."""


def require_tokens(settings: Settings, command: str, names: tuple[str, ...]) -> None:
    """`names` are environment variables, as an operator sets them (SLACK_BOT_TOKEN...)."""
    missing = [name for name in names if getattr(settings, name.lower()) is None]
    if missing:
        them = "it" if len(missing) == 1 else "them"
        raise NotReady(
            f"leadbot {command} needs {' and '.join(missing)}: set {them} in the environment or in .env."
        )


OAUTH_NEEDS = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "LEADBOT_ENCRYPTION_KEY", "SLACK_SIGNING_SECRET")


def check_oauth(settings: Settings, command: str) -> None:
    """Multi-workspace install (SLACK_CLIENT_ID set): the app's credentials, the key that seals
    tokens at rest (it must open as Fernet keys), and the signing secret are all there."""
    if settings.slack_client_id is None and settings.slack_client_secret is not None:
        raise NotReady(
            "SLACK_CLIENT_SECRET is set but SLACK_CLIENT_ID is not: "
            "set both for multi-workspace install, or neither."
        )
    require_tokens(settings, command, OAUTH_NEEDS)
    assert settings.leadbot_encryption_key is not None
    try:
        SecretBox(settings.leadbot_encryption_key.get_secret_value())
    except BadKey as exc:
        raise NotReady(str(exc)) from exc


def bot_workspace(settings: Settings) -> str:
    """The bot token's workspace, as auth.test names it."""
    answer = _ask(settings, "SLACK_BOT_TOKEN", "auth.test", lambda client: client.auth_test())
    return str(answer["team_id"])


def check_app_token(settings: Settings) -> None:
    """Socket Mode opens its connection with the app token; asked here, a wrong token is
    told in one line instead of a traceback after the app has started."""
    assert settings.slack_app_token is not None
    token = settings.slack_app_token.get_secret_value()
    _ask(
        settings,
        "SLACK_APP_TOKEN",
        "apps.connections.open",
        lambda c: c.apps_connections_open(app_token=token),
    )


def _ask(settings: Settings, token: str, method: str, call: Callable[[WebClient], Any]) -> Any:
    """A refusal names the token to check; no answer names the address Slack was asked at."""
    try:
        return call(_client(settings))
    except SlackApiError as exc:
        # Slack answers a refusal with 200 and an error; anything else came from no Web API
        # (a 5xx page, a proxy, the wrong SLACK_API_URL), whatever slack_sdk made of its body.
        if exc.response.status_code == 200:
            error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            raise NotReady(
                f"Slack refused {token} ({method}: {error or 'no reason given'}). "
                "Check the token and that the app is installed in the workspace."
            ) from exc
        raise _unreachable(settings, method, f"HTTP {exc.response.status_code}") from exc
    except (SlackClientError, OSError, ValueError) as exc:
        raise _unreachable(settings, method, str(getattr(exc, "reason", None) or exc)) from exc


def _unreachable(settings: Settings, method: str, why: str) -> NotReady:
    return NotReady(
        f"Cannot reach Slack at {settings.api_url} ({method}: {why}). "
        "Check the network, and SLACK_API_URL if it is set."
    )


def _client(settings: Settings) -> WebClient:
    """slack_sdk logs every failed try at ERROR; the one line NotReady carries says it all."""
    quiet = logging.getLogger(__name__ + ".slack")
    quiet.setLevel(logging.CRITICAL + 1)
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=settings.api_url,
        timeout=TIMEOUT,
        logger=quiet,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
    )
