"""The digest and "while I was away" renderers: inside Block Kit's limits, escaped, long
lists summarised, routing's sections shown only when they hold something."""

import json
from datetime import UTC, date, datetime

from bot.blocks.digest import away_message, digest_message
from bot.ids import ActionId
from bot.local.standin.blockkit import judge_message
from domain.delivery.messages import AwaySummary, TeamDigest
from domain.reporting.digest import Digest, DigestLead, Tally

NOW = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
EVIL = "<!channel> & <@U123>"


def lead(n: int) -> DigestLead:
    return DigestLead(f"L-{n}", f"{EVIL} {n}" + "x" * 400, "ACME <b>", 90 - n, None, "U0REP0ANN")


def huge_digest(**extra) -> Digest:
    return Digest(
        team_key="ldn",
        team_name="London",
        local_date=date(2026, 11, 24),
        since=NOW.replace(day=23),
        until=NOW,
        new_by_source=tuple(Tally(f"source-{n} {EVIL}", n + 1) for n in range(40)),
        unassigned=tuple(lead(n) for n in range(5)),
        unassigned_total=42,
        overdue_by_rep=tuple(Tally(f"U0REP{n:04d}", 3) for n in range(30)),
        hot=tuple(lead(n) for n in range(5)),
        converted=tuple(lead(n) for n in range(5)),
        converted_total=7,
        lost_by_reason=(Tally("timing", 2), Tally("price", 1)),
        **extra,
    )


def sections(message) -> list[str]:
    return [b["text"]["text"] for b in message.blocks if b["type"] == "section"]


def test_a_big_digest_stays_inside_block_kit_limits_and_summarises_long_lists():
    message = digest_message(
        TeamDigest.model_validate({"channel": "C0LDN", "digest": huge_digest().payload()})
    )

    assert len(message.blocks) <= 50
    assert all(len(text) <= 3000 for text in sections(message))
    shown = json.dumps(message.blocks, ensure_ascii=False)
    assert "…and 37 more" in shown  # 42 unassigned, 5 listed
    assert "…and 30 more" in shown  # 40 sources, 10 named
    assert "…and 20 more" in shown  # 30 reps, 10 named


def test_user_text_in_a_digest_is_escaped_and_pings_nobody():
    message = digest_message(
        TeamDigest.model_validate({"channel": "C0LDN", "digest": huge_digest().payload()})
    )
    shown = json.dumps(message.blocks, ensure_ascii=False) + message.text
    assert "<!channel>" not in shown and "<@U123>" not in shown
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in shown


def test_every_listed_lead_has_a_show_button_that_opens_its_card():
    message = digest_message(
        TeamDigest.model_validate({"channel": "C0LDN", "digest": huge_digest().payload()})
    )
    buttons = [b["accessory"] for b in message.blocks if "accessory" in b]
    assert buttons and {b["action_id"] for b in buttons} == {ActionId.SHOW}
    assert buttons[0]["value"] == "0"


def test_approvals_and_sla_breaches_show_only_when_routing_reports_some():
    quiet = json.dumps(
        digest_message(TeamDigest.model_validate({"channel": "C", "digest": huge_digest().payload()})).blocks
    )

    assert "Awaiting approval" not in quiet and "SLA breaches" not in quiet

    busy = huge_digest(awaiting_approval=(lead(1),), sla_breaches=(lead(2), lead(3)))
    shown = json.dumps(
        digest_message(TeamDigest.model_validate({"channel": "C", "digest": busy.payload()})).blocks
    )
    assert "*Awaiting approval*: 1" in shown and "*SLA breaches*: 2" in shown


def test_a_long_away_summary_lists_what_fits_and_points_to_tasks():
    items = [
        {
            "reminder_id": n,
            "text": f"call {EVIL}",
            "due_at": NOW.isoformat(),
            "lead": {"ref": f"L-{n}", "name": "D"},
        }
        for n in range(100)
    ]
    message = away_message(AwaySummary.model_validate({"user": "U0REP0ANN", "reminders": items}))

    assert judge_message({"text": message.text, "blocks": message.blocks}) is None  # Slack shows it
    assert "While I was away, 100 of your follow-ups fell due" in message.text
    assert "…and 52 more. `/lead tasks` lists them all" in json.dumps(message.blocks, ensure_ascii=False)
    assert "<!channel>" not in json.dumps(message.blocks, ensure_ascii=False)
