"""Turning a SlackMessage into the keyword arguments of ack() and respond()."""

from typing import Any

from bot.blocks.fit import fit
from bot.blocks.text import SlackMessage


def ephemeral(message: SlackMessage) -> dict[str, Any]:
    shown = fit(message)  # what Slack would refuse, it would not show at all
    return {"response_type": "ephemeral", "text": shown.text, "blocks": shown.blocks or None}


def ephemeral_followup(message: SlackMessage) -> dict[str, Any]:
    # A button's answer goes under the message clicked, never over it.
    return {**ephemeral(message), "replace_original": False}


def ephemeral_in_place(message: SlackMessage) -> dict[str, Any]:
    # The answer to a question (Merge anyway / Cancel) takes the question's place: once
    # answered, its buttons have nothing left to do.
    return {**ephemeral(message), "replace_original": True}
