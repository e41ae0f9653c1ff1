"""The console's screen: what the app sends to Slack, shown as the current person sees it."""

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.text import Text

from bot.local.standin.render import message_lines, view_lines
from bot.local.standin.server import ApiCall, Refused
from bot.local.standin.workspace import Button, OpenModal, buttons_in, inputs_in
from domain.config import ConsoleUser

SHOWN_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url")
MODAL_METHODS = ("views.open", "views.push", "views.update")


@dataclass(frozen=True)
class InView:
    """Where a button is shown: a view (the Home tab or a modal). Slack sends its click with the
    view and no response_url; a button on a message is sent with the message (or None)."""

    view: dict[str, Any]


Origin = dict[str, Any] | InView | None  # where a shown button is: a message, a view, an ephemeral
Lines = Callable[..., list[str]]  # a renderer of bot.local.standin.render, given first_button=


@dataclass
class ConsoleState:
    user: ConsoleUser
    buttons: list[tuple[Button, Origin]] = field(default_factory=list)
    modal: OpenModal | None = None


class ConsoleScreen:
    """What the app sends to Slack, as the current person would see it: messages, modals and the
    Home tab, their buttons numbered for `click N` (bot/local/console.py types the person's side)."""

    def __init__(self, users: tuple[ConsoleUser, ...], start: ConsoleUser) -> None:
        self.users = users
        self.state = ConsoleState(start)
        self.out = Console(highlight=False)
        self._lock = threading.Lock()
        self._view_ids = itertools.count(1)

    # -- what the app sends to Slack --------------------------------------------------
    def on_refusal(self, refused: Refused) -> None:
        """Said plainly: in a real workspace the person would see nothing at all."""
        what = "answer" if refused.method.startswith("ack") else f"{refused.method} call"
        detail = "; ".join(refused.refusal.errors[:3])
        said = f"{refused.refusal.error}: {detail}" if detail else refused.refusal.error
        with self._lock:
            line = f"Slack refused this {what} ({said}): in a real workspace nobody would see it."
            self.out.print(Text(line, style="red"))

    def on_api_call(self, call: ApiCall) -> None:
        if call.failed or call.refused:
            return
        view = call.params.get("view")
        if call.method in MODAL_METHODS and isinstance(view, dict):
            # views.update names the modal it changes; a new one gets an id of its own.
            view_id = str(call.params.get("view_id") or f"VCONSOLE{next(self._view_ids):04d}")
            self.show_modal(OpenModal.of(view, view_id))
        elif call.method == "views.publish" and isinstance(view, dict):
            self.show_home(str(call.params.get("user_id", "")), view)
        elif call.method in SHOWN_METHODS:
            # Slack sends no message with a click on an ephemeral one.
            ephemeral = call.method in ("response_url", "chat.postEphemeral")
            self.show(self.where(call), call.params, None if ephemeral else call.params)

    def where(self, call: ApiCall) -> str:
        if call.method == "response_url":
            return f"only visible to @{self.state.user.name}"
        if call.method == "chat.postEphemeral":
            viewer = self.name_of(str(call.params.get("user", "")))
            return f"only visible to @{viewer} in #{call.params.get('channel', '')}"
        channel = str(call.params.get("channel", ""))
        if channel.startswith("D"):
            return f"DM to @{self.name_of('U' + channel[1:])}"
        return f"#{channel} ({call.method})"

    def show(self, where: str, message: dict[str, Any], posted: dict[str, Any] | None) -> None:
        self.display(where, message, _as_message(posted), partial(message_lines, message, *self.eyes()))

    def show_modal(self, modal: OpenModal, errors: dict[str, str] | None = None) -> None:
        """A form (`submit` fills it in and presses its button) or an answer shown as a modal."""
        self.state.modal = modal
        view = {**modal.view, "id": modal.view_id}
        what = "a form" if inputs_in(view) else "a modal"
        lines = partial(view_lines, view, modal.values, *self.eyes(), errors)
        self.display(f"{what}, for @{self.state.user.name}", view, InView(view), lines)

    def show_home(self, user_id: str, view: dict[str, Any]) -> None:
        """The current person's Home tab; another person's, refreshed by what this one did, is
        only named: it is theirs to see (and its buttons theirs to press) after `as`."""
        if user_id != self.state.user.id:
            with self._lock:
                name = self.name_of(user_id)
                self.out.print(Text(f"── @{name}'s Home tab was brought up to date", style="dim"))
            return
        view = {**view, "id": f"VHOME{user_id}"}
        lines = partial(message_lines, view, *self.eyes())
        self.display(f"Leadbot's Home tab, for @{self.state.user.name}", view, InView(view), lines)

    def display(self, heading: str, shown: dict[str, Any], origin: Origin, lines: Lines) -> None:
        """Lines under a heading; the buttons numbered after those shown before, for `click N`."""
        with self._lock:
            text = lines(first_button=len(self.state.buttons) + 1)
            self.state.buttons += [(b, origin) for b in buttons_in(shown.get("blocks") or [])]
            self.out.print(Text(f"── {heading}", style="dim"))
            for line in text:
                self.out.print(Text(line))

    def eyes(self) -> tuple[Callable[[str], str], ZoneInfo]:
        """How the current person reads: names for ids, times in their zone."""
        return self.name_of, self.tz()

    def name_of(self, user_id: str) -> str:
        return next((u.name for u in self.users if u.id == user_id), user_id)

    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.state.user.tz)


def _as_message(posted: dict[str, Any] | None) -> dict[str, Any] | None:
    return (
        {
            "ts": posted.get("ts", ""),
            "text": posted.get("text", ""),
            "blocks": posted.get("blocks"),
            "channel": posted.get("channel"),
        }
        if posted
        else None
    )
