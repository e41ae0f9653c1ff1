"""A local workspace: people typing /lead and clicking buttons, as signed requests
into the real Bolt app. The console and the test suite both drive the app this way."""

import http.client
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App

from bot.local.standin.payloads import home_opened
from bot.local.standin.server import FakeSlack
from bot.local.standin.signer import SignedRequest, SlackSigner
from bot.web.bolt_request import SlackRequest

Transport = Callable[[SignedRequest], tuple[int, str]]


@dataclass(frozen=True, slots=True)
class Reply:
    """What the app answered to one request (the HTTP status and body)."""

    status: int
    body: Any
    refused: str = ""  # Slack's error code when it would not show this answer

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


@dataclass(slots=True)
class OpenModal:
    """A modal on someone's screen: the view, its id, and what each input holds now (by block_id)."""

    view: dict[str, Any]
    view_id: str
    values: dict[str, str | None]

    @classmethod
    def of(cls, view: dict[str, Any], view_id: str) -> "OpenModal":
        shown = {block["block_id"]: shown_in(block["element"]) for block in inputs_in(view)}
        return cls(view, view_id, shown)

    def fill(self, typed: dict[str, str]) -> None:
        """Type into inputs named as input_named() reads them; an empty value clears one."""
        unknown = [key for key in typed if self.input_named(key) is None]
        if unknown:
            raise ValueError(f"The form has no field {unknown[0]!r}")
        for key, value in typed.items():
            self.values[str(self.input_named(key))] = value or None

    def input_named(self, key: str) -> str | None:
        """The block_id of an input given by number, label, or the end of its block_id ("name")."""
        for number, block in enumerate(inputs_in(self.view), 1):
            names = (str(number), block["label"]["text"].lower(), block["block_id"].rsplit(".", 1)[-1])
            if key.lower() in names:
                return str(block["block_id"])
        return None


def in_process(app: App) -> Transport:
    def send(request: SignedRequest) -> tuple[int, str]:
        headers = {key.lower(): [value] for key, value in request.headers.items()}
        response = app.dispatch(SlackRequest(body=request.body, headers=headers))
        return response.status, response.body or ""

    return send


