"""Done, Snooze and Log call on a follow-up, and `/lead tasks`: who may, what changes, once."""

from datetime import datetime, timedelta

import pytest
from support import ADA, BEN, MIA, NOW, context_of

from domain.config import LeadbotConfig
from domain.errors import NotFound, PermissionDenied
from domain.followups.reminder import Reminder, ReminderStatus
from domain.lifecycle import LeadStatus
from handlers.capture.pipeline import add_lead
from handlers.commands import (
    AddLead,
    CompleteReminder,
    ListTasks,
    LogReminderCall,
    SetReminder,
    SnoozeReminder,
)
from handlers.context import Context
from handlers.delivery.deliver import queue_due_reminders
from handlers.followups.actions import complete_reminder, log_reminder_call, snooze_reminder
from handlers.followups.remind import set_reminder
from handlers.followups.tasks import list_tasks
from store.unit_of_work import UowFactory

LATER = NOW + timedelta(days=2)


@pytest.fixture
def lead_of_ann(uow_factory: UowFactory, ann: Context) -> int:
    return add_lead(AddLead(name="Dana Scully"), uow_factory(), ann).lead.number


def remind(uow_factory: UowFactory, ctx: Context, after: timedelta, text: str = "call back") -> Reminder:
    cmd = SetReminder(number=1, due_at=NOW + after, text=text)
    return set_reminder(cmd, uow_factory(), ctx).reminder


def stored(uow_factory: UowFactory, reminder: Reminder) -> Reminder:
    with uow_factory() as uow:
        found = uow.reminders.get(reminder.team_id, reminder.id or 0)
    assert found is not None
    return found


def at(config: LeadbotConfig, user: str, when: datetime = LATER) -> Context:
    return context_of(config, user, now=when)


def snooze(reminder: Reminder, until: datetime, key: str | None = "click-1") -> SnoozeReminder:
    return SnoozeReminder(reminder_id=reminder.id or 0, until=until, tz="UTC", request_key=key)


def test_done_records_who_and_when_and_a_repeat_keeps_the_first(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig, lead_of_ann: int
) -> None:
    reminder = remind(uow_factory, ann, timedelta(hours=1))
    first = complete_reminder(
        CompleteReminder(reminder_id=reminder.id or 0), uow_factory(), at(config, ann.actor.user_id)
    )
    again = complete_reminder(
        CompleteReminder(reminder_id=reminder.id or 0),
        uow_factory(),
        at(config, MIA, LATER + timedelta(hours=1)),
    )

    assert (first.unchanged, again.unchanged) == (False, True)
    done = stored(uow_factory, reminder)
    assert (done.status, done.done_by, done.done_at) == (ReminderStatus.DONE, ann.actor.user_id, LATER)
    assert (again.reminder.done_by, again.reminder.done_at) == (ann.actor.user_id, LATER)
    assert (again.by, again.at) == (ann.actor.user_id, LATER)  # what its message says: the first


def test_another_rep_is_refused_and_nothing_changes(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig, lead_of_ann: int
) -> None:
    reminder = remind(uow_factory, ann, timedelta(hours=1))
    clicks = [
        (complete_reminder, CompleteReminder(reminder_id=reminder.id or 0)),
        (snooze_reminder, snooze(reminder, LATER + timedelta(hours=1))),
        (log_reminder_call, LogReminderCall(reminder_id=reminder.id or 0)),
    ]
    for handler, command in clicks:
        with pytest.raises(PermissionDenied, match="someone else's"):
            handler(command, uow_factory(), at(config, BEN))

    assert stored(uow_factory, reminder) == reminder
    with uow_factory() as uow:
        lead = uow.leads.get(ann.actor.team_id, 1)
        assert lead is not None
        assert [a for a in uow.activities.latest(lead, 10) if a.kind == "call"] == []


@pytest.mark.parametrize("who", [MIA, ADA])
def test_a_manager_of_the_team_or_an_admin_may_mark_it_done(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig, lead_of_ann: int, who: str
) -> None:
    reminder = remind(uow_factory, ann, timedelta(hours=1))
    complete_reminder(CompleteReminder(reminder_id=reminder.id or 0), uow_factory(), at(config, who))
    assert stored(uow_factory, reminder).done_by == who


def test_a_reminder_of_another_workspace_is_not_found(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig, lead_of_ann: int
) -> None:
    reminder = remind(uow_factory, ann, timedelta(hours=1))
    stranger = context_of(config, ann.actor.user_id, now=LATER, team="T0OTHER")
    with pytest.raises(NotFound):
        complete_reminder(CompleteReminder(reminder_id=reminder.id or 0), uow_factory(), stranger)


