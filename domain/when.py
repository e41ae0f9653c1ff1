"""Read the due time at the start of a reminder (`tomorrow 2pm call back`) and describe delays."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_AHEAD = timedelta(days=365)
DEFAULT_TIME = time(9, 0)  # "tomorrow" or "friday" alone means the start of a working day

_TIME_24 = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_TIME_12 = re.compile(r"(1[0-2]|0?[1-9])(?::([0-5][0-9]))?(am|pm)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DURATION = re.compile(r"([0-9]+|an?)([a-z]+)")
_UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 1),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 60),
    **dict.fromkeys(("d", "day", "days"), 24 * 60),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 7 * 24 * 60),
}
_WEEKDAYS = {
    **dict.fromkeys(("monday", "mon"), 0),
    **dict.fromkeys(("tuesday", "tue", "tues"), 1),
    **dict.fromkeys(("wednesday", "wed"), 2),
    **dict.fromkeys(("thursday", "thu", "thur", "thurs"), 3),
    **dict.fromkeys(("friday", "fri"), 4),
    **dict.fromkeys(("saturday", "sat"), 5),
    **dict.fromkeys(("sunday", "sun"), 6),
}


class WhenError(ValueError):
    """The due time cannot be used as written; the message says why and shows forms that work."""


@dataclass(frozen=True, slots=True)
class _Clock:
    now: datetime  # aware; the caller's "now", never the system clock
    tz: ZoneInfo

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def at(self, day: date, clock_time: time) -> datetime:
        # fold=0 plus the UTC round trip moves a time skipped by DST forward and picks the
        # first of two repeated times, so every local time the user writes has one answer.
        return datetime.combine(day, clock_time, tzinfo=self.tz).astimezone(UTC)

    def examples(self) -> str:
        sample = self.today + timedelta(days=30)  # an ISO example that is never in the past
        return (
            "in 30 minutes, in 3 days, tomorrow 2pm, today 5pm, mon 10:00, next week, "
            f"at 15:00, {sample.isoformat()} 14:30"
        )


_Found = tuple[datetime, int] | None  # due time and how many words it used


def parse_when(words: list[str], now: datetime, tz: ZoneInfo) -> tuple[datetime, list[str]]:
    """Consume a time expression from the start of `words`; return (due in UTC, the rest).

    Local times are read in `tz`. A due time must be in the future and at most a year away.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    clock = _Clock(now, tz)
    for parser in _PARSERS:
        found = parser(words, clock)
        if found is not None:
            due, used = found
            return _checked(due, words[:used], clock), list(words[used:])
    raise WhenError(_no_time_message(words, clock))


def _no_time_message(words: Sequence[str], clock: _Clock) -> str:
    if not words:
        return f"Say when, e.g. {clock.examples()}."
    return f"'{' '.join(words)}' does not start with a time. Start with e.g. {clock.examples()}."


def _checked(due: datetime, used: Sequence[str], clock: _Clock) -> datetime:
    written = " ".join(used)
    if due <= clock.now:
        raise WhenError(f"'{written}' is in the past. Pick a later time, e.g. {clock.examples()}.")
    if due - clock.now > MAX_AHEAD:
        raise _too_far(written)
    return due


def _too_far(written: str) -> WhenError:
    return WhenError(f"'{written}' is more than 365 days ahead. Pick a time within a year.")


def _word(words: Sequence[str], i: int) -> str:
    return words[i].lower() if i < len(words) else ""


def _clock_time(word: str) -> time | None:
    if word == "noon":
        return time(12, 0)
    if match := _TIME_24.fullmatch(word):
        return time(int(match[1]), int(match[2]))
    if match := _TIME_12.fullmatch(word):
        hour = int(match[1]) % 12 + (12 if match[3] == "pm" else 0)
        return time(hour, int(match[2] or 0))
    return None


def _read_time(words: Sequence[str], i: int) -> tuple[time, int] | None:
    """The time of day at words[i], after an optional "at"; "3 pm" may span two words."""
    start = i + 1 if _word(words, i) == "at" else i
    if _word(words, start + 1) in ("am", "pm"):
        found = _clock_time(_word(words, start) + _word(words, start + 1))
        if found is not None:
            return found, start + 2
    if (found := _clock_time(_word(words, start))) is not None:
        return found, start + 1
    if start > i:
        raise WhenError("'at' needs a time of day, like at 15:00, at 3pm or at 3:30pm.")
    return None


def _time_or_default(words: Sequence[str], i: int) -> tuple[time, int]:
    return _read_time(words, i) or (DEFAULT_TIME, i)


