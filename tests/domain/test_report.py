"""The report's period words and the figures it derives."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import InvalidInput
from domain.reporting.digest import Tally
from domain.reporting.report import PipelineReport, period_days

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("word", "days"),
    [
        ("7d", 7),
        ("90D", 90),
        ("1d", 1),
        ("366d", 366),
        ("week", 7),
        ("Month", 30),
        ("quarter", 91),
        ("year", 365),
    ],
)
def test_periods_are_days_or_words(word, days):
    assert period_days(word) == days


@pytest.mark.parametrize("word", ["ldn", "d", "7", "7days", "1000d", "-7d"])
def test_anything_else_is_not_a_period(word):
    assert period_days(word) is None


@pytest.mark.parametrize("word", ["0d", "367d"])
def test_a_period_out_of_range_says_what_is_allowed(word):
    with pytest.raises(InvalidInput, match="1 to 366 days"):
        period_days(word)


def report(**changes) -> PipelineReport:
    values = {
        "scope": "Sales",
        "days": 30,
        "since": NOW - timedelta(days=30),
        "until": NOW,
        "captured": 5,
        "captured_by_status": (Tally("new", 3), Tally("converted", 2)),
        "by_source": (),
        "won": 3,
        "won_value": Decimal("1500"),
        "lost_by_reason": (Tally("price", 1), Tally("timing", 2)),
        "by_rep": (),
        "open_now": 3,
        "unassigned_now": 1,
        "first_contact_minutes": (5.0, 30.0, 600.0),
    }
    return PipelineReport(**{**values, **changes})


def test_win_rate_is_won_among_the_leads_closed_in_the_period():
    assert report().win_rate == 0.5
    assert report(won=0, lost_by_reason=()).win_rate is None


def test_the_cohort_converted_and_the_median_first_contact():
    found = report()
    assert (found.lost, found.converted) == (3, 2)
    assert found.median_first_contact == timedelta(minutes=30)
    assert report(first_contact_minutes=()).median_first_contact is None
