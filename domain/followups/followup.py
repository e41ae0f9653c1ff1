"""Follow-up rules: snooze choices and when an unfinished reminder resurfaces."""

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.when import parse_when

WORKING_MORNING = time(9, 0)
WEEKEND = (5, 6)  # Saturday, Sunday
MAX_NUDGES = 5  # a working week of "still open"; after that it waits in /lead tasks


class SnoozeChoice(StrEnum):
    HOUR = "hour"
    TOMORROW = "tomorrow"
    NEXT_WEEK = "next_week"


# Each choice is a phrase a rep could type: a snooze means exactly what `/lead remind` would.
_PHRASES = {
    SnoozeChoice.HOUR: ["in", "1", "hour"],
    SnoozeChoice.TOMORROW: ["tomorrow", "9am"],
    SnoozeChoice.NEXT_WEEK: ["next", "week"],
}
LABELS = {
    SnoozeChoice.HOUR: "1 hour",
    SnoozeChoice.TOMORROW: "Tomorrow 9am",
    SnoozeChoice.NEXT_WEEK: "Next Monday 9am",
}


def snooze_until(choice: SnoozeChoice, now: datetime, tz: ZoneInfo) -> datetime:
    due, _ = parse_when(_PHRASES[choice], now, tz)
    return due


def next_working_morning(after: datetime, tz: ZoneInfo) -> datetime:
    """09:00 local on the first weekday after the local date of `after`.

    A reminder delivered at 17:00 on Friday resurfaces on Monday at 09:00, never at
    night or on a weekend; DST is handled by building the local wall time each day."""
    day = after.astimezone(tz).date() + timedelta(days=1)
    while day.weekday() in WEEKEND:
        day += timedelta(days=1)
    return datetime.combine(day, WORKING_MORNING, tzinfo=tz).astimezone(UTC)
