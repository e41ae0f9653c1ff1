"""The lead lifecycle: every allowed move works, every other move is refused with the way out."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.errors import InvalidTransition
from domain.lead import Lead
from domain.lifecycle import OPEN_STATUSES, TRANSITIONS, LeadStatus

CREATED = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
LATER = CREATED + timedelta(hours=1)

ALLOWED = [(src, dst) for src, targets in TRANSITIONS.items() for dst in sorted(targets)]
FORBIDDEN = [
    (src, dst) for src in LeadStatus for dst in LeadStatus if dst not in TRANSITIONS[src] and dst != src
]


def make_lead(**overrides: Any) -> Lead:
    values: dict[str, Any] = {
        "team_id": "T1",
        "name": "Dana Scully",
        "created_at": CREATED,
        "created_by": "U1",
    }
    return Lead(**(values | overrides))


@pytest.mark.parametrize(("current", "target"), ALLOWED, ids=[f"{s}->{t}" for s, t in ALLOWED])
def test_every_allowed_transition_moves_the_lead_and_stamps_the_time(
    current: LeadStatus, target: LeadStatus
) -> None:
    lead = make_lead(status=current)

    lead.move_to(target, LATER)

    assert lead.status is target
    assert lead.updated_at == LATER


@pytest.mark.parametrize(("current", "target"), FORBIDDEN, ids=[f"{s}->{t}" for s, t in FORBIDDEN])
def test_a_forbidden_transition_is_refused_and_leaves_the_lead_alone(
    current: LeadStatus, target: LeadStatus
) -> None:
    lead = make_lead(status=current)

    with pytest.raises(InvalidTransition):
        lead.move_to(target, LATER)

    assert lead.status is current
    assert lead.updated_at is None


def test_refusal_lists_every_status_the_lead_can_move_to() -> None:
    lead = make_lead(status=LeadStatus.QUALIFIED)

    with pytest.raises(InvalidTransition) as refused:
        lead.move_to(LeadStatus.CONTACTED, LATER)

    message = str(refused.value)
    assert "A qualified lead cannot become contacted." in message
    assert "converted, lost, nurturing" in message


def test_every_open_lead_can_be_converted_a_new_one_included() -> None:
    """A buyer who signs on the first call is won, not first logged as contacted."""
    for status in OPEN_STATUSES:
        lead = make_lead(status=status)
        lead.move_to(LeadStatus.CONVERTED, LATER)
        assert lead.status is LeadStatus.CONVERTED


def test_a_converted_lead_is_closed_for_every_move() -> None:
    for target in LeadStatus:
        with pytest.raises(InvalidTransition, match="closed"):
            make_lead(status=LeadStatus.CONVERTED).move_to(target, LATER)


def test_unqualified_lead_goes_to_nurture_not_lost() -> None:
    lead = make_lead(status=LeadStatus.CONTACTED)

    lead.move_to(LeadStatus.NURTURING, LATER)

    assert lead.status is LeadStatus.NURTURING
    assert lead.status in OPEN_STATUSES


def test_a_lost_lead_can_be_reopened_as_new() -> None:
    lead = make_lead(status=LeadStatus.LOST)

    lead.move_to(LeadStatus.NEW, LATER)

    assert lead.status is LeadStatus.NEW


def test_only_converted_and_lost_count_as_closed() -> None:
    assert set(LeadStatus) - OPEN_STATUSES == {LeadStatus.CONVERTED, LeadStatus.LOST}


def test_every_status_has_an_entry_in_the_transition_table() -> None:
    assert set(TRANSITIONS) == set(LeadStatus)
