"""Rendering of outbox messages at send time (reminder DMs, channel notices)."""

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.blocks.text import SlackMessage, safe
from bot.ids import ActionId, BlockId


def reminder_message(payload: dict[str, Any]) -> SlackMessage:
    lead = payload["lead"]
    company = f" · {safe(lead.get('company'), 200)}" if lead.get("company") else ""
    text = f"⏰ Reminder: *{lead['ref']}* {safe(lead['name'], 200)}{company}: {safe(payload['text'], 1000)}"
    value = lead["ref"].removeprefix("L-")
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id=BlockId.REMINDER_ACTIONS,
            elements=[
                ButtonElement(text="Show lead", action_id=ActionId.SHOW, value=value),
                ButtonElement(text="Snooze 1 hour", action_id=ActionId.SNOOZE_HOUR, value=value),
                ButtonElement(text="Log a call", action_id=ActionId.LOG_CALL, value=value),
            ],
        ),
    ]
    return SlackMessage(text=text, blocks=[block.to_dict() for block in blocks])


def channel_post(payload: dict[str, Any]) -> SlackMessage:
    return SlackMessage(text=safe(payload["text"]))


def mention_reply(payload: dict[str, Any]) -> SlackMessage:
    user = f"<@{payload['user']}> " if payload.get("user") else ""
    return SlackMessage(text=f"{user}I work through `/lead`: try `/lead help` to see what I can do.")
