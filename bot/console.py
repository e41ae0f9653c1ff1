"""`leadbot console`: the real Bolt app in-process against the local Slack stand-in."""

import html
import itertools
import re
import shlex
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from rich.console import Console
from rich.text import Text

from bot.bootstrap import Runtime, build_runtime
from bot.deps import utc_now
from bot.ids import CallbackId
from bot.settings import Settings
from bot.standin import FakeSlack, SlackSigner
from bot.standin.render import message_lines, view_lines
from bot.standin.server import ApiCall, Refused
from bot.standin.workspace import Button, LocalWorkspace, OpenModal, Reply, buttons_in, in_process
from bot.tokens import normalize_quotes
from domain.config import CONSOLE_WORKSPACE, ConsoleUser, LeadbotConfig

CONSOLE_SECRET = "console-signing-secret"
_TYPED_MENTION = re.compile(r"(?<![\w<|@])@([\w.-]*\w)")  # not inside an email or a <@U…> form
SHOWN_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url")
MODAL_METHODS = ("views.open", "views.push", "views.update")
HELP = """Type a slash command as the current user, e.g.
  /lead add “Dana Scully” dana@fbi.gov company:FBI
  /lead add            (alone: opens the capture form)
  /lead assign L-1 @ben   (@name is sent as Slack sends a mention)
  /lead help
Console commands:
  as <user>   act as another user (see `users`)
  click <n>   press button n of the messages shown
  submit [field=value ...]
              fill in the open form (fields by name or number) and press its button, e.g.
              submit name="Jon Smithers" company="ACME Corp."
  shortcut <text>
              “Create lead from message” on a message with that text, e.g.
              shortcut Jon Smithers <jon@acme.com> wants a demo, +1 202 555 0143
  users       list the people in this workspace
  tick        run the scheduler's jobs now
  quit        leave (Ctrl-D works too)"""


@dataclass
class ConsoleState:
    user: ConsoleUser
    buttons: list[tuple[Button, dict[str, Any] | None]] = field(default_factory=list)
    modal: OpenModal | None = None


