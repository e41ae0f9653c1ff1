"""Modal submissions: the capture form, checked and saved before the ack, answered after it."""

import logging
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.modals import capture_form, form_saved_message
from bot.capture.form import FormValues, capture_command, form_errors, note_command, read_state
from bot.deps import Deps
from bot.ids import CallbackId
from bot.metadata import CaptureFormMetadata
from bot.workspaces.tenancy import workspace_of
from domain.errors import DomainError
from handlers.capture.precheck import check_duplicate
from handlers.commands import AddLead
from handlers.context import Context
from handlers.results import LeadCaptured

log = logging.getLogger(__name__)
# Set by the ack for the lazy listener: Bolt hands lazy listeners a copy of the context.
SAVED_REPLY = "leadbot_form_saved_reply"


class CaptureForm:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_submit(self, ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        """Only the database runs before the ack: Slack keeps the form open for the answer,
        so a problem shows next to its input and a likely duplicate is asked about first."""
        ctx = self.deps.context(workspace_of(body, context), body["user"]["id"])
        try:
            ack(**self.answer(view, ctx, context))
        except (DomainError, ValidationError) as error:
            ack(response_action="errors", errors=form_errors(error, tuple(f.key for f in ctx.config.fields)))

    def answer(self, view: dict[str, Any], ctx: Context, context: BoltContext) -> dict[str, Any]:
        meta = CaptureFormMetadata.load(view.get("private_metadata"))
        values = read_state(view["state"]["values"])
        cmd = capture_command(values, meta, view["id"])
        duplicate = check_duplicate(cmd, self.deps.uow_factory(), ctx)
        if duplicate is not None and duplicate.lead.number != meta.seen_duplicate:
            warned = meta.model_copy(update={"seen_duplicate": duplicate.lead.number})
            view = capture_form(values, warned.dump(), duplicate, ctx.config.fields)
            return {"response_action": "update", "view": view}
        context[SAVED_REPLY] = self.save(cmd, values, ctx)
        return {"response_action": "clear"}

    def save(self, cmd: AddLead, values: FormValues, ctx: Context) -> dict[str, Any]:
        """Saved before the form closes, so a closed form always means a stored lead."""
        result = self.deps.dispatch(cmd, ctx)
        assert isinstance(result, LeadCaptured)
        # A repeated save (same view, same values) already added its note.
        note = note_command(values, result.lead.number) if result.outcome != "replayed" else None
        if note is not None and result.visible:
            self.deps.dispatch(note, ctx)
        message = form_saved_message(result, note_skipped=note is not None and not result.visible)
        return {"text": message.text, "blocks": message.blocks}

    @staticmethod
    def after_submit(
        body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        """After the ack (lazy): the reply is a call to Slack."""
        reply = context.get(SAVED_REPLY)
        if reply is not None:
            channel_id = CaptureFormMetadata.load(view.get("private_metadata")).channel_id
            post_privately(client, channel_id, body["user"]["id"], reply)


def post_privately(client: WebClient, channel_id: str | None, user_id: str, reply: dict[str, Any]) -> None:
    """Seen only by the submitter, where they opened the form; a DM when there is no channel
    or the bot may not post there (a private channel it is not in)."""
    if channel_id:
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, **reply)
            return
        except SlackApiError as error:
            log.info("ephemeral reply refused (%s); sending it as a DM", error.response.get("error"))
    client.chat_postMessage(channel=user_id, **reply)


def register(app: App, deps: Deps) -> None:
    form = CaptureForm(deps)
    app.view_submission(CallbackId.CAPTURE_FORM)(ack=form.on_submit, lazy=[form.after_submit])
