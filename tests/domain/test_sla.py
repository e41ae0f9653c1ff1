"""The first-contact deadline counts working time only, on the team's clock, across
nights, weekends and daylight-saving changes; the team figures are medians."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.routing.sla import LeadSpeed, SlaStatus, SpeedFigures, deadline
from domain.working_hours import WorkingHours

BERLIN = ZoneInfo("Europe/Berlin")
HOURS = WorkingHours(time(8), time(18), frozenset(range(5)), BERLIN)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        (local(2026, 11, 23, 10, 0), 60, local(2026, 11, 23, 11, 0)),  # inside the day
        (local(2026, 11, 23, 17, 30), 60, local(2026, 11, 24, 8, 30)),  # the night does not count
        (local(2026, 11, 23, 20, 0), 60, local(2026, 11, 24, 9, 0)),  # assigned after hours
        (local(2026, 11, 27, 17, 30), 60, local(2026, 11, 30, 8, 30)),  # Friday -> Monday
        (local(2026, 11, 28, 12, 0), 30, local(2026, 11, 30, 8, 30)),  # assigned on a Saturday
        (local(2026, 11, 23, 9, 0), 600, local(2026, 11, 24, 9, 0)),  # more than a working day
        (local(2026, 11, 23, 17, 0), 60, local(2026, 11, 23, 18, 0)),  # exactly at closing time
    ],
)
def test_the_deadline_counts_only_working_minutes(start: datetime, minutes: int, due: datetime) -> None:
    assert deadline(start.astimezone(UTC), minutes, HOURS) == due.astimezone(UTC)


def test_a_night_with_a_clock_change_is_still_skipped_whole() -> None:
    # Berlin springs forward in the night to Sunday 29 March 2026, falls back to Sunday 25 October.
    assert deadline(local(2026, 3, 27, 17, 30), 60, HOURS) == local(2026, 3, 30, 8, 30)
    assert deadline(local(2026, 10, 23, 17, 30), 60, HOURS) == local(2026, 10, 26, 8, 30)


def speed(assigned_after: int, contact_after: int | None, status: SlaStatus | None) -> LeadSpeed:
    captured = datetime(2026, 11, 23, 9, tzinfo=UTC)
    assigned = captured + timedelta(minutes=assigned_after)
    contact = assigned + timedelta(minutes=contact_after) if contact_after is not None else None
    return LeadSpeed(captured, assigned, contact, 60, None, status)


def test_team_figures_are_medians_and_count_breaches() -> None:
    figures = SpeedFigures.of(
        "emea",
        [speed(5, 30, SlaStatus.MET), speed(10, None, SlaStatus.BREACHED), speed(30, 90, SlaStatus.BREACHED)],
    )
    assert (figures.assigned, figures.median_to_assignment) == (3, timedelta(minutes=10))
    assert (figures.contacted, figures.median_to_first_contact) == (2, timedelta(minutes=60))
    assert figures.breaches == 2
