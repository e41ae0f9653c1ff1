"""A local workspace: people typing /lead and clicking buttons, as signed requests
into the real Bolt app. The console and the test suite both drive the app this way."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App

from bot.bolt_request import SlackRequest
from bot.standin.server import FakeSlack
from bot.standin.signer import SignedRequest, SlackSigner

Transport = Callable[[SignedRequest], tuple[int, str]]


@dataclass(frozen=True, slots=True)
class Reply:
    """What the app answered to one request (the HTTP status and body)."""

    status: int
    body: Any

    @property
    def text(self) -> str:
        return str(self.body.get("text", "")) if isinstance(self.body, dict) else str(self.body)

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return list(self.body.get("blocks") or []) if isinstance(self.body, dict) else []


@dataclass(frozen=True, slots=True)
class Button:
    action_id: str
    value: str
    label: str
    block_id: str


def in_process(app: App) -> Transport:
    def send(request: SignedRequest) -> tuple[int, str]:
        headers = {key.lower(): [value] for key, value in request.headers.items()}
        response = app.dispatch(SlackRequest(body=request.body, headers=headers))
        return response.status, response.body or ""

    return send


class LocalWorkspace:
    def __init__(
        self,
        transport: Transport,
        fake: FakeSlack,
        signer: SlackSigner,
        team_id: str,
    ) -> None:
        self.transport, self.fake, self.signer, self.team_id = transport, fake, signer, team_id

    def slash(self, user_id: str, text: str, channel_id: str = "C0CONSOLE", **extra: Any) -> Reply:
        request = self.signer.slash_command(
            team_id=self.team_id,
            user_id=user_id,
            text=text,
            channel_id=channel_id,
            response_url=self.fake.response_url("command"),
            **extra,
        )
        return self.send(request)

    def click(
        self,
        user_id: str,
        button: Button,
        message: dict[str, Any] | None = None,
        channel_id: str = "C0CONSOLE",
        **extra: Any,
    ) -> Reply:
        request = self.signer.block_action(
            team_id=self.team_id,
            user_id=user_id,
            action_id=button.action_id,
            value=button.value,
            block_id=button.block_id,
            channel_id=channel_id,
            message=message,
            response_url=self.fake.response_url("action"),
            **extra,
        )
        return self.send(request)

    def event(self, event: dict[str, Any], **extra: Any) -> Reply:
        return self.send(self.signer.event(team_id=self.team_id, event=event, **extra))

    def send(self, request: SignedRequest) -> Reply:
        status, body = self.transport(request)
        return Reply(status, _decode(body))


def buttons_in(blocks: list[dict[str, Any]]) -> list[Button]:
    """Every button of a message, in reading order (the console numbers them so)."""
    found: list[Button] = []
    for block in blocks:
        is_actions = block.get("type") == "actions"
        elements = block.get("elements", []) if is_actions else [block.get("accessory") or {}]
        found += [_button(e, block.get("block_id", "")) for e in elements if e.get("type") == "button"]
    return found


def _button(element: dict[str, Any], block_id: str) -> Button:
    label = element.get("text", {}).get("text", "")
    return Button(element["action_id"], element.get("value", ""), label, block_id)


def _decode(body: str) -> Any:
    try:
        return json.loads(body) if body else {}
    except json.JSONDecodeError:
        return body
