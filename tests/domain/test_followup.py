"""Snooze choices and the working mornings an unfinished follow-up resurfaces on."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.followups.followup import SnoozeChoice, next_working_morning, snooze_until
from domain.followups.reminder import Reminder, ReminderStatus

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")


def in_zone(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("choice", "wall"),
    [
        (SnoozeChoice.HOUR, datetime(2027, 3, 27, 11, 30)),
        (SnoozeChoice.TOMORROW, datetime(2027, 3, 28, 9, 0)),  # UK clocks go forward that night
        (SnoozeChoice.NEXT_WEEK, datetime(2027, 3, 29, 9, 0)),
    ],
)
def test_snooze_choices_in_local_time(choice: SnoozeChoice, wall: datetime) -> None:
    saturday = datetime(2027, 3, 27, 10, 30, tzinfo=UTC)  # 10:30 GMT
    assert in_zone(snooze_until(choice, saturday, LONDON), LONDON) == wall


def test_snooze_tomorrow_across_spring_forward_is_one_hour_earlier_in_utc() -> None:
    saturday = datetime(2027, 3, 27, 10, 30, tzinfo=UTC)
    assert snooze_until(SnoozeChoice.TOMORROW, saturday, LONDON) == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "tz", "wall"),
    [
        (datetime(2026, 11, 24, 22, 0, tzinfo=UTC), NEW_YORK, datetime(2026, 11, 25, 9, 0)),  # Tue 17:00
        (datetime(2026, 11, 27, 22, 0, tzinfo=UTC), NEW_YORK, datetime(2026, 11, 30, 9, 0)),  # Fri -> Mon
        (datetime(2026, 11, 28, 15, 0, tzinfo=UTC), NEW_YORK, datetime(2026, 11, 30, 9, 0)),  # Sat -> Mon
        # Sydney's Friday 2027-04-02; clocks go back on Sunday the 4th: Monday is 09:00 AEST.
        (datetime(2027, 4, 2, 6, 0, tzinfo=UTC), SYDNEY, datetime(2027, 4, 5, 9, 0)),
    ],
)
def test_the_next_working_morning_skips_the_weekend(after: datetime, tz: ZoneInfo, wall: datetime) -> None:
    assert in_zone(next_working_morning(after, tz), tz) == wall


def test_the_next_working_morning_after_sydney_falls_back_is_23_utc() -> None:
    assert next_working_morning(datetime(2027, 4, 2, 6, 0, tzinfo=UTC), SYDNEY) == datetime(
        2027, 4, 4, 23, 0, tzinfo=UTC
    )


def reminder() -> Reminder:
    now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    return Reminder("T1", 1, "U1", now, "call", now, status=ReminderStatus.QUEUED, nudges=2)


def test_completing_twice_changes_nothing_the_second_time() -> None:
    item = reminder()
    at = datetime(2026, 11, 24, tzinfo=UTC)
    assert item.complete("U1", at) is True
    assert item.complete("U2", at.replace(hour=5)) is False
    assert (item.status, item.done_by, item.done_at) == (ReminderStatus.DONE, "U1", at)


def test_a_snoozed_reminder_waits_again_and_forgets_its_nudges() -> None:
    item = reminder()
    until = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    item.snooze(until, "America/New_York")
    assert (item.status, item.due_at, item.nudges, item.tz) == (
        ReminderStatus.PENDING,
        until,
        0,
        "America/New_York",
    )
