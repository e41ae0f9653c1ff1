"""A delivered follow-up nobody marked done comes back each working morning, once a day."""

from datetime import UTC, datetime, timedelta

import pytest
from support import context_of

from domain.config import LeadbotConfig
from domain.followups.followup import MAX_NUDGES
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead, CompleteReminder, SetReminder
from handlers.delivery.deliver import queue_due_reminders
from handlers.followups.actions import complete_reminder
from handlers.followups.remind import set_reminder
from handlers.followups.resurface import resurface_open_reminders
from handlers.operations.timezones import remember_timezone
from store.unit_of_work import UowFactory

MONDAY_4PM = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
ANN = "U0REP0ANN"


def set_due(uow_factory: UowFactory, config: LeadbotConfig, due: datetime) -> int:
    ctx = context_of(config, ANN, now=due - timedelta(hours=1))
    add_lead(AddLead(name="Dana Scully"), uow_factory(), ctx)
    reminder = set_reminder(SetReminder(number=1, due_at=due, text="call back"), uow_factory(), ctx).reminder
    assert queue_due_reminders(due, uow_factory) == 1
    return reminder.id or 0


def nudge_keys(uow_factory: UowFactory) -> list[str]:
    with uow_factory() as uow:
        messages = uow.outbox.claim(datetime(2030, 1, 1, tzinfo=UTC), 100, timedelta(minutes=1))[1]
    return [m.dedupe_key for m in messages if ":nudge:" in m.dedupe_key]


def test_still_open_comes_the_next_working_morning_once_a_day(
    uow_factory: UowFactory, config: LeadbotConfig
) -> None:
    reminder = set_due(uow_factory, config, MONDAY_4PM)
    tuesday_9 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    assert resurface_open_reminders(tuesday_9 - timedelta(seconds=1), uow_factory) == 0
    assert resurface_open_reminders(tuesday_9, uow_factory) == 1
    assert resurface_open_reminders(tuesday_9 + timedelta(hours=3), uow_factory) == 0
    assert resurface_open_reminders(tuesday_9 + timedelta(days=1), uow_factory) == 1
    assert nudge_keys(uow_factory) == [f"reminder:{reminder}:nudge:1", f"reminder:{reminder}:nudge:2"]


def test_friday_afternoon_resurfaces_on_monday_morning(
    uow_factory: UowFactory, config: LeadbotConfig
) -> None:
    set_due(uow_factory, config, FRIDAY_4PM)
    assert resurface_open_reminders(datetime(2026, 11, 29, 23, 0, tzinfo=UTC), uow_factory) == 0
    assert resurface_open_reminders(datetime(2026, 11, 30, 9, 0, tzinfo=UTC), uow_factory) == 1


def test_mornings_are_the_reps_own(uow_factory: UowFactory, config: LeadbotConfig) -> None:
    remember_timezone(uow_factory(), "T0CONSOLE", ANN, "America/New_York", MONDAY_4PM)
    set_due(uow_factory, config, MONDAY_4PM)
    assert resurface_open_reminders(datetime(2026, 11, 24, 13, 59, tzinfo=UTC), uow_factory) == 0
    assert resurface_open_reminders(datetime(2026, 11, 24, 14, 0, tzinfo=UTC), uow_factory) == 1  # 9:00 EST


def test_a_done_reminder_does_not_resurface(uow_factory: UowFactory, config: LeadbotConfig) -> None:
    reminder = set_due(uow_factory, config, MONDAY_4PM)
    ctx = context_of(config, ANN, now=MONDAY_4PM + timedelta(hours=1))
    complete_reminder(CompleteReminder(reminder_id=reminder), uow_factory(), ctx)
    assert resurface_open_reminders(MONDAY_4PM + timedelta(days=7), uow_factory) == 0


@pytest.mark.parametrize("days", [30])
def test_it_stops_knocking_after_a_working_week(
    uow_factory: UowFactory, config: LeadbotConfig, days: int
) -> None:
    set_due(uow_factory, config, MONDAY_4PM)
    for day in range(1, days):
        resurface_open_reminders(MONDAY_4PM + timedelta(days=day), uow_factory)
    assert len(nudge_keys(uow_factory)) == MAX_NUDGES
