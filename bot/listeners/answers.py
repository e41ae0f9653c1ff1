"""Where the answer to a click goes. A click on a message comes with a response_url, and its
answer goes below that message; a click in the Home tab or in a modal comes with none (respond()
raises there), so its answer opens as a modal, or replaces the modal clicked in."""

from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks.answer_view import answer_view
from bot.blocks.text import SlackMessage
from bot.listeners.reply import ephemeral_followup, ephemeral_in_place

Answer = Callable[[SlackMessage], None]


def answer_to(body: dict[str, Any], client: WebClient, respond: Respond, in_place: bool = False) -> Answer:
    """How to answer this click, chosen from where it was made; `in_place` replaces the
    message clicked instead of answering below it."""
    container = body.get("container") or {}
    if respond.response_url is not None or container.get("type") != "view":
        shape = ephemeral_in_place if in_place else ephemeral_followup
        return lambda message: respond(**shape(message))
    if (body.get("view") or {}).get("type") == "modal":
        view_id = container["view_id"]
        return lambda message: client.views_update(view_id=view_id, view=answer_view(message))
    trigger_id = body["trigger_id"]  # valid for 3 seconds: the lazy listener starts at once
    return lambda message: client.views_open(trigger_id=trigger_id, view=answer_view(message))
