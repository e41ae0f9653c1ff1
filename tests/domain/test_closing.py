"""Closing rules: deal amounts, configured lost reasons, reopen, and the closed-lead guard."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from domain.closing.outcomes import (
    DEFAULT_LOST_REASONS,
    convert,
    mark_lost,
    parse_amount,
    reopen,
    require_open,
    split_reason,
)
from domain.config import LeadbotConfig, parse_config
from domain.errors import ConfigError, InvalidInput, InvalidTransition
from domain.lead import Lead
from domain.lifecycle import LeadStatus

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
REASONS = DEFAULT_LOST_REASONS


def lead(status: LeadStatus = LeadStatus.CONTACTED, **overrides: Any) -> Lead:
    values: dict[str, Any] = {"team_id": "T1", "name": "Dana Scully", "created_at": NOW, "created_by": "U1"}
    return Lead(status=status, number=12, **(values | overrides))


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12000", "12000.00"),
        ("12,000", "12000.00"),
        ("$12k", "12000.00"),
        ("1.5m", "1500000.00"),
        ("99.999", "100.00"),
        ("€0", "0.00"),
    ],
)
def test_deal_amounts_are_read_as_people_write_them(typed: str, amount: str) -> None:
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["abc", "-5", "12 dollars", "", "1e5", "2000000000000"])
def test_anything_else_is_not_an_amount_and_says_how_to_write_one(typed: str) -> None:
    with pytest.raises(InvalidInput, match="value:12000"):
        parse_amount(typed)


def test_a_reason_is_matched_loosely_and_the_rest_is_the_note() -> None:
    assert split_reason("Price", "too dear", REASONS) == ("price", "too dear")
    assert split_reason("no", "decision maker at all", REASONS) == ("no-decision-maker", "at all")
    assert split_reason("bad_fit", None, REASONS) == ("bad-fit", None)


def test_an_unknown_reason_lists_the_valid_ones_with_a_guess() -> None:
    with pytest.raises(InvalidInput) as refused:
        split_reason("pricey", None, REASONS)
    assert "Did you mean `price`?" in str(refused.value)
    assert ", ".join(REASONS) in str(refused.value)


def test_no_reason_at_all_says_how_to_give_one() -> None:
    with pytest.raises(InvalidInput, match="Say why the lead was lost"):
        split_reason("", None, REASONS)


def test_other_needs_a_note_and_nothing_changes_without_one() -> None:
    subject = lead()
    with pytest.raises(InvalidInput, match="needs a note"):
        mark_lost(subject, reason="other", note="", reasons=REASONS, now=NOW)
    assert subject.status is LeadStatus.CONTACTED and subject.lost_reason is None


def test_losing_records_the_reason_note_and_time() -> None:
    subject = lead()
    mark_lost(subject, reason="other", note="went in-house", reasons=REASONS, now=NOW)
    assert (subject.status, subject.lost_reason, subject.lost_note) == (
        LeadStatus.LOST,
        "other",
        "went in-house",
    )
    assert subject.closed_at == NOW


def test_converting_carries_the_deal_and_defaults_the_product_to_the_leads_interest() -> None:
    subject = lead(product="Pro plan")
    convert(subject, value=Decimal("12000"), product=None, contact_id=7, now=NOW)
    assert (subject.status, subject.deal_value, subject.deal_product) == (
        LeadStatus.CONVERTED,
        Decimal("12000"),
        "Pro plan",
    )
    assert (subject.contact_id, subject.closed_at) == (7, NOW)


def test_a_lead_nobody_contacted_yet_converts_on_the_first_call() -> None:
    subject = lead(LeadStatus.NEW)
    convert(subject, value=Decimal("900"), product=None, contact_id=1, now=NOW)
    assert (subject.status, subject.deal_value, subject.closed_at) == (
        LeadStatus.CONVERTED,
        Decimal("900.00"),
        NOW,
    )


def test_reopen_brings_a_lost_lead_to_nurture_and_forgets_why_it_was_lost() -> None:
    subject = lead(LeadStatus.LOST, lost_reason="price", lost_note="too dear", closed_at=NOW)
    reopen(subject, None, NOW)
    assert subject.status is LeadStatus.NURTURING
    assert (subject.lost_reason, subject.lost_note, subject.closed_at) == (None, None, None)


def test_reopen_can_start_over_as_new() -> None:
    subject = lead(LeadStatus.LOST)
    reopen(subject, LeadStatus.NEW, NOW)
    assert subject.status is LeadStatus.NEW


@pytest.mark.parametrize(
    ("status", "message"),
    [(LeadStatus.CONTACTED, "not lost"), (LeadStatus.CONVERTED, "closed")],
)
def test_only_a_lost_lead_can_be_reopened(status: LeadStatus, message: str) -> None:
    with pytest.raises(InvalidTransition, match=message):
        reopen(lead(status), None, NOW)


@pytest.mark.parametrize(
    ("status", "way_out"),
    [(LeadStatus.LOST, "/lead reopen L-12"), (LeadStatus.CONVERTED, "comes in as a new lead")],
)
def test_a_closed_lead_is_refused_with_the_way_out(status: LeadStatus, way_out: str) -> None:
    with pytest.raises(InvalidTransition, match=way_out):
        require_open(lead(status))


def test_the_default_config_has_the_standard_lost_reasons() -> None:
    assert LeadbotConfig().lost_reasons == REASONS


@pytest.mark.parametrize(
    ("reasons", "problem"),
    [([], "at least one"), (["Price"], "not a reason key"), (["price", "price"], "unique")],
)
def test_bad_lost_reasons_stop_the_config_naming_the_key(reasons: list[str], problem: str) -> None:
    with pytest.raises(ConfigError, match=f"lost_reasons.*{problem}"):
        parse_config({"lost_reasons": reasons}, "leadbot.toml")
