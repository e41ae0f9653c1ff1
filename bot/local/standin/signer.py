"""SlackSigner: Slack's inbound requests (commands, clicks, modals, events), correctly signed."""

# Signing follows https://docs.slack.dev/authentication/verifying-requests-from-slack/
# (what slack_sdk.signature.SignatureVerifier checks). Stdlib only, so it cannot lean on Bolt.
# The shapes follow Slack's payload references: https://docs.slack.dev/reference/interaction-payloads/
# (block_actions: a click in a view has a view container, the view, and no response_url or
# channel), https://docs.slack.dev/apis/events-api/ (authorizations) and the organisation-wide
# app reference (authorizations[].team_id null, is_enterprise_install true, W user ids).

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

from bot.local.standin.payloads import action_ts, channel_name, state_values

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TOKEN = "console-verification-token"  # Slack's deprecated verification token; Bolt ignores it


@dataclass(frozen=True)
class SignedRequest:
    """A raw body and the headers Slack would send with it."""

    body: str
    headers: dict[str, str]


class SlackSigner:
    """Shapes payloads the way Slack sends them and signs them with the app's signing secret.

    Every builder takes the workspace the app is installed in (`team_id`) and, for a person of
    another organisation in a Slack Connect channel, their own workspace (`user_team`): Slack
    then names theirs where it names the person (the command's team_id, user.team_id, an
    event's team_id and user_team) and ours where it names the installation (authorizations,
    a view's app_installed_team_id)."""

    def __init__(
        self,
        signing_secret: str,
        *,
        api_app_id: str = "A0LEADBOT",
        team_domain: str = "console",
        bot_user_id: str = "U0LEADBOT",
        enterprise_id: str | None = None,
        org_wide: bool = False,
    ) -> None:
        """`enterprise_id`: the workspace belongs to an Enterprise Grid organisation;
        `org_wide`: the app is installed on the whole organisation, not on one workspace."""
        self._secret = signing_secret.encode()
        self.api_app_id, self.team_domain, self.bot_user_id = api_app_id, team_domain, bot_user_id
        self.enterprise_id, self.org_wide = enterprise_id, org_wide
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
        user_team: str | None = None,
    ) -> SignedRequest:
        form = {
            "token": TOKEN,
            "team_id": user_team or team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name(channel_id),
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            **self._enterprise_fields(user_team),
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
        user_team: str | None = None,
    ) -> SignedRequest:
        """A button click; with `message=None` the click came from an ephemeral message.
        With `selected_user`, a pick in a users_select menu instead (it has no value)."""
        container = {
            "type": "message",
            "channel_id": channel_id,
            "is_ephemeral": message is None,
            "message_ts": (message or {}).get("ts", action_ts()),
        }
        click = {
            **self._actor("block_actions", team_id, user_id, trigger_id, user_team),
            "container": container,
            "response_url": response_url,
            "channel": {"id": channel_id, "name": channel_name(channel_id)},
            "actions": [_action(action_id, value, block_id, selected_user)],
            "state": {"values": {}},
        }
        if message is not None:  # Slack omits the message of an ephemeral one
            click["message"] = message
        return self._payload(click, timestamp)

    def view_action(
        self,
        *,
        team_id: str,
        user_id: str,
        action_id: str,
        value: str,
        view: dict[str, Any],
        block_id: str = "b",
        trigger_id: str | None = None,
        timestamp: int | None = None,
        user_team: str | None = None,
        selected_user: str | None = None,
    ) -> SignedRequest:
        """A click on a button in a view: the Home tab (`view["type"] == "home"`) or a modal.
        Slack sends the view itself and a view container, and no response_url, channel or
        message: nothing can be answered "below" such a click. With `selected_user`, a pick
        in a users_select menu instead."""
        payload = {
            **self._actor("block_actions", team_id, user_id, trigger_id, user_team),
            "container": {"type": "view", "view_id": view["id"]},
            "view": self._view(view, team_id, user_team),
            "actions": [_action(action_id, value, block_id, selected_user)],
            "state": {"values": {}},
        }
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
        user_team: str | None = None,
    ) -> SignedRequest:
        """A modal submit; a plain string in `values` stands for a plain_text_input's value."""
        view = {
            "id": view_id,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": state_values(values)},
            "root_view_id": view_id,
            "previous_view_id": None,
        }
        payload = {
            **self._actor("view_submission", team_id, user_id, None, user_team),
            "view": self._view(view, team_id, user_team),
        }
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
        user_team: str | None = None,
    ) -> SignedRequest:
        payload = {
            **self._actor("message_action", team_id, user_id, trigger_id, user_team),
            "callback_id": callback_id,
            "message_ts": message.get("ts"),
            "message": message,
            "channel": {"id": channel_id, "name": channel_name(channel_id)},
            "response_url": response_url,
            "action_ts": action_ts(),
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
        user_team: str | None = None,
    ) -> SignedRequest:
        """An Events API callback; a retry carries the headers Slack adds when it resends.
        With `user_team`, the event came from a person of that workspace in a Slack Connect
        channel: the outer team_id is theirs, the authorization still ours."""
        body = {
            "token": TOKEN,
            "team_id": user_team or team_id,
            "api_app_id": self.api_app_id,
            "event": _from_team(event, user_team) if user_team else event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._serial):010d}",
            "event_time": int(time.time()),
            "authorizations": [self._authorization(team_id)],
            "is_ext_shared_channel": user_team is not None,
        }
        if self.enterprise_id is not None and user_team is None:
            body["enterprise_id"] = self.enterprise_id
        if user_team is not None:
            body.update(context_team_id=team_id, context_enterprise_id=self.enterprise_id)
        retry = (
            {}
            if retry_num is None
            else {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        )
        return self.sign(json.dumps(body), JSON, timestamp, retry)

    def _authorization(self, team_id: str) -> dict[str, Any]:
        # An org-wide installation belongs to no one workspace: Slack says so with a null team.
        return {
            "enterprise_id": self.enterprise_id,
            "team_id": None if self.org_wide else team_id,
            "user_id": self.bot_user_id,
            "is_bot": True,
            "is_enterprise_install": self.org_wide,
        }

    def _actor(
        self, kind: str, team_id: str, user_id: str, trigger: str | None, user_team: str | None
    ) -> dict[str, Any]:
        # The envelope every interactive payload shares: who, where, and a trigger for modals.
        # An org-wide installation's payloads may carry no team: Bolt reads user.team_id then.
        person_team = user_team or team_id
        enterprise = self.enterprise_id if user_team is None else None
        return {
            "type": kind,
            "token": TOKEN,
            "api_app_id": self.api_app_id,
            "team": None if self.org_wide else {"id": person_team, "domain": self.team_domain},
            "user": {
                "id": user_id,
                "username": user_id.lower(),
                "name": user_id.lower(),
                "team_id": person_team,
            },
            "trigger_id": trigger or self._trigger_id(),
            "is_enterprise_install": self.org_wide and user_team is None,
            "enterprise": {"id": enterprise, "name": enterprise} if enterprise else None,
        }

    def _enterprise_fields(self, user_team: str | None) -> dict[str, str]:
        org = self.org_wide and user_team is None
        fields = {"is_enterprise_install": "true" if org else "false"}
        if self.enterprise_id is not None and user_team is None:
            fields |= {"enterprise_id": self.enterprise_id, "enterprise_name": self.enterprise_id}
        return fields

    def _view(self, view: dict[str, Any], team_id: str, user_team: str | None) -> dict[str, Any]:
        # The view as Slack echoes it: whose screen it is on and which installation it belongs to.
        return {
            "team_id": user_team or team_id,
            "app_id": self.api_app_id,
            "app_installed_team_id": team_id,
            "bot_id": "B" + self.bot_user_id[1:],
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "previous_view_id": None,
            "root_view_id": view.get("id"),
            **view,
        }

    def _payload(self, payload: dict[str, Any], timestamp: int | None) -> SignedRequest:
        # Interactivity arrives form-encoded with the JSON in a single `payload` field.
        return self.sign(urlencode({"payload": json.dumps(payload)}), FORM, timestamp)

    def _trigger_id(self) -> str:
        # Slack's trigger ids look like "<digits>.<digits>.<hex>"; tests only need them unique.
        return f"{next(self._serial)}.{int(time.time())}.{secrets.token_hex(16)}"


def _action(action_id: str, value: str, block_id: str, selected_user: str | None) -> dict[str, Any]:
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "type": "button",
        "action_ts": action_ts(),
    }
    if selected_user is not None:
        del action["value"]
        action.update(type="users_select", selected_user=selected_user)
    return action


def _from_team(event: dict[str, Any], user_team: str) -> dict[str, Any]:
    """An event by a person of another organisation names their workspace in the event too."""
    return {"user_team": user_team, "source_team": user_team, "team": user_team, **event}