class LeadbotConsole:
    def __init__(
        self, runtime: Runtime, fake: FakeSlack, users: tuple[ConsoleUser, ...], start: ConsoleUser
    ) -> None:
        self.runtime, self.fake, self.users = runtime, fake, users
        self.workspace = LocalWorkspace(
            in_process(runtime.app), fake, SlackSigner(CONSOLE_SECRET), CONSOLE_WORKSPACE
        )
        self.state = ConsoleState(start)
        self.out = Console(highlight=False)
        self._lock = threading.Lock()
        self._view_ids = itertools.count(1)
        fake.on_call = self.on_api_call
        fake.on_refusal = self.on_refusal

    # -- what the app sends to Slack --------------------------------------------------
    def on_api_call(self, call: ApiCall) -> None:
        if call.failed or call.refused:
            return
        if call.method in MODAL_METHODS and isinstance(call.params.get("view"), dict):
            self.show_modal(OpenModal.of(call.params["view"], f"VCONSOLE{next(self._view_ids):04d}"))
        elif call.method in SHOWN_METHODS:
            # Slack sends no message with a click on an ephemeral one.
            ephemeral = call.method in ("response_url", "chat.postEphemeral")
            self.show(self.where(call), call.params, None if ephemeral else call.params)

    def on_refusal(self, refused: Refused) -> None:
        """Said plainly: in a real workspace the person would see nothing at all."""
        what = "answer" if refused.method.startswith("ack") else f"{refused.method} call"
        detail = "; ".join(refused.refusal.errors[:3])
        with self._lock:
            self.out.print(
                Text(
                    f"Slack refused this {what} ({refused.refusal.error}{': ' + detail if detail else ''}): "
                    "in a real workspace nobody would see it.",
                    style="red",
                )
            )

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
        with self._lock:
            first = len(self.state.buttons) + 1
            lines = message_lines(message, self.name_of, self.tz(), first)
            self.state.buttons += [(b, _as_message(posted)) for b in buttons_in(message.get("blocks") or [])]
            self.out.print(Text(f"── {where}", style="dim"))
            for line in lines:
                self.out.print(Text(line))

    def show_modal(self, modal: OpenModal, errors: dict[str, str] | None = None) -> None:
        """The form on screen; `submit` fills it in and presses its button."""
        with self._lock:
            self.state.modal = modal
            self.out.print(Text(f"── a form, for @{self.state.user.name}", style="dim"))
            for line in view_lines(modal.view, modal.values, self.name_of, self.tz(), errors):
                self.out.print(Text(line))

    # -- what the person types ---------------------------------------------------------
    def loop(self) -> None:
        self.out.print(
            Text(f"Leadbot console on {self.runtime.settings.database_url}. Type `help`.", style="bold")
        )
        while True:
            try:
                line = input(f"{self.state.user.name}> ")
            except (EOFError, KeyboardInterrupt):
                self.out.print()
                return
            if not self.handle(line):
                return

    def handle(self, line: str) -> bool:
        line = line.strip()
        if not line:
            return True
        if line.startswith("/"):
            self.slash(line)
            return True
        word, _, rest = line.partition(" ")
        action = self.actions().get(word.lower())
        if action is None:
            self.out.print(Text(f"Unknown console command {word!r}. Type `help`.", style="yellow"))
            return True
        return action(rest.strip())

    def actions(self) -> dict[str, Callable[[str], bool]]:
        return {
            "as": self.switch,
            "click": self.click,
            "submit": self.submit,
            "shortcut": self.shortcut,
            "users": self.list_users,
            "tick": self.tick,
            "help": self.help,
            "quit": lambda _: False,
            "exit": lambda _: False,
        }

    def slash(self, line: str) -> None:
        command, _, text = line.partition(" ")
        if command != "/lead":
            self.out.print(Text(f"{command} is not installed here; try /lead.", style="yellow"))
            return
        self.reply(self.workspace.slash(self.state.user.id, mentions_as_slack_sends(text, self.users)))

    def reply(self, reply: Reply) -> None:
        if reply.refused:
            return  # on_refusal has said so
        if reply.status != 200:
            self.out.print(Text(f"Slack would show an error: HTTP {reply.status} {reply.body}", style="red"))
        elif reply.body:
            body = reply.body if isinstance(reply.body, dict) else {"text": str(reply.body)}
            self.show(f"only visible to @{self.state.user.name}", body, None)

    def click(self, arg: str) -> bool:
        if not arg.isdigit() or not 0 < int(arg) <= len(self.state.buttons):
            self.out.print(
                Text(
                    f"There is no button {arg!r}; buttons are numbered [1]..[{len(self.state.buttons)}].",
                    style="yellow",
                )
            )
            return True
        button, message = self.state.buttons[int(arg) - 1]
        # A click on a DM comes from the DM's channel, so an update of the message lands there.
        channel = str((message or {}).get("channel") or "C0CONSOLE")
        self.reply(self.workspace.click(self.state.user.id, button, message, channel_id=channel))
        return True

    def submit(self, arg: str) -> bool:
        modal = self.state.modal
        if modal is None:
            self.out.print(Text("No form is open: `/lead add` opens one.", style="yellow"))
            return True
        try:
            modal.fill(field_values(arg))
        except ValueError as exc:
            self.out.print(
                Text(f'{exc}. Write it like: submit name="Jon Smithers" 3=+12025550143', style="yellow")
            )
            return True
        reply = self.workspace.submit_view(self.state.user.id, modal.view, modal.values, modal.view_id)
        self.answer_submit(modal, reply)
        return True

    def answer_submit(self, modal: OpenModal, reply: Reply) -> None:
        """As Slack shows a submit's answer: errors next to their inputs, a new view, or closed."""
        body = reply.body if isinstance(reply.body, dict) else {}
        action = body.get("response_action")
        if reply.status != 200:
            self.out.print(Text(f"Slack would show an error: HTTP {reply.status} {reply.body}", style="red"))
        elif action == "errors":
            self.show_modal(modal, body.get("errors"))
        elif action == "update":
            self.show_modal(OpenModal.of(body["view"], modal.view_id))
        else:
            self.state.modal = None
            self.out.print(Text("── the form closed", style="dim"))

    def shortcut(self, text: str) -> bool:
        """Slack sends a message's text escaped (&, <, >), so the message is escaped here too."""
        message = {"type": "message", "user": self.state.user.id, "ts": f"{time.time():.6f}"}
        message["text"] = html.escape(text, quote=False)
        self.reply(self.workspace.message_shortcut(self.state.user.id, CallbackId.FROM_MESSAGE, message))
        return True

    def switch(self, name: str) -> bool:
        user = next((u for u in self.users if name.lstrip("@") in (u.name, u.id)), None)
        if user is None:
            self.out.print(Text(f"No user {name!r}. `users` lists them.", style="yellow"))
        else:
            self.state.user = user
        return True

    def list_users(self, _: str) -> bool:
        for user in self.users:
            role = self.runtime.config.actor(CONSOLE_WORKSPACE, user.id).role
            self.out.print(Text(f"{user.name:<8} {user.id:<12} {role:<8} {user.tz}"))
        return True

    def tick(self, _: str) -> bool:
        counts = self.runtime.run_jobs(utc_now())
        self.out.print(Text(" ".join(f"{k}={v}" for k, v in counts.items()), style="dim"))
        return True

    def help(self, _: str) -> bool:
        self.out.print(Text(HELP))
        return True

    def name_of(self, user_id: str) -> str:
        return next((u.name for u in self.users if u.id == user_id), user_id)

    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.state.user.tz)


