"""Replies to `/lead nurture`: the follow-ups a cadence created, or what stopping it cancelled."""

from bot.blocks.followups import local_when
from bot.blocks.lead_card import headline
from bot.blocks.text import SlackMessage, safe, section, user
from handlers.results import NurtureChanged


def nurture_message(result: NurtureChanged) -> SlackMessage:
    lead = headline(result.lead)
    if result.action == "stopped":
        text = f"⏹️ Stopped cadence *{safe(result.cadence, 64)}* on {lead}: "
        text += f"{result.cancelled} waiting step{'s' if result.cancelled != 1 else ''} cancelled."
        return SlackMessage(text=text, blocks=[section(text)])
    if result.repeated:
        text = f"🌱 {lead} is already enrolled in *{safe(result.cadence, 64)}*."
        return SlackMessage(text=text, blocks=[section(text)])
    owner = user(result.steps[0].user_id) if result.steps else "its owner"
    cadence, count = safe(result.cadence, 64), len(result.steps)
    head = f"🌱 Enrolled {lead} in cadence *{cadence}*: {count} follow-ups for {owner}"
    lines = [f"• {local_when(step.due_at, step.tz)}: {safe(step.text, 300)}" for step in result.steps[:20]]
    text = "\n".join([head, *lines])
    return SlackMessage(text=head, blocks=[section(text)])
