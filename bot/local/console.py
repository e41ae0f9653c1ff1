"""`leadbot console`: the real Bolt app in-process against the local Slack stand-in."""

import re
import shlex
from collections.abc import Callable

from pydantic import SecretStr
from rich.text import Text

from bot.bootstrap import Runtime, build_runtime
from bot.capture.in_flight import CountingApp
from bot.deps import utc_now
from bot.grammar.tokens import normalize_quotes
from bot.ids import CallbackId
from bot.local.screen import ConsoleScreen, InView
from bot.local.standin import FakeSlack, SlackSigner
from bot.local.standin.payloads import rich_text_message
from bot.local.standin.workspace import LocalWorkspace, OpenModal, Reply, in_process
from bot.operations.settings import Settings
from domain.config import CONSOLE_WORKSPACE, ConsoleUser, LeadbotConfig

CONSOLE_SECRET = "console-signing-secret"
_TYPED_MENTION = re.compile(r"(?<![\w<|@])@([\w.-]*\w)")  # not inside an email or a <@U…> form
HELP = """Type a slash command as the current user, e.g.
  /lead add “Dana Scully” dana@fbi.gov company:FBI
  /lead add            (alone: opens the capture form)
  /lead assign L-1 @ben   (@name is sent as Slack sends a mention)
  /lead help
Console commands:
  as <user>   act as another user (see `users`)
  click <n>   press button n of the messages shown (or type just n)
  submit [field=value ...]
              fill in the open form (fields by name or number) and press its button, e.g.
              submit name="Jon Smithers" company="ACME Corp."
  shortcut <text>
              “Create lead from message” on a message with that text, e.g.
              shortcut Jon Smithers <jon@acme.com> wants a demo, +1 202 555 0143
  home        open Leadbot's Home tab (your working day); its buttons click like any other
  users       list the people in this workspace
  tick        run the scheduler's jobs now
  quit        leave (Ctrl-D works too)"""


AFTER_ACK_WAIT = 10.0  # seconds: work after an ack that takes longer shows when it is done


class LeadbotConsole(ConsoleScreen):
    def __init__(
        self, runtime: Runtime, fake: FakeSlack, users: tuple[ConsoleUser, ...], start: ConsoleUser
    ) -> None:
        super().__init__(users, start)
        self.runtime, self.fake = runtime, fake
        self.workspace = LocalWorkspace(
            in_process(runtime.app), fake, SlackSigner(CONSOLE_SECRET), CONSOLE_WORKSPACE
        )
        fake.on_call = self.on_api_call
        fake.on_refusal = self.on_refusal

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
            going_on = self.handle(line)
            self.settle()
            if not going_on:
                return

    def settle(self) -> None:
        """Wait for the work after an ack (a lazy listener publishing the Home tab, say), so
        its answer shows before the next prompt, as it would in Slack a moment later."""
        app = self.runtime.app
        if isinstance(app, CountingApp):
            app.after_ack.wait_idle(AFTER_ACK_WAIT)

    def handle(self, line: str) -> bool:
        line = line.strip()
        if not line:
            return True
        if line.startswith("/"):
            self.slash(line)
            return True
        if line.isdigit():  # the buttons are shown as [n]: typing n presses one
            return self.click(line)
        word, _, rest = line.partition(" ")
        if word == "lead":  # the slash forgotten
            self.slash("/" + line)
            return True
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
            "home": self.home,
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
        shown = len(self.state.buttons)
        if not arg.isdigit() or not 0 < int(arg) <= shown:
            which = f"buttons are numbered [1]..[{shown}]" if shown else "no button is shown yet"
            self.out.print(Text(f"There is no button {arg!r}: {which}.", style="yellow"))
            return True
        button, where = self.state.buttons[int(arg) - 1]
        if isinstance(where, InView):
            self.reply(self.workspace.click_in_view(self.state.user.id, button, where.view))
            return True
        # A click on a DM comes from the DM's channel, so an update of the message lands there.
        channel = str((where or {}).get("channel") or "C0CONSOLE")
        self.reply(self.workspace.click(self.state.user.id, button, where, channel_id=channel))
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
        """On a message as Slack clients post it: rich_text blocks, and its text in Slack's markup."""
        message = rich_text_message(self.state.user.id, text, self.workspace.team_id)
        self.reply(self.workspace.message_shortcut(self.state.user.id, CallbackId.FROM_MESSAGE, message))
        return True

    def home(self, _: str) -> bool:
        """Open the Home tab: Slack sends app_home_opened, and the app publishes the view."""
        self.reply(self.workspace.open_home(self.state.user.id))
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


def console_settings(settings: Settings, fake: FakeSlack) -> Settings:
    """The real app, but its Slack is the stand-in and its secrets are the console's: one
    workspace on one token, whatever OAuth settings the environment holds."""
    return settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-console"),
            "slack_signing_secret": SecretStr(CONSOLE_SECRET),
            "slack_api_url": fake.url,
            "slack_client_id": None,
            "slack_client_secret": None,
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
