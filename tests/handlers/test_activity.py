"""Notes and logged touches: appended to the timeline, once, by whoever may work the lead."""

import pytest
from support import BEN, MIA, context_of

from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from domain.errors import InvalidInput, PermissionDenied
from domain.followups.activity import ActivityKind
from domain.lifecycle import LeadStatus
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead, AddNote, LogActivity
from handlers.context import Context
from handlers.followups.activity import add_note, log_activity
from store.unit_of_work import UowFactory

L1 = 1


@pytest.fixture
def lead_of_ann(uow_factory: UowFactory, ann: Context) -> int:
    return add_lead(AddLead(name="Dana Scully"), uow_factory(), ann).lead.number


def timeline(uow_factory: UowFactory, number: int = L1) -> list[tuple[str, str]]:
    with uow_factory() as uow:
        lead = uow.leads.get(CONSOLE_WORKSPACE, number)
        assert lead is not None
        return [(str(a.kind), a.body) for a in uow.activities.latest(lead, 50)]


def status(uow_factory: UowFactory, number: int = L1) -> LeadStatus:
    with uow_factory() as uow:
        lead = uow.leads.get(CONSOLE_WORKSPACE, number)
        assert lead is not None
        return lead.status


def log(kind: ActivityKind, text: str = "", key: str | None = None) -> LogActivity:
    return LogActivity(number=L1, kind=kind, text=text, request_key=key)


def test_a_note_is_appended_to_the_timeline(uow_factory: UowFactory, ann: Context, lead_of_ann: int) -> None:
    result = add_note(AddNote(number=lead_of_ann, text="  prefers   email "), uow_factory(), ann)

    assert (result.activity.kind, result.activity.body) == (ActivityKind.NOTE, "prefers email")
    assert timeline(uow_factory)[0] == ("note", "prefers email")


def test_a_note_does_not_mark_a_new_lead_contacted(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int
) -> None:
    add_note(AddNote(number=lead_of_ann, text="found on LinkedIn"), uow_factory(), ann)

    assert status(uow_factory) is LeadStatus.NEW


@pytest.mark.parametrize("kind", [ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING])
def test_logging_a_touch_marks_a_new_lead_contacted(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int, kind: ActivityKind
) -> None:
    result = log_activity(log(kind, "spoke briefly"), uow_factory(), ann)

    assert result.lead.status == "contacted"
    assert status(uow_factory) is LeadStatus.CONTACTED
    assert timeline(uow_factory)[0] == (str(kind), "spoke briefly")


def test_logging_on_a_contacted_lead_keeps_it_contacted(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int
) -> None:
    log_activity(log(ActivityKind.CALL), uow_factory(), ann)
    log_activity(log(ActivityKind.EMAIL, "sent deck"), uow_factory(), ann)

    assert status(uow_factory) is LeadStatus.CONTACTED
    assert [kind for kind, _ in timeline(uow_factory)] == ["email", "call", "system"]


def test_the_same_log_request_twice_logs_once(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int
) -> None:
    first = log_activity(log(ActivityKind.CALL, "rang", key="click-1"), uow_factory(), ann)
    again = log_activity(log(ActivityKind.CALL, "rang", key="click-1"), uow_factory(), ann)

    assert not first.already_recorded
    assert again.already_recorded
    assert timeline(uow_factory) == [("call", "rang"), ("system", "Captured from slash command")]


def test_different_request_keys_log_twice(uow_factory: UowFactory, ann: Context, lead_of_ann: int) -> None:
    log_activity(log(ActivityKind.CALL, "rang", key="click-1"), uow_factory(), ann)
    log_activity(log(ActivityKind.CALL, "rang again", key="click-2"), uow_factory(), ann)

    assert len(timeline(uow_factory)) == 3


def test_another_rep_cannot_add_to_the_lead_and_nothing_changes(
    uow_factory: UowFactory, lead_of_ann: int, config: LeadbotConfig
) -> None:
    ben = context_of(config, BEN)

    with pytest.raises(PermissionDenied):
        add_note(AddNote(number=lead_of_ann, text="mine now"), uow_factory(), ben)
    with pytest.raises(PermissionDenied):
        log_activity(log(ActivityKind.CALL), uow_factory(), ben)

    assert timeline(uow_factory) == [("system", "Captured from slash command")]
    assert status(uow_factory) is LeadStatus.NEW


def test_the_manager_may_log_on_a_reps_lead(
    uow_factory: UowFactory, lead_of_ann: int, config: LeadbotConfig
) -> None:
    log_activity(log(ActivityKind.MEETING, "demo"), uow_factory(), context_of(config, MIA))

    assert timeline(uow_factory)[0] == ("meeting", "demo")


def test_a_note_with_control_characters_is_refused_and_not_stored(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int
) -> None:
    with pytest.raises(InvalidInput, match="control characters"):
        add_note(AddNote(number=lead_of_ann, text="bell\x07"), uow_factory(), ann)

    assert timeline(uow_factory) == [("system", "Captured from slash command")]
