"""SlackSigner: Slack's inbound requests (commands, clicks, modals, events), correctly signed."""

# Signing follows https://docs.slack.dev/authentication/verifying-requests-from-slack/
# (what slack_sdk.signature.SignatureVerifier checks). Stdlib only, so it cannot lean on Bolt.

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True)
class SignedRequest:
    """A raw body and the headers Slack would send with it."""

    body: str
    headers: dict[str, str]


class SlackSigner:
    """Shapes payloads the way Slack sends them and signs them with the app's signing secret."""

    def __init__(
        self,
        signing_secret: str,
        *,
        api_app_id: str = "A0LEADBOT",
        team_domain: str = "console",
        bot_user_id: str = "U0LEADBOT",
    ) -> None:
        self._secret = signing_secret.encode()
        self.api_app_id, self.team_domain, self.bot_user_id = api_app_id, team_domain, bot_user_id
        self._serial = itertools.count(1)

    def sign(
        self,
        body: str,
        content_type: str,
        timestamp: int | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> SignedRequest:
        """Sign any raw body: v0=HMAC-SHA256("v0:{timestamp}:{body}")."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        digest = hmac.new(self._secret, f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
        headers["X-Slack-Signature"] = f"v0={digest}"
        return SignedRequest(body, {**headers, **(extra_headers or {})})

    def slash_command(
        self,
        *,
        team_id: str,
        user_id: str,
        text: str,
        command: str = "/lead",
        channel_id: str = "C0CONSOLE",
        user_name: str = "",
        response_url: str,
        trigger_id: str | None = None,
        timestamp: int | None = None,
    ) -> SignedRequest:
        form = {
            "token": "console-verification-token",
            "team_id": team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": _channel_name(channel_id),
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or self._trigger_id(),
        }
        return self.sign(urlencode(form), FORM, timestamp)

    def block_action(
        self,
        *,
        team_id: str,
        user_id: str,
        action_id: str,
        value: str,
        block_id: str = "b",
        channel_id: str,
        message: dict[str, Any] | None,
        response_url: str,
        trigger_id: str | None = None,
        timestamp: int | None = None,
        selected_user: str | None = None,
    ) -> SignedRequest:
        """A button click; with `message=None` the click came from an ephemeral message.
        With `selected_user`, a pick in a users_select menu instead (it has no value)."""
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
            "type": "button",
            "action_ts": _action_ts(),
        }
        if selected_user is not None:
            del action["value"]
            action.update(type="users_select", selected_user=selected_user)
        container = {
            "type": "message",
            "channel_id": channel_id,
            "is_ephemeral": message is None,
            "message_ts": (message or {}).get("ts", _action_ts()),
        }
        payload = {
            **self._actor("block_actions", team_id, user_id, trigger_id),
            "container": container,
            "response_url": response_url,
            "channel": {"id": channel_id, "name": _channel_name(channel_id)},
            "actions": [action],
            "state": {"values": {}},
        }
        if message is not None:  # Slack omits the message of an ephemeral one
            payload["message"] = message
        return self._payload(payload, timestamp)

    def view_submission(
        self,
        *,
        team_id: str,
        user_id: str,
        callback_id: str,
        values: dict[str, Any],
        private_metadata: str = "",
        view_id: str = "V1",
        timestamp: int | None = None,
    ) -> SignedRequest:
        """A modal submit; a plain string in `values` stands for a plain_text_input's value."""
        view = {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": _state_values(values)},
            "app_id": self.api_app_id,
            "root_view_id": view_id,
            "previous_view_id": None,
        }
        payload = {**self._actor("view_submission", team_id, user_id, None), "view": view}
        return self._payload({**payload, "response_urls": []}, timestamp)

    def message_shortcut(
        self,
        *,
        team_id: str,
        user_id: str,
        callback_id: str,
        message: dict[str, Any],
        channel_id: str,
        response_url: str,
        trigger_id: str | None = None,
        timestamp: int | None = None,
    ) -> SignedRequest:
        payload = {
            **self._actor("message_action", team_id, user_id, trigger_id),
            "callback_id": callback_id,
            "message_ts": message.get("ts"),
            "message": message,
            "channel": {"id": channel_id, "name": _channel_name(channel_id)},
            "response_url": response_url,
            "action_ts": _action_ts(),
        }
        return self._payload(payload, timestamp)

    def event(
        self,
        *,
        team_id: str,
        event: dict[str, Any],
        event_id: str | None = None,
        retry_num: int | None = None,
        timestamp: int | None = None,
    ) -> SignedRequest:
        """An Events API callback; a retry carries the headers Slack adds when it resends."""
        authorization = {
            "enterprise_id": None,
            "team_id": team_id,
            "user_id": self.bot_user_id,
            "is_bot": True,
            "is_enterprise_install": False,
        }
        body = {
            "token": "console-verification-token",
            "team_id": team_id,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._serial):010d}",
            "event_time": int(time.time()),
            "authorizations": [authorization],
        }
        retry = (
            {}
            if retry_num is None
            else {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        )
        return self.sign(json.dumps(body), JSON, timestamp, retry)

    def _actor(self, kind: str, team_id: str, user_id: str, trigger: str | None) -> dict[str, Any]:
        # The envelope every interactive payload shares: who, where, and a trigger for modals.
        return {
            "type": kind,
            "token": "console-verification-token",
            "api_app_id": self.api_app_id,
            "team": {"id": team_id, "domain": self.team_domain},
            "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
            "trigger_id": trigger or self._trigger_id(),
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def _payload(self, payload: dict[str, Any], timestamp: int | None) -> SignedRequest:
        # Interactivity arrives form-encoded with the JSON in a single `payload` field.
        return self.sign(urlencode({"payload": json.dumps(payload)}), FORM, timestamp)

    def _trigger_id(self) -> str:
        # Slack's trigger ids look like "<digits>.<digits>.<hex>"; tests only need them unique.
        return f"{next(self._serial)}.{int(time.time())}.{secrets.token_hex(16)}"


def _action_ts() -> str:
    return f"{time.time():.6f}"


def _channel_name(channel_id: str) -> str:
    return "directmessage" if channel_id.startswith("D") else channel_id.lower()


def _state_values(values: dict[str, Any]) -> dict[str, Any]:
    return {
        block_id: {
            action_id: {"type": "plain_text_input", "value": v} if isinstance(v, str) else v
            for action_id, v in actions.items()
        }
        for block_id, actions in values.items()
    }
