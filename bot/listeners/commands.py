"""The /lead slash command: parse -> authorize/dispatch -> render -> ack, nothing else."""

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks.help import help_message
from bot.blocks.render import render
from bot.deps import Deps
from bot.grammar import HelpRequested, ParseEnv, parse
from bot.listeners.reply import ephemeral

SLASH_COMMAND = "/lead"


class LeadCommand:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_lead(self, ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        ctx = self.deps.context(context.team_id or command["team_id"], command["user_id"])
        env = ParseEnv(ctx.now, self.deps.timezone(ctx), request_key=command.get("trigger_id"))
        parsed = parse(command.get("text", ""), env)
        if isinstance(parsed, HelpRequested):
            ack(**ephemeral(help_message(parsed.topic)))
            return
        ack(**ephemeral(render(self.deps.dispatch(parsed, ctx))))


def register(app: App, deps: Deps) -> None:
    app.command(SLASH_COMMAND)(LeadCommand(deps).on_lead)