def test_snooze_moves_the_due_time_once_per_click(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig, lead_of_ann: int
) -> None:
    reminder = remind(uow_factory, ann, timedelta(hours=1))
    until = LATER + timedelta(hours=1)
    first = snooze_reminder(snooze(reminder, until), uow_factory(), at(config, ann.actor.user_id))
    repeat = snooze_reminder(
        snooze(reminder, until + timedelta(minutes=5)), uow_factory(), at(config, ann.actor.user_id)
    )

    assert (first.unchanged, repeat.unchanged) == (False, True)
    snoozed = stored(uow_factory, reminder)
    assert (snoozed.status, snoozed.due_at, snoozed.snoozes) == (ReminderStatus.PENDING, until, 1)


def test_a_snoozed_reminder_is_delivered_again_at_its_new_time(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig, lead_of_ann: int
) -> None:
    reminder = remind(uow_factory, ann, timedelta(hours=1))
    assert queue_due_reminders(NOW + timedelta(hours=1), uow_factory) == 1
    until = NOW + timedelta(hours=3)
    snooze_reminder(
        snooze(reminder, until), uow_factory(), at(config, ann.actor.user_id, NOW + timedelta(hours=2))
    )

    assert queue_due_reminders(until - timedelta(seconds=1), uow_factory) == 0
    assert queue_due_reminders(until, uow_factory) == 1
    with uow_factory() as uow:
        keys = [m.dedupe_key for m in uow.outbox.claim(until, 10, timedelta(minutes=1))[1]]
    assert keys == [f"reminder:{reminder.id}", f"reminder:{reminder.id}:snooze:1"]


def test_snoozing_a_done_reminder_leaves_it_done(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig, lead_of_ann: int
) -> None:
    reminder = remind(uow_factory, ann, timedelta(hours=1))
    complete_reminder(
        CompleteReminder(reminder_id=reminder.id or 0), uow_factory(), at(config, ann.actor.user_id)
    )
    result = snooze_reminder(
        snooze(reminder, LATER + timedelta(hours=1)), uow_factory(), at(config, ann.actor.user_id)
    )

    assert (result.change, result.unchanged) == ("done", True)
    assert stored(uow_factory, reminder).status is ReminderStatus.DONE


def test_log_call_logs_the_call_once_and_the_lead_is_contacted(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig, lead_of_ann: int
) -> None:
    reminder = remind(uow_factory, ann, timedelta(hours=1), "ask about the <budget>")
    command = LogReminderCall(reminder_id=reminder.id or 0, request_key="click-call")
    first = log_reminder_call(command, uow_factory(), at(config, ann.actor.user_id))
    again = log_reminder_call(
        command, uow_factory(), at(config, ann.actor.user_id, LATER + timedelta(minutes=1))
    )

    assert (first.change, first.unchanged, again.unchanged) == ("call_logged", False, True)
    assert again.at == first.at == LATER  # the repeat's message says when the call was logged
    with uow_factory() as uow:
        lead = uow.leads.get(ann.actor.team_id, 1)
        assert lead is not None
        calls = [a.body for a in uow.activities.latest(lead, 10) if a.kind == "call"]
    assert calls == ["Follow-up: ask about the <budget>"]
    assert lead.status is LeadStatus.CONTACTED
    assert stored(uow_factory, reminder).is_open  # a call is not the end of the follow-up


def test_tasks_lists_my_open_follow_ups_overdue_first(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig, lead_of_ann: int
) -> None:
    later = remind(uow_factory, ann, timedelta(days=5), "send the offer")
    overdue = remind(uow_factory, ann, timedelta(hours=1), "call back")
    done = remind(uow_factory, ann, timedelta(hours=2), "already done")
    complete_reminder(CompleteReminder(reminder_id=done.id or 0), uow_factory(), ann)
    mia = context_of(config, MIA)
    add_lead(AddLead(name="Mia's own"), uow_factory(), mia)
    set_reminder(SetReminder(number=2, due_at=NOW + timedelta(hours=1)), uow_factory(), mia)

    tasks = list_tasks(ListTasks(), uow_factory(), at(config, ann.actor.user_id))

    assert [(t.reminder.id, t.overdue) for t in tasks.tasks] == [(overdue.id, True), (later.id, False)]
    assert tasks.tz == "UTC"
