"""Odoo's naive Bayes, the baseline: counts smoothed by 0.1, per team with a fallback."""

import pytest

from domain.scoring.naive_bayes import fit_naive_bayes
from domain.scoring.predictive import ALL_TEAMS, Example


def history(team: str | None = None) -> list[Example]:
    company = "company address"
    won = [{"source": "referral", "email": company}] * 2 + [{"source": "ads", "email": company}]
    lost = [
        {"source": "referral", "email": "company address"},
        {"source": "ads", "email": "free mail"},
        {"source": "ads", "email": "free mail"},
    ]
    return [Example(f, team, True) for f in won] + [Example(f, team, False) for f in lost]


def test_probability_matches_the_hand_calculation_with_0_1_smoothing() -> None:
    model = fit_naive_bayes(history())

    # source: referral won 2, lost 1; ads won 1, lost 2. Totals per field include the
    # smoothing: won 2.1 + 1.1 = 3.2, lost 1.1 + 2.1 = 3.2; the prior is 3 won to 3 lost.
    referral = model.predict({"source": "referral"}, None).probability
    assert referral == pytest.approx((2.1 / 3.2) / (2.1 / 3.2 + 1.1 / 3.2))
    # email: company won 3, lost 1; free won 0 (0.1 smoothed), lost 2.
    both = model.predict({"source": "referral", "email": "free mail"}, None).probability
    assert both == pytest.approx((2.1 * 0.1) / (2.1 * 0.1 + 1.1 * 2.1))


def test_a_missing_value_is_skipped_but_a_missing_email_or_phone_is_counted() -> None:
    model = fit_naive_bayes(history())

    unsourced = model.predict({"source": "none", "email": "company address"}, None).probability

    assert unsourced == pytest.approx(3.1 / (3.1 + 1.1))


def test_an_unseen_value_changes_nothing() -> None:
    model = fit_naive_bayes(history())

    assert model.predict({"source": "trade fair"}, None).probability == pytest.approx(0.5)


def test_factors_are_each_values_log_ratio() -> None:
    model = fit_naive_bayes(history())

    [factor, _] = model.predict({"source": "referral", "email": "company address"}, None).factors

    assert str(factor) == "email: company address +1.0"  # log((3.1/3.2) / (1.1/3.2))


def test_a_team_with_30_closes_is_counted_alone_and_a_smaller_one_falls_back() -> None:
    big, small = history("emea") * 5, history("apac")

    model = fit_naive_bayes(big + small)

    assert set(model.scopes) == {ALL_TEAMS, "emea"}
    assert model.predict({"source": "ads"}, "emea").scope == "emea"
    assert model.predict({"source": "ads"}, "apac").scope == ALL_TEAMS
