"""BANT answers: the newest record holds the whole picture, and says what changed."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidInput
from domain.scoring.qualification import answer, changed, summary

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_first_answers_are_recorded_with_who_and_when() -> None:
    first = answer(None, {"budget": "yes", "authority": " VP  Sales "}, "U1", NOW)
    assert (first.budget, first.authority, first.need, first.timeline) == ("yes", "VP Sales", None, None)
    assert (first.answered_by, first.answered_at) == ("U1", NOW)


def test_later_answers_replace_only_what_they_give() -> None:
    first = answer(None, {"budget": "yes", "need": "replace spreadsheets"}, "U1", NOW)
    second = answer(first, {"budget": "no", "timeline": "Q1"}, "U2", NOW + timedelta(days=1))
    assert second.answers() == {
        "budget": "no",
        "authority": None,
        "need": "replace spreadsheets",
        "timeline": "Q1",
    }
    assert changed(first, second) == ("budget", "timeline")


def test_an_empty_answer_clears_it() -> None:
    first = answer(None, {"budget": "yes"}, "U1", NOW)
    assert answer(first, {"budget": ""}, "U1", NOW).budget is None


def test_an_unknown_answer_is_refused_naming_the_four() -> None:
    with pytest.raises(InvalidInput, match="budget, authority, need, timeline"):
        answer(None, {"money": "yes"}, "U1", NOW)


def test_the_summary_lists_the_answers_given() -> None:
    record = answer(None, {"budget": "yes", "timeline": "Q1"}, "U1", NOW)
    assert summary(record) == "budget: yes; timeline: Q1"