def mentions_as_slack_sends(text: str, users: tuple[ConsoleUser, ...]) -> str:
    """`@ben` as Slack sends a mention picked in its composer: `<@U0REP0BEN|ben>`. A name
    nobody has stays as typed, as it would in Slack (and the grammar then says so)."""
    ids = {user.name.lower(): user.id for user in users}

    def mention(match: re.Match[str]) -> str:
        user_id = ids.get(match[1].lower())
        return f"<@{user_id}|{match[1]}>" if user_id else match[0]

    return _TYPED_MENTION.sub(mention, text)


def field_values(arg: str) -> dict[str, str]:
    """`name="Jon Smithers" 3=+12025550143` -> {"name": "Jon Smithers", "3": "+12025550143"}."""
    tokens = shlex.split(normalize_quotes(arg))
    bad = next((token for token in tokens if not token.partition("=")[0] or "=" not in token), None)
    if bad is not None:
        raise ValueError(f"{bad!r} is not field=value")
    return dict(token.split("=", 1) for token in tokens)


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


def console_settings(settings: Settings, fake: FakeSlack) -> Settings:
    """The real app, but its Slack is the stand-in and its secrets are the console's."""
    return settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-console"),
            "slack_signing_secret": SecretStr(CONSOLE_SECRET),
            "slack_api_url": fake.url,
        }
    )


def run_console(settings: Settings, config: LeadbotConfig, start_user: str = "ann") -> None:
    users = config.console_users or (ConsoleUser(id="U0CONSOLE1", name="me"),)
    directory = {u.id: {"name": u.name, "real_name": u.name.title(), "tz": u.tz} for u in users}
    start = next((u for u in users if start_user in (u.name, u.id)), users[0])
    with FakeSlack(team_id=CONSOLE_WORKSPACE, users=directory) as fake:
        runtime = build_runtime(console_settings(settings, fake), config, sweep_seconds=5)
        console = LeadbotConsole(runtime, fake, users, start)
        runtime.start()
        try:
            console.loop()
        finally:
            runtime.stop()
