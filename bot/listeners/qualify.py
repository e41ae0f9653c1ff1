"""The qualification form: `/lead qualify L-12` alone opens it filled with the latest
answers; its submit records them like the one-line command does."""

import hashlib
import json
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.qualify_form import qualify_form, read_answers
from bot.blocks.render import render
from bot.deps import Deps
from bot.grammar import OpenQualifyForm, ParseEnv, asks_for_qualify_form, parse
from bot.ids import CallbackId, QualifyInput
from bot.listeners.commands import SLASH_COMMAND
from bot.listeners.errors import answering_errors
from bot.listeners.only_when import on_text
from bot.listeners.views import post_privately
from bot.metadata import QualifyFormMetadata
from bot.workspaces.tenancy import workspace_of
from domain.capture.validation import explain
from domain.errors import DomainError
from handlers.commands import OpenQualification, QualifyLead
from handlers.results import QualificationDraft

# Set by the acks for their lazy listeners (Bolt hands lazy listeners a copy of the context).
FORM_VIEW = "leadbot_qualify_form_view"
SAVED_REPLY = "leadbot_qualify_saved_reply"


class QualifyForm:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_command(self, ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        """Only the database runs before the ack: a refusal (not yours, closed, no such
        lead) is the command's answer, and the form is built ready for the lazy listener."""
        ctx = self.deps.context(workspace_of(command, context), command["user_id"])
        parsed = parse(command.get("text", ""), ParseEnv(ctx.now, self.deps.timezone(ctx)))
        assert isinstance(parsed, OpenQualifyForm)  # what the matcher let through
        draft = self.deps.dispatch(OpenQualification(number=parsed.number), ctx)
        assert isinstance(draft, QualificationDraft)
        meta = QualifyFormMetadata(number=parsed.number, channel_id=command.get("channel_id"))
        context[FORM_VIEW] = qualify_form(draft, meta.dump())
        ack()

    @staticmethod
    def on_form_wanted(
        command: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        """After the ack (lazy): views.open is a call to Slack, made at once because the
        trigger id expires 3 seconds after the command."""
        view = context.get(FORM_VIEW)
        if view is not None:  # none: the command was refused and its answer said why
            with answering_errors(respond):
                client.views_open(trigger_id=command["trigger_id"], view=view)

    def on_submit(self, ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        ctx = self.deps.context(workspace_of(body, context), body["user"]["id"])
        meta = QualifyFormMetadata.load(view.get("private_metadata"))
        answers = read_answers(view["state"]["values"])
        # The same answers submitted twice from one view (a double click, a retry): recorded once.
        key = f"qualify:{view['id']}:{_fingerprint(answers)}"
        try:
            cmd = QualifyLead(number=meta.number, answers=answers, request_key=key)
            result = self.deps.dispatch(cmd, ctx)
        except (DomainError, ValidationError) as error:
            ack(response_action="errors", errors=_errors(error))
            return
        message = render(result)
        reply = {"text": message.text, "blocks": message.blocks}
        context[SAVED_REPLY] = (meta.channel_id, reply)
        ack(response_action="clear")

    @staticmethod
    def after_submit(body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """After the ack (lazy): the reply, seen only by the submitter, is a call to Slack."""
        if SAVED_REPLY in context:
            channel_id, reply = context[SAVED_REPLY]
            post_privately(client, channel_id, body["user"]["id"], reply)


def _fingerprint(answers: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(answers, sort_keys=True).encode()).hexdigest()[:16]


def _errors(error: Exception) -> dict[str, str]:
    """Each message next to the answer it is about; others at the first input."""
    field = getattr(error, "field", "")
    if isinstance(error, ValidationError):
        field, message = "", explain(error.errors()[0], error.title)
    else:
        message = str(error)
    target = next((i for i in QualifyInput if i.answer == field), QualifyInput.BUDGET)
    return {target: message[:150]}


def register(app: App, deps: Deps) -> None:
    """Its /lead listener takes the command that opens its form (commands.plain excludes it)."""
    form = QualifyForm(deps)
    app.command(SLASH_COMMAND, middleware=[on_text(asks_for_qualify_form)])(
        ack=form.on_command, lazy=[form.on_form_wanted]
    )
    app.view_submission(CallbackId.QUALIFY_FORM)(ack=form.on_submit, lazy=[form.after_submit])
