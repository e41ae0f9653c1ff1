"""Closing renderers are pure: facts on the card, escaped, within a section's limit."""

import json
from datetime import UTC, datetime
from decimal import Decimal

from bot.blocks.lead_card import card_blocks
from bot.blocks.render import render
from domain.lead import Lead
from domain.lifecycle import LeadStatus
from domain.scoring.qualification import Qualification
from handlers.results import ContactView, LeadClosed, LeadQualified, LeadView

NOW = datetime(2026, 11, 30, tzinfo=UTC)


def view(**overrides) -> LeadView:
    lead = Lead(team_id="T1", name="Dana Scully", created_at=NOW, created_by="U1", number=7, **overrides)
    return LeadView.of(lead)


def test_the_card_shows_bant_with_who_and_when() -> None:
    answers = Qualification("U0REP0ANN", NOW, budget="yes", need="replace spreadsheets")
    facts = card_blocks(view(), answers)[1]["text"]["text"]
    assert "*BANT:* Budget: yes · Authority: — · Need: replace spreadsheets · Timeline: —" in facts
    assert "<@U0REP0ANN> <!date^" in facts


def test_long_answers_and_notes_stay_inside_a_section_and_are_escaped() -> None:
    long = "<!channel> " + "x" * 2000
    answers = Qualification("U0REP0ANN", NOW, budget=long, authority=long, need=long, timeline=long)
    lead = view(status=LeadStatus.LOST, lost_reason="other", lost_note=long, deal_product=long)
    for block in card_blocks(lead, answers):
        text = block.get("text", {}).get("text", "")
        assert len(text) <= 3000 and "<!channel>" not in text


def test_a_returning_customer_is_shown_with_the_contact_and_cycle() -> None:
    contact = ContactView(3, "Dana Scully", "L-2")
    facts = card_blocks(view(cycle=2, contact_id=3), contact=contact)[1]["text"]["text"]
    assert "*Returning customer:* contact of L-2, cycle 2" in facts


def test_closing_replies_say_what_happened() -> None:
    won = view(status=LeadStatus.CONVERTED, deal_value=Decimal("12000.00"), contact_id=3)
    assert "deal 12,000.00" in render(LeadClosed(won, "converted", ContactView(3, "Dana", "L-7"))).text
    assert "Already done" in render(LeadClosed(won, "converted", repeated=True)).text
    lost = render(LeadClosed(view(status=LeadStatus.LOST, lost_reason="price"), "lost"))
    assert "lost (price)" in lost.text and "*Lost:* price" in json.dumps(lost.blocks)
    same = render(LeadQualified(view(), None, ()))
    assert "Nothing new" in same.text
