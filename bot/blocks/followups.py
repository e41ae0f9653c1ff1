"""Follow-up messages: the reminder DM, its "still open" nudges, and the message after a click."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import SlackMessage, safe, user
from bot.ids import ActionId, BlockId, FollowupAction, LeadValue, ReminderValue
from domain.followups.followup import LABELS, SnoozeChoice

SNOOZE_BUTTONS = {
    FollowupAction.SNOOZE_HOUR: SnoozeChoice.HOUR,
    FollowupAction.SNOOZE_TOMORROW: SnoozeChoice.TOMORROW,
    FollowupAction.SNOOZE_NEXT_WEEK: SnoozeChoice.NEXT_WEEK,
}


def local_when(moment: datetime, tz: str) -> str:
    """Slack's date token shows each viewer's own zone; the fallback (old clients,
    notifications) is written in the rep's zone rather than UTC."""
    fallback = moment.astimezone(ZoneInfo(tz)).strftime("%a %d %b %H:%M %Z")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def followup_buttons(reminder_id: int, lead_number: int, is_open: bool) -> ActionsBlock:
    """Done, three snoozes and Log call while it is open; only Show lead once it is done."""
    value = ReminderValue(reminder_id).encode()
    block_id = f"{BlockId.REMINDER_ACTIONS}.{reminder_id}"  # unique when a list shows several
    show = ButtonElement(text="Show lead", action_id=ActionId.SHOW, value=LeadValue(lead_number).encode())
    if not is_open:
        return ActionsBlock(block_id=block_id, elements=[show])
    snoozes = [
        ButtonElement(text=f"Snooze: {LABELS[choice]}", action_id=action, value=value)
        for action, choice in SNOOZE_BUTTONS.items()
    ]
    done = ButtonElement(text="Done", action_id=FollowupAction.DONE, value=value, style="primary")
    log = ButtonElement(text="Log call", action_id=FollowupAction.LOG_CALL, value=value)
    return ActionsBlock(block_id=block_id, elements=[done, *snoozes, log, show])


def followup_message(
    headline: str, text: str, buttons: ActionsBlock, notes: list[str] | None = None
) -> SlackMessage:
    """The one shape of a follow-up message, delivered or updated after a click."""
    body = f"{headline}: {safe(text, 1000)}"
    blocks: list[Any] = [SectionBlock(text=MarkdownTextObject(text=body))]
    if notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note) for note in notes]))
    blocks.append(buttons)
    return SlackMessage(text=body, blocks=[block.to_dict() for block in blocks])


def due_headline(lead_text: str, due_at: datetime, tz: str, nudge: int) -> str:
    if not nudge:
        return f"⏰ Reminder: {lead_text}"
    return f"🔁 Still open since {local_when(due_at, tz)}: {lead_text}"


def change_note(change: str, by: str, at: datetime, tz: str, until: datetime) -> str:
    """What a click did, as a line under the reminder."""
    if change == "done":
        return f"✅ Done by {user(by)} {local_when(at, tz)}"
    if change == "snoozed":
        return f"💤 Snoozed by {user(by)} until {local_when(until, tz)}"
    return f"📞 Call logged by {user(by)} {local_when(at, tz)}"
