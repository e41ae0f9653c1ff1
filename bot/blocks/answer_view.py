"""A message shown as a modal: the answer to a click in the Home tab or in a modal, which
Slack gives no response_url to answer below."""

from typing import Any

from slack_sdk.models.views import View

from bot.blocks.text import SlackMessage, section

TITLE = "Leadbot"  # Slack caps a modal's title and close at 24 characters
CLOSE = "Close"
MODAL_BLOCK_LIMIT = 100


def answer_view(message: SlackMessage) -> dict[str, Any]:
    """The message's blocks (a card, a confirmation, an error), or its text when it has none;
    a modal holds 100 blocks, twice what a message may."""
    blocks = message.blocks[:MODAL_BLOCK_LIMIT] or [section(message.text)]
    return View(type="modal", title=TITLE, close=CLOSE, blocks=blocks).to_dict()
