"""Renderers are pure: escaping, Block Kit limits and the ids they use."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from support import displayed

from bot.blocks.lists import list_blocks
from bot.blocks.outbox import reminder_message
from bot.blocks.render import render
from bot.blocks.text import escape, safe
from bot.ids import ActionId
from domain.delivery.messages import ReminderDue
from domain.followups.activity import Activity, ActivityKind
from handlers.results import LeadCaptured, LeadDetails, LeadList, LeadView

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def view(number: int = 1, name: str = "Dana Scully", **overrides) -> LeadView:
    fields = dict(
        ref=f"L-{number}",
        number=number,
        name=name,
        email="dana@fbi.gov",
        phone=None,
        company="FBI",
        title=None,
        source=None,
        status="new",
        owner_id="U1",
        sales_team="sales",
        score=0,
        created_at=NOW,
    )
    return LeadView(**{**fields, **overrides})


def all_text(blocks) -> str:
    return displayed(blocks)


def section_texts(blocks) -> list[str]:
    return [b["text"]["text"] for b in blocks if b.get("type") == "section"]


def test_mentions_in_user_text_are_escaped_everywhere():
    hostile = "<!channel> & <@U123> <https://evil|https://crm.example>"
    lead = view(name=hostile, company="<!here>")
    messages = [render(LeadCaptured(lead)), render(LeadList("x", (lead,), "none"))]
    messages.append(
        reminder_message(
            ReminderDue.model_validate(
                {"user": "U1", "text": "<!everyone>", "lead": {"ref": "L-1", "name": hostile}}
            )
        )
    )
    for message in messages:
        shown = message.text + all_text(message.blocks)
        for ping in ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<https://evil"):
            assert ping not in shown


@given(st.text(max_size=5000))
def test_safe_text_fits_a_section_and_never_ends_mid_entity(text):
    out = safe(text, 3000)
    assert len(out) <= 3000
    assert "<" not in out and ">" not in out
    tail = out[out.rfind("&") :] if "&" in out else ""
    assert not tail or ";" in tail


def test_escape_touches_exactly_the_three_special_characters():
    assert escape("a & b < c > d \"e\" 'f'") == "a &amp; b &lt; c &gt; d \"e\" 'f'"


def test_a_long_list_is_paged_below_the_block_limit():
    leads = tuple(view(n, f"Lead {n}") for n in range(1, 201))
    blocks = list_blocks(LeadList("Many", leads, "none"))
    assert len(blocks) <= 50
    assert "and 180 more" in all_text(blocks)


def test_a_long_timeline_stays_within_section_limits():
    notes = tuple(Activity(ActivityKind.NOTE, "x" * 4000, "U1", NOW) for _ in range(10))
    message = render(LeadDetails(view(), notes, ()))
    assert all(len(text) <= 3000 for text in section_texts(message.blocks))


def test_cards_use_the_declared_action_ids():
    ids = {
        e["action_id"]
        for b in render(LeadCaptured(view())).blocks
        for e in b.get("elements", [])
        if "action_id" in e
    }
    assert ids <= {a.value for a in ActionId} and ids
