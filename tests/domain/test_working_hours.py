"""Working hours, cadence step days and digest days: pure rules on explicit instants."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.config import SalesTeam
from domain.followups.reminder import Reminder
from domain.nurture.cadence import Cadence, CadenceStep, step_due
from domain.reporting.digest import digest_date
from domain.routing.away import coalesce

LONDON = SalesTeam(key="ldn", name="London", timezone="Europe/London").hours_in()
DIGEST = time(8, 30)


def test_a_moment_outside_working_hours_waits_for_the_next_working_start() -> None:
    friday_evening = datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    assert LONDON.next_slot(friday_evening) == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 08:00
    early_tuesday = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    assert LONDON.next_slot(early_tuesday) == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    inside = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert LONDON.next_slot(inside) == inside


@pytest.mark.parametrize(
    ("zone", "monday_0830_utc"),
    [
        ("Europe/London", datetime(2027, 3, 29, 7, 30, tzinfo=UTC)),
        ("America/New_York", datetime(2026, 11, 2, 13, 30, tzinfo=UTC)),
        ("Australia/Sydney", datetime(2026, 10, 4, 21, 30, tzinfo=UTC)),
    ],
)
def test_the_digest_is_due_at_0830_local_after_a_dst_change(zone: str, monday_0830_utc: datetime) -> None:
    hours = SalesTeam(key="t", name="T", timezone=zone).hours_in()
    assert digest_date(monday_0830_utc - timedelta(seconds=1), hours, DIGEST) is None
    assert digest_date(monday_0830_utc, hours, DIGEST) == monday_0830_utc.astimezone(ZoneInfo(zone)).date()


def test_no_digest_on_a_weekend_or_after_working_hours() -> None:
    assert digest_date(datetime(2026, 11, 28, 10, 0, tzinfo=UTC), LONDON, DIGEST) is None  # Saturday
    assert digest_date(datetime(2026, 11, 30, 18, 0, tzinfo=UTC), LONDON, DIGEST) is None  # Monday 18:00
    assert digest_date(datetime(2026, 11, 30, 17, 59, tzinfo=UTC), LONDON, DIGEST) == date(2026, 11, 30)


def test_a_step_landing_on_a_weekend_moves_to_monday_at_nine_local() -> None:
    hours = SalesTeam(key="t", name="T").hours_in("America/New_York")
    thursday = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    day_two = CadenceStep(day=2, channel="email", template="intro")
    assert step_due(thursday, day_two, hours) == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def test_cadence_steps_must_be_in_day_order() -> None:
    with pytest.raises(ValueError, match="day order"):
        Cadence(
            name="x",
            steps=(
                CadenceStep(day=5, channel="call", template="a"),
                CadenceStep(day=2, channel="call", template="b"),
            ),
        )


def _reminder(user: str, due: datetime) -> Reminder:
    return Reminder("T1", 1, user, due, "call", due - timedelta(days=1))


def test_more_than_three_missed_reminders_of_one_person_are_folded_into_one_summary() -> None:
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    missed = [_reminder("U1", now - timedelta(minutes=20 + n)) for n in range(4)]
    few = [_reminder("U2", now - timedelta(minutes=30)) for _ in range(3)]
    just_due = [_reminder("U1", now - timedelta(minutes=5))]

    one_by_one, groups = coalesce(missed + few + just_due, now)

    assert groups == [missed]
    assert one_by_one == few + just_due


@pytest.mark.parametrize(
    ("zone", "enrolled", "nine_local"),
    [
        # Enrolled on Thursday before New York springs forward: day 5 is Tuesday, 09:00 EDT.
        (
            "America/New_York",
            datetime(2027, 3, 11, 15, 0, tzinfo=UTC),
            datetime(2027, 3, 16, 13, 0, tzinfo=UTC),
        ),
        # Before London falls back: day 5 is Tuesday 27 October, 09:00 GMT.
        (
            "Europe/London",
            datetime(2026, 10, 22, 10, 0, tzinfo=UTC),
            datetime(2026, 10, 27, 9, 0, tzinfo=UTC),
        ),
        # Before Sydney springs forward: day 5 is Tuesday 6 October, 09:00 AEDT (+11).
        (
            "Australia/Sydney",
            datetime(2026, 10, 1, 0, 0, tzinfo=UTC),
            datetime(2026, 10, 5, 22, 0, tzinfo=UTC),
        ),
    ],
)
def test_a_step_after_a_dst_change_keeps_nine_on_the_owners_wall_clock(
    zone: str, enrolled: datetime, nine_local: datetime
) -> None:
    hours = SalesTeam(key="t", name="T").hours_in(zone)
    assert step_due(enrolled, CadenceStep(day=5, channel="call", template="call"), hours) == nine_local
