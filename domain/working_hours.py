"""Working hours: when a scheduled message (a cadence step, a digest) may reach a person.

A rep's explicit reminder fires when they asked; these rules are for what Leadbot itself
schedules, which must wait for the next working slot instead of arriving at night."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class WorkingHours:
    start: time
    end: time
    days: frozenset[int]  # 0 = Monday, as date.weekday()
    tz: ZoneInfo

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end

    def at(self, day: date, clock: time) -> datetime:
        """A local wall time as UTC; a time skipped by a DST change moves forward."""
        return datetime.combine(day, clock, tzinfo=self.tz).astimezone(UTC)

    def next_working_day(self, day: date) -> date:
        """`day` itself if people work then, else the first working day after it."""
        for _ in range(7):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        return day  # no working day configured: the config refuses that, but never loop

    def next_slot(self, moment: datetime) -> datetime:
        """`moment` if it falls in working hours, else the start of the next working period."""
        if self.contains(moment):
            return moment
        local = moment.astimezone(self.tz)
        day = local.date() if local.time() < self.start else local.date() + timedelta(days=1)
        return self.at(self.next_working_day(day), self.start)


def parse_clock(text: str) -> time:
    """ "08:30" -> 08:30; the config validates with this, so a bad value is named at start-up."""
    hours, sep, minutes = text.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"'{text}' is not a time of day such as 08:30")
    return time(int(hours), int(minutes))


def parse_days(names: tuple[str, ...]) -> frozenset[int]:
    unknown = [n for n in names if n.lower() not in WEEKDAY_NAMES]
    if unknown:
        raise ValueError(f"'{unknown[0]}' is not a day: use {', '.join(WEEKDAY_NAMES)}")
    if not names:
        raise ValueError("at least one working day is needed")
    return frozenset(WEEKDAY_NAMES.index(n.lower()) for n in names)
