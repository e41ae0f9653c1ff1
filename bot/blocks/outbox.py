"""Rendering of outbox messages at send time (reminder DMs, channel notices)."""

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.blocks.followups import due_headline, followup_buttons, followup_message
from bot.blocks.text import SlackMessage, safe
from bot.ids import ActionId, BlockId, LeadValue, SnoozeValue


def lead_line(lead: dict[str, Any]) -> str:
    """`*L-42* Dana Scully · FBI`, escaped, from an outbox payload's lead."""
    company = f" · {safe(lead.get('company'), 200)}" if lead.get("company") else ""
    return f"*{lead['ref']}* {safe(lead['name'], 200)}{company}"


def reminder_message(payload: dict[str, Any]) -> SlackMessage:
    if "reminder_id" in payload:
        return followup_dm(payload)
    return legacy_reminder_message(payload)


def followup_dm(payload: dict[str, Any]) -> SlackMessage:
    """A due reminder (or a "still open" nudge) with Done, Snooze and Log call."""
    lead, tz = payload["lead"], payload.get("tz", "UTC")
    due_at = datetime.fromisoformat(payload["due_at"])
    headline = due_headline(lead_line(lead), due_at, tz, payload.get("nudge", 0))
    number = LeadValue.of_ref(lead["ref"]).number
    return followup_message(headline, payload["text"], followup_buttons(payload["reminder_id"], number, True))


def legacy_reminder_message(payload: dict[str, Any]) -> SlackMessage:
    """Outbox rows queued before follow-ups had state (no reminder id): the old buttons."""
    lead = payload["lead"]
    text = f"⏰ Reminder: {lead_line(lead)}: {safe(payload['text'], 1000)}"
    number = LeadValue.of_ref(lead["ref"]).number
    value = LeadValue(number).encode()
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id=BlockId.REMINDER_ACTIONS,
            elements=[
                ButtonElement(text="Show lead", action_id=ActionId.SHOW, value=value),
                ButtonElement(
                    text="Snooze 1 hour",
                    action_id=ActionId.SNOOZE_HOUR,
                    value=SnoozeValue(number, payload["text"]).encode(),
                ),
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


def lead_announcement(payload: dict[str, Any]) -> SlackMessage:
    """A lead that came in without a rep (web form, import), for its team channel."""
    lead = payload["lead"]
    email = f" · {safe(lead.get('email'), 320)}" if lead.get("email") else ""
    return lead_notice(f"📥 New lead from {safe(payload.get('via'), 50)}: {lead_line(lead)}{email}", lead)


def lead_notice(text: str, lead: dict[str, Any]) -> SlackMessage:
    """A team-channel notice about one lead (already-escaped text), with a Show lead button."""
    button = ButtonElement(
        text="Show lead", action_id=ActionId.SHOW, value=LeadValue.of_ref(lead["ref"]).encode()
    )
    blocks = [SectionBlock(text=MarkdownTextObject(text=text), accessory=button)]
    return SlackMessage(text=text, blocks=[block.to_dict() for block in blocks])
