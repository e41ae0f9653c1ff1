"""`/lead privacy export|erase <email>`: admins only, about their own workspace. The export
comes as a JSON file in a DM (made after the ack: a person with years of history is more
than Slack's 3 seconds allow); an erasure asks first, and happens on the Erase button."""

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.privacy import (
    erase_cancelled_message,
    erase_question,
    erased_message,
    export_ready_message,
    exporting_message,
    nothing_held,
)
from bot.blocks.render import error_message
from bot.deps import Deps
from bot.grammar import CommandSyntaxError, ParseEnv, parse
from bot.grammar.privacy import asks_for_privacy
from bot.ids import ActionId
from bot.listeners.answers import answer_to
from bot.listeners.commands import SLASH_COMMAND
from bot.listeners.errors import answering_errors, message_for
from bot.listeners.only_when import on_text
from bot.listeners.reply import ephemeral, ephemeral_in_place
from bot.workspaces.tenancy import workspace_of
from domain.errors import PermissionDenied
from domain.permissions import Action, can
from handlers.context import Context
from handlers.operations.privacy import (
    PrivacyRequest,
    erase_personal_data,
    export_personal_data,
    find_personal_data,
)

NOT_ALLOWED = PermissionDenied(
    "Exporting or erasing a person's data is for admins: ask one of your workspace's admins."
)
EXPORT = "leadbot_privacy_export"  # set by the ack for its lazy listener: the email to export
EXPORT_FILE = "personal-data.json"


class PrivacyCommands:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_command(self, ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        ctx = self.deps.context(workspace_of(command, context), command["user_id"])
        try:
            request = parse(command.get("text", ""), ParseEnv(ctx.now, self.deps.timezone(ctx)))
        except CommandSyntaxError as error:
            ack(**ephemeral(message_for(error)))
            return
        assert isinstance(request, PrivacyRequest)  # asks_for_privacy routed it here
        if not can(ctx.actor, Action.CONFIGURE):
            ack(**ephemeral(error_message(NOT_ALLOWED)))
        elif request.action == "erase":
            held = find_personal_data(self.deps.uow_factory(), request.email, (ctx.actor.team_id,))
            ack(**ephemeral(erase_question(held)))
        else:
            context[EXPORT] = request.email
            ack(**ephemeral(exporting_message(request.email)))

    def send_export(
        self, command: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        """After the ack (lazy): the export, in a DM to the admin who asked."""
        email = context.get(EXPORT)
        if email is None:
            return
        with answering_errors(respond):
            team_id = workspace_of(command, context)
            held = find_personal_data(self.deps.uow_factory(), email, (team_id,))
            if not held.found:
                respond(**ephemeral(nothing_held(email)))
                return
            export = export_personal_data(self.deps.uow_factory(), email, (team_id,))
            content = json.dumps(export, ensure_ascii=False, indent=1, default=str)
            _send_file(client, command["user_id"], export_ready_message(held).text, content)

    @staticmethod
    def on_click_ack(ack: Ack) -> None:
        ack()

    def on_erase(
        self, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        """After the ack (lazy): erase, and answer in place of the question. A second click
        finds nothing left and says so."""
        answer = answer_to(body, client, respond, in_place=True)
        with answering_errors(answer):
            ctx = self._context(body, context)
            if not can(ctx.actor, Action.CONFIGURE):
                answer(error_message(NOT_ALLOWED))
                return
            email = body["actions"][0]["value"]
            held = erase_personal_data(
                self.deps.uow_factory(), email, ctx.actor.user_id, ctx.now, (ctx.actor.team_id,)
            )
            answer(erased_message(held))

    @staticmethod
    def on_cancel(ack: Ack, respond: Respond) -> None:
        ack()
        respond(**ephemeral_in_place(erase_cancelled_message()))

    def _context(self, body: dict[str, Any], context: BoltContext) -> Context:
        return self.deps.context(workspace_of(body, context), body["user"]["id"])


def _send_file(client: WebClient, user_id: str, text: str, content: str) -> None:
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    posted = client.chat_postMessage(channel=channel, text=text)
    client.files_upload_v2(
        channel=channel, thread_ts=posted["ts"], content=content, filename=EXPORT_FILE, title=EXPORT_FILE
    )


def register(app: App, deps: Deps) -> None:
    privacy = PrivacyCommands(deps)
    app.command(SLASH_COMMAND, middleware=[on_text(asks_for_privacy)])(
        ack=privacy.on_command, lazy=[privacy.send_export]
    )
    app.action(ActionId.PRIVACY_ERASE.value)(ack=privacy.on_click_ack, lazy=[privacy.on_erase])
    app.action(ActionId.PRIVACY_CANCEL.value)(privacy.on_cancel)
