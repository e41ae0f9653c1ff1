"""Cadences beyond the command: stop on convert, long-term nurture for leads not ready yet,
steps that wait for working hours, and quiet leads flagged once a day."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from support import ANN, BEN, context_of

from domain.config import LeadbotConfig, SalesTeam
from domain.delivery.messages import MessageKind
from domain.errors import InvalidInput
from domain.followups.reminder import ReminderStatus
from domain.nurture.cadence import Cadence, CadenceStep
from handlers.commands import (
    AddLead,
    CaptureChannel,
    ConvertLead,
    EnrollLead,
    LogActivity,
    LoseLead,
    MergeLeads,
    SetReminder,
    StopNurture,
    UndoMerge,
)
from handlers.nurture.jobs import flag_quiet_leads, hold_steps_outside_hours
from handlers.registry import dispatch
from store.tables import OutboxRow, ReminderRow

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # London on GMT: 10:00 local
TWO_STEPS = Cadence(
    name="quick",
    steps=(
        CadenceStep(day=1, channel="call", template="Call"),
        CadenceStep(day=3, channel="email", template="Mail"),
    ),
)
LONG = Cadence(name="long-term", steps=(CadenceStep(day=30, channel="email", template="Check in"),))


@pytest.fixture
def config() -> LeadbotConfig:
    team = SalesTeam(key="ldn", name="London", channel="C0LDN", timezone="Europe/London", members=(ANN,))
    return LeadbotConfig(
        teams=(team,), admins=("U0ADM0ADA",), cadences=(TWO_STEPS, LONG), long_term_cadence="long-term"
    )


@pytest.fixture
def run(uow_factory, config):
    def command(cmd, at: datetime = MONDAY, user: str = ANN):
        return dispatch(cmd, uow_factory(), context_of(config, user, now=at))

    return command


def reminders(uow_factory) -> list[tuple[str, str, datetime]]:
    """(which step, or the text of a plain reminder; status; due) of every reminder, in order."""
    with uow_factory() as uow:
        rows = uow.session.scalars(sa.select(ReminderRow).order_by(ReminderRow.id))
        return [(r.text.split("]")[0].lstrip("["), r.status, r.due_at) for r in rows]


def outbox(uow_factory) -> list[tuple[str, str, dict]]:
    with uow_factory() as uow:
        rows = uow.session.scalars(sa.select(OutboxRow).order_by(OutboxRow.id))
        return [(r.kind, r.dedupe_key, r.payload) for r in rows]


def test_converting_a_lead_cancels_its_waiting_steps(run, uow_factory):
    run(AddLead(name="Dana Scully"))
    run(LogActivity(number=1, kind="call"), at=MONDAY - timedelta(hours=1))  # contacted: convertible
    run(EnrollLead(number=1, cadence="quick"))
    run(LogActivity(number=1, kind="note", text="a note is not a reply"))
    assert {status for _, status, _ in reminders(uow_factory)} == {ReminderStatus.PENDING}

    run(ConvertLead(number=1), at=MONDAY + timedelta(hours=1))

    assert {status for _, status, _ in reminders(uow_factory)} == {ReminderStatus.CANCELLED}


def test_a_lead_lost_for_timing_enters_long_term_nurture_instead_of_the_bin(run, uow_factory):
    run(AddLead(name="Dana Scully"))
    run(EnrollLead(number=1, cadence="quick"))

    run(LoseLead(number=1, reason="timing", note="next fiscal year"), at=MONDAY + timedelta(hours=1))

    found = reminders(uow_factory)
    assert [(name, status) for name, status, _ in found] == [
        ("quick 1/2, day 1", ReminderStatus.CANCELLED),
        ("quick 2/2, day 3", ReminderStatus.CANCELLED),
        ("long-term 1/1, day 30", ReminderStatus.PENDING),
    ]
    assert found[-1][2] == datetime(2026, 12, 23, 9, 0, tzinfo=UTC)  # a Wednesday, 09:00 London


def test_a_lead_lost_to_a_competitor_gets_no_long_term_cadence(run, uow_factory):
    run(AddLead(name="Dana Scully"))
    run(LoseLead(number=1, reason="competitor"))
    assert reminders(uow_factory) == []


def test_a_merged_leads_cadence_goes_on_for_the_kept_lead_and_stops_with_it(run, uow_factory):
    run(AddLead(name="Dana Scully", email="dana@fbi.gov"))
    run(LogActivity(number=1, kind="call"), at=MONDAY - timedelta(hours=1))  # contacted: convertible
    run(AddLead(name="D. Scully", phone="+1 202 555 0143"))
    run(EnrollLead(number=2, cadence="quick"))

    run(MergeLeads(duplicate=2, keep=1))
    run(ConvertLead(number=1), at=MONDAY + timedelta(hours=1))  # stops the cadence it took over
    assert {status for _, status, _ in reminders(uow_factory)} == {ReminderStatus.CANCELLED}


def test_undoing_a_merge_gives_the_cadence_back(run, uow_factory):
    run(AddLead(name="Dana Scully", email="dana@fbi.gov"))
    run(AddLead(name="D. Scully", phone="+1 202 555 0143"))
    run(EnrollLead(number=2, cadence="quick"))
    run(MergeLeads(duplicate=2, keep=1))
    with pytest.raises(InvalidInput, match="L-1 is already in cadence quick"):
        run(EnrollLead(number=1, cadence="long-term"))

    run(UndoMerge(number=2), user="U0ADM0ADA")

    run(EnrollLead(number=1, cadence="long-term"))
    stopped = run(StopNurture(number=2))
    assert stopped.cancelled == 2


def test_merging_two_leads_in_cadences_keeps_only_the_kept_leads_steps(run, uow_factory):
    run(AddLead(name="Dana Scully", email="dana@fbi.gov"))
    run(AddLead(name="D. Scully", phone="+1 202 555 0143"))
    run(EnrollLead(number=1, cadence="long-term"))
    run(EnrollLead(number=2, cadence="quick"))

    run(MergeLeads(duplicate=2, keep=1))

    assert [(name, status) for name, status, _ in reminders(uow_factory)] == [
        ("long-term 1/1, day 30", ReminderStatus.PENDING),
        ("quick 1/2, day 1", ReminderStatus.CANCELLED),
        ("quick 2/2, day 3", ReminderStatus.CANCELLED),
    ]
    with uow_factory() as uow:
        kept = uow.leads.get("T0CONSOLE", 1)
        timeline = [activity.body for activity in uow.activities.latest(kept, 20)]
    assert "Cadence quick stopped: merged into L-1, already in a cadence" in timeline


def step_owners(uow_factory) -> list[tuple[str, str, str]]:
    """(step, owner reminded, status) of every cadence step."""
    with uow_factory() as uow:
        rows = uow.session.scalars(sa.select(ReminderRow).order_by(ReminderRow.id))
        return [(r.text.split("]")[0].lstrip("["), r.user_id, r.status) for r in rows]


def test_a_cadence_merged_into_another_reps_lead_reminds_that_rep_and_goes_back_on_undo(run, uow_factory):
    run(AddLead(name="Dana Scully", email="dana@fbi.gov"))  # Ann's
    run(AddLead(name="D. Scully", phone="+1 202 555 0143"), user=BEN)
    run(EnrollLead(number=2, cadence="quick"), user=BEN)

    run(MergeLeads(duplicate=2, keep=1), user="U0ADM0ADA")
    assert {(owner, status) for _, owner, status in step_owners(uow_factory)} == {
        (ANN, ReminderStatus.PENDING)
    }

    run(UndoMerge(number=2), user="U0ADM0ADA")
    assert {(owner, status) for _, owner, status in step_owners(uow_factory)} == {
        (BEN, ReminderStatus.PENDING)
    }


def test_a_lead_nobody_owns_cannot_be_enrolled(run, config):
    run(AddLead(name="Web Lead", channel=CaptureChannel.WEBHOOK, sales_team="ldn"), user="web form")
    with pytest.raises(InvalidInput, match="L-1 has no owner yet"):
        run(EnrollLead(number=1), user="U0ADM0ADA")


def test_a_step_due_while_its_owner_is_off_work_waits_but_an_explicit_reminder_does_not(
    run, uow_factory, config
):
    run(AddLead(name="Dana Scully"))
    run(EnrollLead(number=1, cadence="quick"))  # day 1: Tuesday 09:00 London
    run(SetReminder(number=1, due_at=datetime(2026, 11, 24, 20, 0, tzinfo=UTC), text="evening call"))
    evening = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)  # Leadbot was down from 08:00 to 20:00

    assert hold_steps_outside_hours(evening, uow_factory, config) == 1

    found = {name: due for name, _, due in reminders(uow_factory)}
    assert found["quick 1/2, day 1"] == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # Wednesday's start
    assert found["evening call"] == evening


def test_quiet_leads_are_flagged_to_their_owner_once_a_day(run, uow_factory, config):
    run(AddLead(name="Gone Cold"), at=MONDAY - timedelta(days=30))
    run(AddLead(name="Touched", email="t@example.com"), at=MONDAY - timedelta(days=30))
    run(LogActivity(number=2, kind="call"), at=MONDAY - timedelta(days=2))

    for at in (MONDAY, MONDAY + timedelta(hours=1)):
        flag_quiet_leads(at, uow_factory, config)

    [(_, key, payload)] = [r for r in outbox(uow_factory) if r[0] == MessageKind.QUIET_LEADS]
    assert payload["user"] == ANN
    assert [lead["ref"] for lead in payload["leads"]] == ["L-1"]
    assert key == "quiet:T0CONSOLE:U0REP0ANN:2026-11-23"