def _in_duration(words: Sequence[str], clock: _Clock) -> _Found:
    if _word(words, 0) != "in":
        return None
    for used in (2, 3):  # "in 90m" or "in 90 minutes"; "in am" is not "in a minute"
        match = _DURATION.fullmatch("".join(_word(words, i) for i in range(1, used)))
        if match and match[2] in _UNITS and (used == 3 or match[1][0].isdigit()):
            written = " ".join(words[:used])
            return _after(_count(match[1]), _UNITS[match[2]], clock, written), used
    raise WhenError("After 'in', write an amount, like in 30 minutes, in 2h, in 3 days or in 1w.")


def _count(amount: str) -> int:
    if amount in ("a", "an"):
        return 1
    return int(amount) if len(amount) <= 7 else 10**7  # long digit strings are just "too far"


def _after(count: int, unit_minutes: int, clock: _Clock, written: str) -> datetime:
    if count == 0:
        raise WhenError(f"'{written}' is now. Write at least in 1 minute.")
    minutes = count * unit_minutes
    if minutes > MAX_AHEAD.days * 24 * 60:
        raise _too_far(written)
    if unit_minutes < 24 * 60:
        return clock.now + timedelta(minutes=minutes)
    # Days and weeks keep the local wall time across a DST change, as people expect.
    local = clock.now.astimezone(clock.tz)
    return clock.at(local.date() + timedelta(days=minutes // (24 * 60)), local.time())


def _tomorrow(words: Sequence[str], clock: _Clock) -> _Found:
    if _word(words, 0) not in ("tomorrow", "tmrw"):
        return None
    clock_time, used = _time_or_default(words, 1)
    return clock.at(clock.today + timedelta(days=1), clock_time), used


def _today(words: Sequence[str], clock: _Clock) -> _Found:
    if _word(words, 0) != "today":
        return None
    found = _read_time(words, 1)
    if found is None:
        raise WhenError("Say what time today, like today 5pm or today at 16:30.")
    return clock.at(clock.today, found[0]), found[1]


def _weekday(words: Sequence[str], clock: _Clock) -> _Found:
    start = 1 if _word(words, 0) in ("on", "next") else 0  # "next friday" is the coming one
    weekday = _WEEKDAYS.get(_word(words, start))
    if weekday is None:
        return None
    days_ahead = (weekday - clock.today.weekday() - 1) % 7 + 1  # 1..7: never today
    clock_time, used = _time_or_default(words, start + 1)
    return clock.at(clock.today + timedelta(days=days_ahead), clock_time), used


def _next_week(words: Sequence[str], clock: _Clock) -> _Found:
    """ "next week" is the start of next week: Monday, at 09:00 unless a time is given."""
    if (_word(words, 0), _word(words, 1)) != ("next", "week"):
        return None
    days_ahead = 7 - clock.today.weekday()  # 1..7: Monday of the following week
    clock_time, used = _time_or_default(words, 2)
    return clock.at(clock.today + timedelta(days=days_ahead), clock_time), used


def _time_of_day(words: Sequence[str], clock: _Clock) -> _Found:
    found = _read_time(words, 0)
    if found is None:
        return None
    due = clock.at(clock.today, found[0])
    if due <= clock.now:  # "3pm" said at 4pm means tomorrow's 3pm
        due = clock.at(clock.today + timedelta(days=1), found[0])
    return due, found[1]


def _iso_date(words: Sequence[str], clock: _Clock) -> _Found:
    start = 1 if _word(words, 0) == "on" else 0
    if not _ISO_DATE.fullmatch(_word(words, start)):
        return None
    day = _real_date(words[start])
    # Check before converting: a date like 9999-12-31 would overflow the UTC conversion.
    if day < clock.today:
        raise WhenError(f"'{words[start]}' is in the past. Pick a later date.")
    if day > clock.today + MAX_AHEAD:
        raise _too_far(words[start])
    clock_time, used = _time_or_default(words, start + 1)
    return clock.at(day, clock_time), used


def _real_date(word: str) -> date:
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise WhenError(f"'{word}' is not a date. Write dates as YYYY-MM-DD.") from None


_PARSERS: tuple[Callable[[Sequence[str], _Clock], _Found], ...] = (
    _in_duration,
    _tomorrow,
    _today,
    _next_week,
    _weekday,
    _iso_date,
    _time_of_day,
)


def describe_delay(due: datetime, now: datetime) -> str:
    """A short phrase for a reply: "in 5 minutes", "in 1 hour 30 minutes", "in 2 days"."""
    seconds = (due - now).total_seconds()
    if abs(seconds) < 30:
        return "now"
    span = _span(max(1, round(abs(seconds) / 60)))
    return f"in {span}" if seconds > 0 else f"{span} ago"


def _span(minutes: int) -> str:
    if minutes < 60:
        return _plural(minutes, "minute")
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return _plural(hours, "hour") + (f" {_plural(rest, 'minute')}" if rest else "")
    return _plural(round(minutes / (24 * 60)), "day")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
