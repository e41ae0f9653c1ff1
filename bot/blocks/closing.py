"""Replies to qualify, convert, lost and reopen: what changed, then the lead card."""

from bot.blocks.deal import amount
from bot.blocks.lead_card import card_blocks, headline
from bot.blocks.text import SlackMessage, escape, section, sentence
from domain.scoring.qualification import BANT_FIELDS
from handlers.results import LeadClosed, LeadQualified


def qualified_message(result: LeadQualified) -> SlackMessage:
    lead = headline(result.lead)
    if result.repeated:
        text = sentence(f"Already saved that qualification of {lead}")
    elif result.changed:
        names = ", ".join(name for name in BANT_FIELDS if name in result.changed)
        text = f"📋 Qualification of {lead} saved ({names})."
    else:
        text = f"Nothing new: {lead} already has those answers."
    blocks = [section(text), *card_blocks(result.lead, result.qualification)]
    return SlackMessage(text=text, blocks=blocks)


def closed_message(result: LeadClosed) -> SlackMessage:
    text = _closed_headline(result)
    blocks = [section(text), *card_blocks(result.lead, contact=result.contact)]
    return SlackMessage(text=text, blocks=blocks)


def _closed_headline(result: LeadClosed) -> str:
    lead = headline(result.lead)
    if result.repeated:
        return f"Already done: {lead} is {result.lead.status}."
    if result.action == "converted":
        deal = f", deal {amount(result.lead)}" if result.lead.deal_value is not None else ""
        contact = f" {escape(result.contact.name)} is a contact now." if result.contact else ""
        return sentence(f"🎉 Converted {lead}{deal}") + contact
    if result.action == "lost":
        return f"Marked {lead} lost ({escape(result.lead.lost_reason)})."
    return f"↩️ Reopened {lead} as {result.lead.status}."
