"""Score renderers are pure: every rule's share, thresholds and history, escaped, within Block Kit limits."""

import json
from datetime import UTC, datetime, timedelta

from bot.blocks.render import render
from bot.blocks.score import ready_for_sales
from domain.delivery.messages import ReadyForSales
from domain.lead import Lead
from domain.scoring.rules import CapApplied, Contribution, ScoreBreakdown, ScoreChange, Stage, StageReached
from handlers.results import LeadView, ScoreExplained

NOW = datetime(2026, 11, 30, tzinfo=UTC)
PING = "<!channel> "
BELOW_MQL = StageReached()


def explained(breakdown: ScoreBreakdown, history=(), reached=BELOW_MQL, name="Dana Scully") -> ScoreExplained:
    view = LeadView.of(Lead(team_id="T1", name=name, created_at=NOW, created_by="U1", number=7))
    return ScoreExplained(view, breakdown, reached, tuple(history), 40, 70, 30, NOW)


def texts(result: ScoreExplained) -> list[str]:
    return [block["text"]["text"] for block in render(result).blocks]


def test_each_rule_the_decay_the_cap_and_the_thresholds_are_shown() -> None:
    breakdown = ScoreBreakdown(
        55,
        (Contribution("Senior title", "fit", 15, 15), Contribution("Webinar", "engagement", 47.5, 60, 3)),
        decay=12.5,
        capped=(CapApplied("engagement", 40, 7.5),),
    )
    reached = StageReached(Stage.MQL, mql_at=NOW)
    head, stands, why, history = texts(explained(breakdown, reached=reached))

    assert head == "*L-7* Dana Scully: score *55*"
    assert "marketing qualified (MQL)" in stands and "✅ MQL 40: crossed <!date^" in stands
    assert "▫️ SQL 70: 15 to go" in stands
    assert "+15 Senior title _(fit)_" in why and "+47.5 Webinar ×3 _(engagement, +60 before decay)_" in why
    assert "-7.5 engagement held to its cap of 40" in why
    assert "Decay so far: -12.5 (engagement halves every 30 days)" in why
    assert history == "*History*\nNo changes yet."


def test_a_lead_no_rule_applies_to_says_so() -> None:
    assert "No rule applies yet" in texts(explained(ScoreBreakdown(0)))[2]


def test_long_escaped_rules_and_reasons_stay_inside_block_kit_limits() -> None:
    parts = tuple(Contribution(PING + "r" * 90 + str(n), PING, n, n) for n in range(100))
    changes = [ScoreChange(n, n + 1, PING + "x" * 400, NOW - timedelta(hours=n)) for n in range(30)]
    message = render(explained(ScoreBreakdown(1, parts), changes, name=PING + "Dana"))

    assert len(message.blocks) <= 50
    for block in message.blocks:
        text = block["text"]["text"]
        assert len(text) <= 3000 and "<!channel>" not in text
    assert "<!channel>" not in json.dumps(message.blocks)


def test_the_ready_for_sales_card_names_the_lead_score_and_owner_escaped() -> None:
    lead = {"ref": "L-7", "name": PING + "Dana", "company": "FBI"}
    card = ready_for_sales(
        ReadyForSales.model_validate(
            {"channel": "C1", "lead": lead, "owner": "U0REP0ANN", "score": 72, "sql": 70}
        )
    )

    assert (
        card.text
        == "🔥 Ready for sales: *L-7* &lt;!channel&gt; Dana · FBI, score 72 (SQL 70). Owner: <@U0REP0ANN>."
    )
    assert card.blocks[0]["accessory"]["value"] == "7"
