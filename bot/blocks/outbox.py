"""Rendering of outbox messages at send time (reminder DMs, channel notices)."""

from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.blocks.followups import due_headline, followup_buttons, followup_message
from bot.blocks.text import SlackMessage, escape, safe
from bot.ids import ActionId, BlockId, LeadValue, SnoozeValue
from domain.delivery.messages import (
    ChannelPost,
    CommandReply,
    LeadAnnounced,
    LeadBrief,
    MentionReply,
    ReminderDue,
    WeeklyChart,
)


def lead_line(lead: LeadBrief) -> str:
    """`*L-42* Dana Scully · FBI`, escaped, from an outbox message's lead."""
    company = f" · {safe(lead.company, 200)}" if lead.company else ""
    return f"*{lead.ref}* {safe(lead.name, 200)}{company}"


def reminder_message(reminder: ReminderDue) -> SlackMessage:
    if reminder.reminder_id is not None and reminder.due_at is not None:
        return followup_dm(reminder, reminder.reminder_id, reminder.due_at)
    return legacy_reminder_message(reminder)


def followup_dm(reminder: ReminderDue, reminder_id: int, due_at: datetime) -> SlackMessage:
    """A due reminder (or a "still open" nudge) with Done, Snooze and Log call."""
    headline = due_headline(lead_line(reminder.lead), due_at, reminder.tz, reminder.nudge)
    number = LeadValue.of_ref(reminder.lead.ref).number
    return followup_message(headline, reminder.text, followup_buttons(reminder_id, number, True))


def legacy_reminder_message(reminder: ReminderDue) -> SlackMessage:
    """Outbox rows queued before follow-ups had state (no reminder id): the old buttons."""
    text = f"⏰ Reminder: {lead_line(reminder.lead)}: {safe(reminder.text, 1000)}"
    number = LeadValue.of_ref(reminder.lead.ref).number
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
                    value=SnoozeValue(number, reminder.text).encode(),
                ),
                ButtonElement(text="Log a call", action_id=ActionId.LOG_CALL, value=value),
            ],
        ),
    ]
    return SlackMessage(text=text, blocks=[block.to_dict() for block in blocks])


def channel_post(post: ChannelPost) -> SlackMessage:
    return SlackMessage(text=safe(post.text))


def mention_reply(reply: MentionReply) -> SlackMessage:
    user = f"<@{reply.user}> " if reply.user else ""
    return SlackMessage(text=f"{user}I work through `/lead`: try `/lead help` to see what I can do.")


def command_answer(reply: CommandReply) -> SlackMessage:
    """A queued command's answer as it was rendered when it was carried out."""
    return SlackMessage(text=reply.message.get("text", ""), blocks=reply.message.get("blocks") or [])


def chart_comment(chart: WeeklyChart) -> SlackMessage:
    """The comment the Monday chart is posted with."""
    return SlackMessage(text=f"📊 Last week's funnel and sources · {escape(chart.chart['title'])}")


def lead_announcement(announced: LeadAnnounced) -> SlackMessage:
    """A lead that came in without a rep (web form, import), for its team channel."""
    lead = announced.lead
    email = f" · {safe(lead.email, 320)}" if lead.email else ""
    return lead_notice(f"📥 New lead from {safe(announced.via, 50)}: {lead_line(lead)}{email}", lead)


def lead_notice(text: str, lead: LeadBrief) -> SlackMessage:
    """A team-channel notice about one lead (already-escaped text), with a Show lead button."""
    button = ButtonElement(
        text="Show lead", action_id=ActionId.SHOW, value=LeadValue.of_ref(lead.ref).encode()
    )
    blocks = [SectionBlock(text=MarkdownTextObject(text=text), accessory=button)]
    return SlackMessage(text=text, blocks=[block.to_dict() for block in blocks])
