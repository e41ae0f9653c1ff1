"""What a lead looks like to the predictive score, which closes teach it, and when to retrain."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.lead import Lead
from domain.lifecycle import LeadStatus
from domain.scoring.predictive import (
    ON_DEMAND_LIMIT,
    Engagement,
    Factor,
    History,
    Trained,
    as_percent,
    example_of,
    features,
    outcome,
    retrain_due,
    seniority,
    top_factors,
)

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def lead(**kw: object) -> Lead:
    return Lead(team_id="T1", name="Dana", created_at=NOW, created_by="U1", **kw)  # type: ignore[arg-type]


def test_a_lead_becomes_short_categorical_values_with_engagement_in_bands() -> None:
    seen = features(
        lead(email="dana@fbi.gov", source="  Referral ", country="de", title="VP Sales", product="Pro"),
        Engagement(calls=3, emails=1, meetings=0, last_touch=NOW - timedelta(days=10)),
        NOW,
    )

    assert seen == {
        "source": "referral",
        "campaign": "none",
        "country": "DE",
        "product": "pro",
        "seniority": "vp",
        "email": "company address",
        "phone": "none",
        "calls": "2-3",
        "emails": "1-2",
        "meetings": "none",
        "last_touch": "1-4 weeks ago",
    }


@pytest.mark.parametrize(
    ("title", "band"),
    [
        ("Chief Revenue Officer", "c-level"),
        ("CEO", "c-level"),
        ("Co-founder", "c-level"),
        ("SVP Operations", "vp"),
        ("Head of IT", "director"),
        ("Team Lead", "manager"),
        ("Engineer", "staff"),
        ("", "none"),
        (None, "none"),
    ],
)
def test_titles_fall_into_seniority_bands(title: str | None, band: str) -> None:
    assert seniority(title) == band


def test_free_mail_and_counts_past_the_last_band() -> None:
    seen = features(lead(email="dana@gmail.com", phone="+12025550143"), Engagement(calls=9, meetings=2), NOW)

    assert (seen["email"], seen["phone"], seen["calls"], seen["meetings"], seen["last_touch"]) == (
        "free mail",
        "given",
        "4+",
        "2+",
        "never",
    )


def test_converted_teaches_a_win_lost_a_loss_and_timing_or_open_or_merged_nothing() -> None:
    assert outcome(lead(status=LeadStatus.CONVERTED)) is True
    assert outcome(lead(status=LeadStatus.LOST, lost_reason="price")) is False
    assert outcome(lead(status=LeadStatus.LOST, lost_reason="timing")) is None
    assert outcome(lead(status=LeadStatus.NURTURING)) is None  # reopened: waits for its final outcome
    assert outcome(lead(status=LeadStatus.CONVERTED, merged_into=7)) is None


def test_a_closed_lead_is_seen_as_it_stood_when_it_closed() -> None:
    closed = lead(status=LeadStatus.CONVERTED, closed_at=NOW, sales_team="emea")

    example = example_of(closed, Engagement(calls=1, last_touch=NOW - timedelta(days=2)))

    assert example is not None
    assert (example.won, example.team, example.features["last_touch"]) == (True, "emea", "this week")


def test_factors_read_in_plain_words_with_signed_log_odds() -> None:
    assert str(Factor((("source", "referral"),), 0.84)) == "source: referral +0.8"
    assert str(Factor((("seniority", "vp"), ("product", "enterprise")), -0.42)) == (
        "title: vp with product: enterprise −0.4"
    )


def test_the_top_factors_are_the_strongest_either_way_and_skip_the_negligible() -> None:
    factors = [
        Factor((("source", "ads"),), -0.9),
        Factor((("country", "DE"),), 0.4),
        Factor((("phone", "given"),), 0.01),
        Factor((("source", "ads"), ("country", "DE")), 0.9),
        Factor((("calls", "1"),), 0.2),
    ]

    assert [f.weight for f in top_factors(factors)] == [-0.9, 0.9, 0.4]  # a single value before a pair
    assert top_factors([Factor((("phone", "given"),), 0.01)]) == ()


def test_a_percentage_is_never_0_or_100() -> None:
    assert (as_percent(0.001), as_percent(0.344), as_percent(0.9999)) == (1, 34, 99)


def test_retraining_is_due_when_the_history_changed_at_once_while_small() -> None:
    trained = Trained(closed=40, at=NOW)

    assert retrain_due(History(0, None), None, NOW) is False
    assert retrain_due(History(3, NOW), None, NOW) is True  # first close: store the count
    assert retrain_due(History(40, NOW), trained, NOW) is False  # nothing new
    assert retrain_due(History(41, NOW), trained, NOW) is True
    reclosed = History(40, NOW + timedelta(minutes=1))  # reopened and closed again: same count
    assert retrain_due(reclosed, trained, NOW) is True


def test_a_large_history_waits_for_growth_or_a_day() -> None:
    big = ON_DEMAND_LIMIT * 2
    trained = Trained(closed=big, at=NOW)
    later = NOW + timedelta(hours=3)

    assert retrain_due(History(big + 1, later), trained, later) is False
    assert retrain_due(History(int(big * 1.05), later), trained, later) is True
    assert retrain_due(History(big + 1, later), trained, NOW + timedelta(days=1)) is True
