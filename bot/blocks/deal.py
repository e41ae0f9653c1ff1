"""Lead card facts about qualification and closing: BANT, deal, lost reason, contact and cycle."""

from bot.blocks.text import safe, user, when
from domain.scoring.qualification import BANT_FIELDS, Qualification
from handlers.results import ContactView, LeadView

ANSWER_LIMIT = 300  # four answers and their labels stay far below a section's 3,000


def bant_fact(qualification: Qualification | None) -> str | None:
    if qualification is None:
        return None
    answers = qualification.answers()
    parts = [f"{name.capitalize()}: {safe(answers[name], ANSWER_LIMIT) or '—'}" for name in BANT_FIELDS]
    by = f"{user(qualification.answered_by)} {when(qualification.answered_at)}"
    return f"*BANT:* {' · '.join(parts)} _({by})_"


def closing_facts(lead: LeadView, contact: ContactView | None = None) -> list[str]:
    facts = [fact for fact in (_expected(lead), _deal(lead), _lost(lead), _contact(lead, contact)) if fact]
    return facts


def amount(lead: LeadView) -> str:
    return f"{lead.deal_value:,}" if lead.deal_value is not None else "—"


def _expected(lead: LeadView) -> str | None:
    """The forecast's input, while the lead is open (`/lead value`)."""
    if lead.closed_at is not None or (lead.expected_value is None and lead.expected_close is None):
        return None
    value = (
        f"{lead.expected_value:,.2f}".removesuffix(".00")
        if lead.expected_value is not None
        else "no value yet"
    )
    close = f", closing {lead.expected_close:%B %Y}" if lead.expected_close else ""
    return f"*Expected deal:* {value}{close}"


def _deal(lead: LeadView) -> str | None:
    if lead.deal_value is None and not lead.deal_product:
        return None
    product = f" · {safe(lead.deal_product, 200)}" if lead.deal_product else ""
    return f"*Deal:* {amount(lead)}{product}"


def _lost(lead: LeadView) -> str | None:
    if not lead.lost_reason:
        return None
    note = f": {safe(lead.lost_note, 500)}" if lead.lost_note else ""
    return f"*Lost:* {safe(lead.lost_reason, 64)}{note}"


def _contact(lead: LeadView, contact: ContactView | None) -> str | None:
    if lead.cycle > 1:
        of = f"contact of {contact.first_lead}, " if contact else ""
        return f"*Returning customer:* {of}cycle {lead.cycle}"
    if contact is not None:
        return f"*Contact:* {safe(contact.name, 200)} (since {contact.first_lead})"
    return None
