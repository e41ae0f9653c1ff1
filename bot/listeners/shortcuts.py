"""The "Create lead from message" shortcut: the capture form, prefilled from the message."""

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.modals import capture_form
from bot.capture.form import FormValues
from bot.capture.prefill import prefill
from bot.deps import Deps
from bot.ids import CallbackId
from bot.listeners.errors import answering_errors
from bot.metadata import CaptureFormMetadata
from handlers.commands import CaptureChannel

log = logging.getLogger(__name__)


class MessageShortcuts:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @staticmethod
    def ack_now(ack: Ack) -> None:
        ack()

    def on_create_lead(self, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """After the ack (lazy): the permalink and the modal are calls to Slack. The trigger
        id lasts 3 seconds, so the form opens even if the permalink cannot be had."""
        with answering_errors(respond):
            message, channel_id = body["message"], body["channel"]["id"]
            metadata = CaptureFormMetadata(
                channel_id=channel_id,
                via=CaptureChannel.SHORTCUT,
                origin_url=permalink(client, channel_id, message["ts"]),
            )
            values = prefill(message.get("text", ""), self.deps.config.default_region)
            client.views_open(trigger_id=body["trigger_id"], view=self._form(values, metadata.dump()))

    def _form(self, values: FormValues, metadata: str) -> dict[str, Any]:
        return capture_form(values, metadata, fields=self.deps.config.fields)


def permalink(client: WebClient, channel_id: str, ts: str) -> str | None:
    """The message's link, kept as the lead's origin; None where the bot cannot see the
    channel (a DM between two people, a private channel it is not in)."""
    try:
        return str(client.chat_getPermalink(channel=channel_id, message_ts=ts)["permalink"])
    except SlackApiError as error:
        log.info("no permalink for %s/%s (%s)", channel_id, ts, error.response.get("error"))
        return None


def register(app: App, deps: Deps) -> None:
    shortcuts = MessageShortcuts(deps)
    app.message_shortcut(CallbackId.FROM_MESSAGE)(ack=shortcuts.ack_now, lazy=[shortcuts.on_create_lead])
