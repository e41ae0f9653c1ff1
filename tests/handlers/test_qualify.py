"""Qualification: BANT answers kept with who and when, audited, once per request."""

from datetime import timedelta

import pytest
from closing_support import audit_actions, contacted_lead, stored, timeline
from support import BEN, MIA, NOW, context_of

from domain.config import LeadbotConfig
from domain.errors import InvalidInput, InvalidTransition, PermissionDenied
from domain.lifecycle import LeadStatus
from handlers.closing.outcomes import lose_lead
from handlers.commands import LoseLead, OpenQualification, QualifyLead
from handlers.context import Context
from handlers.scoring.qualify import open_qualification, qualify_lead
from store.unit_of_work import UowFactory


def qualify(uow_factory: UowFactory, ctx: Context, number: int = 1, key: str | None = None, **answers: str):
    return qualify_lead(QualifyLead(number=number, answers=answers, request_key=key), uow_factory(), ctx)


def history(uow_factory: UowFactory, number: int = 1):
    with uow_factory() as uow:
        return uow.qualifications.history(stored(uow_factory, number))


def test_answers_are_stored_with_who_and_when_and_the_status_stays(uow_factory, ann) -> None:
    contacted_lead(uow_factory, ann)

    result = qualify(uow_factory, ann, budget="yes", authority="VP Sales", need="replace spreadsheets")

    assert result.changed == ("budget", "authority", "need")
    [record] = history(uow_factory)
    assert (record.budget, record.authority, record.need, record.timeline) == (
        "yes",
        "VP Sales",
        "replace spreadsheets",
        None,
    )
    assert (record.answered_by, record.answered_at) == (ann.actor.user_id, NOW)
    assert stored(uow_factory, 1).status is LeadStatus.CONTACTED  # scoring decides qualified


def test_every_change_is_kept_and_the_latest_holds_the_whole_picture(uow_factory, ann, config) -> None:
    contacted_lead(uow_factory, ann)
    qualify(uow_factory, ann, budget="yes", need="replace spreadsheets")
    later = context_of(config, ann.actor.user_id, NOW + timedelta(days=2))

    qualify(uow_factory, later, budget="no", timeline="Q1")

    latest, first = history(uow_factory)
    assert latest.answers() == {
        "budget": "no",
        "authority": None,
        "need": "replace spreadsheets",
        "timeline": "Q1",
    }
    assert (first.budget, latest.answered_at) == ("yes", later.now)


def test_qualification_is_on_the_timeline_and_in_the_audit_log_with_before_and_after(
    uow_factory, ann
) -> None:
    contacted_lead(uow_factory, ann)
    qualify(uow_factory, ann, budget="yes")
    qualify(uow_factory, ann, timeline="Q1")

    assert "Qualification (BANT): budget: yes; timeline: Q1" in timeline(uow_factory, 1)
    entries = [e for e in audit_actions(uow_factory, "L-1") if e[0] == "lead.qualified"]
    assert entries[0][1] is None and entries[0][2]["bant"]["budget"] == "yes"
    assert entries[1][1]["bant"]["timeline"] is None and entries[1][2]["bant"]["timeline"] == "Q1"


def test_the_same_request_twice_records_once(uow_factory, ann) -> None:
    contacted_lead(uow_factory, ann)

    first = qualify(uow_factory, ann, key="trigger-1", budget="yes")
    second = qualify(uow_factory, ann, key="trigger-1", budget="yes")

    assert not first.repeated and second.repeated
    assert len(history(uow_factory)) == 1


def test_answers_that_change_nothing_record_nothing(uow_factory, ann) -> None:
    contacted_lead(uow_factory, ann)
    qualify(uow_factory, ann, budget="yes")

    again = qualify(uow_factory, ann, budget="yes")

    assert again.changed == () and len(history(uow_factory)) == 1


def test_a_rep_cannot_qualify_another_reps_lead_but_their_manager_can(uow_factory, ann, config) -> None:
    contacted_lead(uow_factory, ann)

    with pytest.raises(PermissionDenied):
        qualify(uow_factory, context_of(config, BEN), budget="yes")
    qualify(uow_factory, context_of(config, MIA), budget="yes")

    assert [q.answered_by for q in history(uow_factory)] == [MIA]


def test_a_lost_lead_is_reopened_before_it_is_qualified(uow_factory, ann) -> None:
    contacted_lead(uow_factory, ann)
    lose_lead(LoseLead(number=1, reason="price"), uow_factory(), ann)

    with pytest.raises(InvalidTransition, match="reopen"):
        qualify(uow_factory, ann, budget="yes")
    with pytest.raises(InvalidTransition):
        open_qualification(OpenQualification(number=1), uow_factory(), ann)
    assert history(uow_factory) == []


def test_an_overlong_answer_is_refused_naming_it(uow_factory, ann) -> None:
    contacted_lead(uow_factory, ann)

    with pytest.raises(InvalidInput) as refused:
        qualify(uow_factory, ann, need="x" * 501)

    assert refused.value.field == "need" and history(uow_factory) == []


def test_the_form_opens_with_the_latest_answers(uow_factory, ann: Context, config: LeadbotConfig) -> None:
    contacted_lead(uow_factory, ann)
    qualify(uow_factory, ann, budget="yes", authority="VP Sales")

    draft = open_qualification(OpenQualification(number=1), uow_factory(), ann)

    assert draft.latest is not None and draft.latest.authority == "VP Sales"
    with pytest.raises(PermissionDenied):
        open_qualification(OpenQualification(number=1), uow_factory(), context_of(config, BEN))
