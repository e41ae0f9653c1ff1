"""The /lead slash command: parse -> authorize/dispatch -> render -> ack, nothing else."""

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.help import help_message
from bot.blocks.modals import capture_form
from bot.blocks.render import render
from bot.capture.form import FormValues
from bot.deps import Deps
from bot.grammar import (
    HelpRequested,
    OpenCaptureForm,
    ParseEnv,
    asks_for_form,
    asks_for_import_form,
    asks_for_qualify_form,
    parse,
)
from bot.grammar.bulk import asks_for_undo
from bot.grammar.privacy import asks_for_privacy
from bot.grammar.reports import asks_for_report_file
from bot.grammar.webhook import asks_for_webhook
from bot.listeners.errors import answering_errors
from bot.listeners.only_when import OnlyWhen, on_text
from bot.listeners.reply import ephemeral
from bot.listeners.timezones import TimezoneLearner
from bot.metadata import CaptureFormMetadata
from bot.workspaces.tenancy import workspace_of
from handlers.commands import AddLead

SLASH_COMMAND = "/lead"


class LeadCommand:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_lead(self, ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        ctx = self.deps.context(workspace_of(command, context), command["user_id"])
        env = ParseEnv(
            ctx.now, self.deps.timezone(ctx), request_key=command.get("trigger_id"), fields=ctx.config.fields
        )
        parsed = parse(command.get("text", ""), env)
        if isinstance(parsed, HelpRequested):
            ack(**ephemeral(help_message(parsed.topic)))
        elif isinstance(parsed, OpenCaptureForm):
            ack()  # the form is the answer (opened after the ack); a message too would be noise
        elif isinstance(parsed, AddLead):
            ack(**ephemeral(render(self.deps.capture(parsed, ctx, command.get("response_url")))))
        else:
            ack(**ephemeral(render(self.deps.dispatch(parsed, ctx))))

    def on_form_wanted(self, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """After the ack (lazy): opening a modal is a call to Slack, made at once because
        the trigger id expires 3 seconds after the command."""
        with answering_errors(respond):
            metadata = CaptureFormMetadata(channel_id=command.get("channel_id"))
            view = capture_form(FormValues(), metadata.dump(), fields=self.deps.config.fields)
            client.views_open(trigger_id=command["trigger_id"], view=view)


def register(app: App, deps: Deps) -> None:
    """The /lead listeners. Bolt tries listeners in the order they were registered, and
    each try costs a little (tens of microseconds), so the one most commands take comes
    first. The forms (`/lead add`, `/lead import`, `/lead qualify L-1` alone) have their
    own listeners (this module's, qualify's, import_upload's), each excluded here, as is
    `/lead privacy` (bot.listeners.privacy)."""
    lead = LeadCommand(deps)
    zones = TimezoneLearner(deps)
    app.command(SLASH_COMMAND, middleware=[OnlyWhen(lambda c, ctx: plain(c) and not zones.is_stale(c, ctx))])(
        lead.on_lead
    )
    # `/lead add` alone gets its own listener, so only it pays for a lazy one (Bolt copies the
    # request and hands it to a thread: about 0.5 ms that no other /lead command needs).
    app.command(SLASH_COMMAND, middleware=[on_text(asks_for_form)])(
        ack=lead.on_lead, lazy=[lead.on_form_wanted, zones.on_command]
    )
    # First contact (or a day later): learn the person's zone from Slack, after the ack.
    app.command(SLASH_COMMAND, middleware=[OnlyWhen(lambda c, ctx: plain(c) and zones.claim_lookup(c, ctx))])(
        ack=lead.on_lead, lazy=[zones.on_command]
    )
    # Someone else's command claimed the zone lookup between the two checks above.
    app.command(SLASH_COMMAND, middleware=[OnlyWhen(lambda c, _ctx: plain(c))])(lead.on_lead)


def plain(command: dict[str, Any]) -> bool:
    """Not a command that opens a form, nor `privacy` (bot.listeners.privacy answers it), nor
    `undo` (bot.listeners.bulk: it runs after the ack), nor `webhook` (bot.listeners.installs),
    nor a report as a file (bot.listeners.report_files)."""
    text = command.get("text", "")
    forms = (
        asks_for_form,
        asks_for_import_form,
        asks_for_qualify_form,
        asks_for_privacy,
        asks_for_undo,
        asks_for_webhook,
        asks_for_report_file,
    )
    return not any(asks(text) for asks in forms)