def over_http(host: str, port: int, path: str = "/slack/events") -> Transport:
    """Requests sent as Slack sends them: over a socket to `leadbot serve`'s request URL."""

    def send(request: SignedRequest) -> tuple[int, str]:
        connection = http.client.HTTPConnection(host, port, timeout=10)
        try:
            connection.request("POST", path, body=request.body.encode(), headers=request.headers)
            answer = connection.getresponse()
            return answer.status, answer.read().decode()
        finally:
            connection.close()

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
        return self.judged(self.send(request))

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
        return self.judged(self.send(request))

    def click_in_view(self, user_id: str, button: Button, view: dict[str, Any], **extra: Any) -> Reply:
        """A click on a button of the Home tab or of a modal: `view` as the app published or
        opened it (with its id), sent back as Slack does, with no response_url."""
        request = self.signer.view_action(
            team_id=self.team_id,
            user_id=user_id,
            action_id=button.action_id,
            value=button.value,
            block_id=button.block_id,
            view=view,
            **extra,
        )
        return self.send(request)

    def open_home(self, user_id: str, tab: str = "home", **extra: Any) -> Reply:
        """The person opens the app's Home tab (or its Messages tab): app_home_opened."""
        event = home_opened(user_id, tab, self.home_view(user_id) if tab == "home" else None)
        return self.event(event, **extra)

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab the app last published to this person, as Slack keeps it (with its id)."""
        published = [c for c in self.fake.calls_to("views.publish") if c.params.get("user_id") == user_id]
        if not published:
            return None
        return {"id": f"VHOME{user_id}", **published[-1].params["view"]}

    def submit_view(
        self,
        user_id: str,
        view: dict[str, Any],
        values: dict[str, str | None] | None = None,
        view_id: str = "V1",
        **extra: Any,
    ) -> Reply:
        """Press a modal's submit button: each input sends what it shows (its initial value)
        unless `values`, keyed by block_id, says what the person typed instead."""
        request = self.signer.view_submission(
            team_id=self.team_id,
            user_id=user_id,
            callback_id=view.get("callback_id", ""),
            values=view_state(view, values or {}),
            private_metadata=view.get("private_metadata", ""),
            view_id=view_id,
            **extra,
        )
        return self.judged(self.send(request))

    def message_shortcut(
        self,
        user_id: str,
        callback_id: str,
        message: dict[str, Any],
        channel_id: str = "C0CONSOLE",
        **extra: Any,
    ) -> Reply:
        request = self.signer.message_shortcut(
            team_id=self.team_id,
            user_id=user_id,
            callback_id=callback_id,
            message=message,
            channel_id=channel_id,
            response_url=self.fake.response_url("shortcut"),
            **extra,
        )
        return self.judged(self.send(request))

    def event(self, event: dict[str, Any], **extra: Any) -> Reply:
        return self.send(self.signer.event(team_id=self.team_id, event=event, **extra))

    def send(self, request: SignedRequest) -> Reply:
        status, body = self.transport(request)
        return Reply(status, _decode(body))

    def judged(self, reply: Reply) -> Reply:
        """Slack judges what an ack carries as it judges a message or view: a reply it
        would refuse is never shown, so the stand-in counts it among its refusals."""
        body = reply.body if isinstance(reply.body, dict) else {}
        refusal = None
        if body.get("response_action") in ("update", "push"):
            refusal = self.fake.judge("ack.view", body)
        elif "text" in body or "blocks" in body:
            refusal = self.fake.judge("ack", body)
        return reply if refusal is None else Reply(reply.status, reply.body, refusal.error)


def buttons_in(blocks: list[dict[str, Any]]) -> list[Button]:
    """Every button of a message, in reading order (the console numbers them so)."""
    found: list[Button] = []
    for block in blocks:
        is_actions = block.get("type") == "actions"
        elements = block.get("elements", []) if is_actions else [block.get("accessory") or {}]
        found += [_button(e, block.get("block_id", "")) for e in elements if e.get("type") == "button"]
    return found


def inputs_in(view: dict[str, Any]) -> list[dict[str, Any]]:
    """A modal's input blocks, in reading order (the console numbers them so)."""
    return [block for block in view.get("blocks") or [] if block.get("type") == "input"]


def shown_in(element: dict[str, Any]) -> str | None:
    """What an input shows when opened: its text, the option picked, or the date."""
    option = element.get("initial_option")
    if isinstance(option, dict):
        return str(option.get("value"))
    return element.get("initial_value", element.get("initial_date"))


def view_state(view: dict[str, Any], values: dict[str, str | None]) -> dict[str, dict[str, Any]]:
    """state.values as Slack sends it on submit: {block_id: {action_id: {type, value}}};
    an empty input's value is null."""
    state: dict[str, dict[str, Any]] = {}
    for block in inputs_in(view):
        block_id, element = block["block_id"], block["element"]
        state[block_id] = {element["action_id"]: _input_state(element, values, block_id)}
    return state


def _input_state(element: dict[str, Any], values: dict[str, str | None], block_id: str) -> dict[str, Any]:
    """A text or number input sends its `value`; a menu the option picked (`values` names it
    by its value), a date picker `selected_date`."""
    kind = element["type"]
    if kind == "static_select":
        wanted = str(values.get(block_id, shown_in(element)) or "").casefold()
        option = next((o for o in element.get("options", []) if o["value"].casefold() == wanted), None)
        return {"type": kind, "selected_option": option}
    if kind == "datepicker":
        return {"type": kind, "selected_date": values.get(block_id, element.get("initial_date")) or None}
    value = values[block_id] if block_id in values else element.get("initial_value")
    return {"type": kind, "value": value or None}


def _button(element: dict[str, Any], block_id: str) -> Button:
    label = element.get("text", {}).get("text", "")
    return Button(element["action_id"], element.get("value", ""), label, block_id)


def _decode(body: str) -> Any:
    try:
        return json.loads(body) if body else {}
    except json.JSONDecodeError:
        return body
