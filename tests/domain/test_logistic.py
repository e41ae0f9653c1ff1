"""Leadbot's predictive model: it learns a planted signal, sees pairs naive Bayes cannot,
explains itself, pools small teams into all teams, and survives a JSON round trip."""

import random

import pytest

from domain.scoring.logistic import LogisticModel, Weights, fit_logistic
from domain.scoring.naive_bayes import fit_naive_bayes
from domain.scoring.predictive import ALL_TEAMS, Example

RATES = {"referral": 0.8, "web form": 0.5, "cold call": 0.2}


def planted(n: int, seed: int = 1, team: str | None = None, rates: dict[str, float] = RATES) -> list[Example]:
    """Source decides the odds; country is noise."""
    rng = random.Random(seed)
    examples = []
    for _ in range(n):
        source = rng.choice(list(rates))
        features = {"source": source, "country": rng.choice(["DE", "US", "FR"])}
        examples.append(Example(features, team, rng.random() < rates[source]))
    return examples


def test_it_learns_a_planted_signal_with_calibrated_probabilities() -> None:
    model = fit_logistic(planted(900))

    chances = {s: model.predict({"source": s, "country": "DE"}, None).probability for s in RATES}

    assert chances["referral"] > chances["web form"] > chances["cold call"]
    for source, rate in RATES.items():
        assert chances[source] == pytest.approx(rate, abs=0.08)


def test_the_top_factor_is_the_planted_one_in_plain_words() -> None:
    model = fit_logistic(planted(900))

    prediction = model.predict({"source": "referral", "country": "US"}, None)

    assert str(prediction.factors[0]).startswith("source: referral +")
    assert prediction.factors[0].weight > 0.5
    assert all(abs(f.weight) < abs(prediction.factors[0].weight) for f in prediction.factors[1:])
    assert str(model.predict({"source": "cold call"}, None).factors[0]).startswith("source: cold call −")


def test_it_sees_a_pair_of_values_that_naive_bayes_cannot() -> None:
    """Enterprise sells to VPs and Starter to staff: each value alone says nothing."""
    rng = random.Random(3)
    examples = []
    for _ in range(1600):
        product, title = rng.choice(["enterprise", "starter"]), rng.choice(["vp", "staff"])
        fits = (product == "enterprise") == (title == "vp")
        won = rng.random() < (0.9 if fits else 0.1)
        examples.append(Example({"product": product, "seniority": title}, None, won))

    ours, baseline = fit_logistic(examples), fit_naive_bayes(examples)

    good, bad = {"product": "enterprise", "seniority": "vp"}, {"product": "enterprise", "seniority": "staff"}
    assert ours.predict(good, None).probability > 0.7 and ours.predict(bad, None).probability < 0.3
    assert 0.4 < baseline.predict(good, None).probability < 0.6
    assert 0.4 < baseline.predict(bad, None).probability < 0.6
    assert str(ours.predict(good, None).factors[0]).startswith("product: enterprise with title: vp +")


def test_a_team_with_30_closes_gets_its_own_weights_and_a_smaller_one_falls_back() -> None:
    """In emea referrals do badly; apac is too small to be told apart from everyone."""
    emea = planted(400, seed=2, team="emea", rates={"referral": 0.2, "web form": 0.5, "cold call": 0.2})
    others = planted(800, seed=4, team="na") + planted(20, seed=5, team="apac")

    model = fit_logistic(emea + others)

    assert set(model.scopes) == {ALL_TEAMS, "emea", "na"}
    referral = {"source": "referral", "country": "DE"}
    assert model.predict(referral, "apac").scope == ALL_TEAMS
    assert model.predict(referral, "emea").probability < 0.35 < model.predict(referral, "na").probability
    assert (model.scopes["emea"].n, model.scopes[ALL_TEAMS].n) == (400, 1220)


def test_weights_survive_a_json_round_trip() -> None:
    model = fit_logistic(planted(300))
    stored = {scope: Weights.from_json(w.to_json()) for scope, w in model.scopes.items()}

    features = {"source": "referral", "country": "FR"}
    again = LogisticModel(stored).predict(features, None)

    assert again.probability == pytest.approx(model.predict(features, None).probability, abs=1e-3)
    assert [f.parts for f in again.factors] == [f.parts for f in model.predict(features, None).factors]


def test_one_class_only_still_gives_a_bounded_answer() -> None:
    model = fit_logistic([Example({"source": "referral"}, None, True)] * 30)

    assert 0.5 < model.predict({"source": "referral"}, None).probability < 1.0
