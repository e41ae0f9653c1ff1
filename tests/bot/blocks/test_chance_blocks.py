"""The conversion chance line of the lead card: plain words, escaped values."""

from bot.blocks.chance import chance_fact
from domain.scoring.predictive import Factor
from handlers.results import ChanceView


def test_a_prediction_reads_as_a_percentage_and_its_top_factors() -> None:
    chance = ChanceView(
        34,
        (Factor((("source", "referral"),), 0.81), Factor((("country", "DE"), ("source", "webinar")), -0.44)),
        history=120,
    )

    assert chance_fact(chance) == (
        "*Conversion chance:* 34% — top factors: source: referral +0.8, country: DE with source: webinar −0.4"
    )


def test_values_people_typed_are_escaped() -> None:
    line = chance_fact(ChanceView(50, (Factor((("source", "<!channel> & co"),), 1.0),)))

    assert line is not None and "&lt;!channel&gt; &amp; co" in line and "<!channel>" not in line


def test_not_enough_history_a_hand_set_chance_and_a_closed_lead() -> None:
    assert chance_fact(ChanceView(None, history=12)) == (
        "*Conversion chance:* not enough history: 12 of 30 closed leads"
    )
    assert chance_fact(ChanceView(70, set_by="U0REP0ANN")) == "*Conversion chance:* 70% (set by <@U0REP0ANN>)"
    assert chance_fact(None) is None
