"""The lead card: one lead with its key facts, timeline and buttons."""

import re
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.chance import chance_fact
from bot.blocks.deal import bant_fact, closing_facts
from bot.blocks.sla import speed_line
from bot.blocks.text import safe, user, when
from bot.ids import ActionId, BlockId, LeadValue
from domain.followups.activity import Activity, ActivityKind
from domain.followups.reminder import Reminder
from domain.routing.sla import LeadSpeed
from domain.scoring.qualification import Qualification
from handlers.results import ChanceView, ContactView, LeadView

ACTIVITY_ICONS = {
    "note": "📝",
    "call": "📞",
    "email": "✉️",
    "meeting": "🤝",
    "system": "•",
    "engagement": "🌐",
}
# Leadbot's own assignment lines name people as mentions (`Reassigned from <@U1> to <@U2>`):
# escaped with the rest, then turned back into mentions. Only in those lines, which hold no
# user text: elsewhere (a qualification's answers, a lost note) a mention stays as typed.
_ESCAPED_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]{2,})&gt;")
_OWN_LINES = ("Assigned to ", "Reassigned from ", "Routed to ")


def headline(lead: LeadView) -> str:
    company = f" · {safe(lead.company, 200)}" if lead.company else ""
    return f"*{lead.ref}* {safe(lead.name, 200)}{company}"


def lead_facts(
    lead: LeadView,
    qualification: Qualification | None = None,
    contact: ContactView | None = None,
    chance: ChanceView | None = None,
) -> str:
    facts = [
        f"*Status:* {lead.status}",
        *do_not_contact_fact(lead),
        f"*Owner:* {user(lead.owner_id)}",
        f"*Email:* {safe(lead.email, 320) or '—'}",
        f"*Phone:* {safe(lead.phone, 40) or '—'}",
    ]
    if lead.title:
        facts.append(f"*Title:* {safe(lead.title, 200)}")
    if lead.source:
        facts.append(f"*Source:* {safe(lead.source, 200)}")
    facts += [f"*{safe(label, 40)}:* {safe(text, 200)}" for label, text in lead.fields]
    if lead.tags:
        facts.append(f"*Tags:* {' '.join(f'`{safe(tag, 40)}`' for tag in lead.tags)}")
    facts += [line for line in (chance_fact(chance),) if line]  # the predictive score
    bant = bant_fact(qualification)
    facts += ([bant] if bant else []) + closing_facts(lead, contact)
    return "\n".join(facts)


def do_not_contact_fact(lead: LeadView) -> list[str]:
    """The first thing a rep must know about a person who unsubscribed (UTC date)."""
    if lead.do_not_contact_at is None:
        return []
    return [f"⛔ *Do not contact* (unsubscribed {lead.do_not_contact_at.date().isoformat()})"]


def card_blocks(
    lead: LeadView,
    qualification: Qualification | None = None,
    contact: ContactView | None = None,
    chance: ChanceView | None = None,
    speed: LeadSpeed | None = None,
) -> list[dict[str, Any]]:
    created = f"Created {when(lead.created_at)}" + (f" · {speed_line(speed)}" if speed else "")
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=headline(lead))),
        SectionBlock(text=MarkdownTextObject(text=lead_facts(lead, qualification, contact, chance))),
        ContextBlock(elements=[MarkdownTextObject(text=created)]),
        card_actions(lead),
    ]
    return [block.to_dict() for block in blocks]


def card_actions(lead: LeadView) -> ActionsBlock:
    value = LeadValue(lead.number).encode()
    return ActionsBlock(
        block_id=BlockId.CARD_ACTIONS,
        elements=[
            ButtonElement(text="Log a call", action_id=ActionId.LOG_CALL, value=value),
            ButtonElement(text="Remind me tomorrow", action_id=ActionId.REMIND_TOMORROW, value=value),
        ],
    )


def timeline_blocks(
    activities: tuple[Activity, ...], reminders: tuple[Reminder, ...]
) -> list[dict[str, Any]]:
    lines = [_activity_line(a) for a in activities] or ["No activity yet."]
    upcoming = [f"⏰ {when(r.due_at)} {safe(r.text, 300)}" for r in reminders[:5]]
    text = "*Timeline*\n" + "\n".join(lines)
    if upcoming:
        text += "\n*Reminders*\n" + "\n".join(upcoming)
    return [SectionBlock(text=MarkdownTextObject(text=safe_join(text))).to_dict()]


def _activity_line(activity: Activity) -> str:
    icon = ACTIVITY_ICONS.get(activity.kind, "•")
    body = f" {safe(activity.body, 400)}" if activity.body else ""
    if activity.kind is ActivityKind.SYSTEM and activity.body.startswith(_OWN_LINES):
        body = _ESCAPED_MENTION.sub(r"<@\1>", body)
    return f"{icon} {when(activity.created_at)} {user(activity.actor_id)} {activity.kind}{body}"


def safe_join(text: str) -> str:
    """Already-escaped text cut to a section's limit on a line boundary."""
    if len(text) <= 3000:
        return text
    return text[: text.rfind("\n", 0, 2990)] + "\n…"
