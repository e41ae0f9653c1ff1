"""The conversion chance on `/lead show` and `/lead probability`, through the real Bolt app."""

import json

from support import ANN, BEN


def card_of(slack, ref: str) -> str:
    return json.dumps(slack.slash(ANN, f"show {ref}").blocks, ensure_ascii=False)


def close(slack, i: int) -> None:
    """Referrals convert, cold calls are lost."""
    source = "referral" if i % 2 == 0 else '"cold call"'
    slack.slash(ANN, f"add Person{i} source:{source}")
    slack.slash(ANN, f"log L-{i + 1} call")
    slack.slash(ANN, f"convert L-{i + 1}" if i % 2 == 0 else f"lost L-{i + 1} price")


def test_the_card_shows_the_chance_and_its_factors_once_30_leads_are_closed(slack) -> None:
    for i in range(29):
        close(slack, i)
    slack.slash(ANN, "add Dana Scully source:referral")  # L-30, open
    assert "*Conversion chance:* not enough history: 29 of 30 closed leads" in card_of(slack, "L-30")

    close(slack, 30)  # L-31, the 30th close

    card = card_of(slack, "L-30")
    assert "*Conversion chance:* " in card and "% — top factors: source: referral +" in card
    assert "Conversion chance" not in card_of(slack, "L-31")  # closed: its outcome is known


def test_a_chance_set_by_hand_replaces_the_models_on_the_card(slack) -> None:
    slack.slash(ANN, "add Dana Scully source:referral")

    reply = slack.slash(ANN, "probability L-1 70%")

    assert "Conversion chance of *L-1* Dana Scully set to 70%" in reply.text
    assert "*Conversion chance:* 70% (set by <@U0REP0ANN>)" in card_of(slack, "L-1")
    assert "not enough history: 0 of 30" in json.dumps(slack.slash(ANN, "probability L-1 auto").blocks)


def test_bad_probabilities_and_other_reps_are_refused_and_change_nothing(slack) -> None:
    slack.slash(ANN, "add Dana Scully")

    assert "is not a chance" in slack.slash(ANN, "probability L-1 likely").text
    assert "A chance is a percentage from 0 to 100, not 150" in slack.slash(ANN, "probability L-1 150").text
    assert "70%" not in slack.slash(BEN, "probability L-1 70").text
    assert "set by" not in card_of(slack, "L-1")
