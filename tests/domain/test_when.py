"""How the due time at the start of a reminder is read, in the team's time zone."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.when import MAX_AHEAD, WhenError, describe_delay, parse_when

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe"]

# Saturday 2026-03-07, 10:00 in New York (15:00 UTC); US clocks spring forward on Sunday.
NOW = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)

instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
zones = st.sampled_from(ZONES).map(ZoneInfo)
rest_words = st.lists(st.text(max_size=10), max_size=4)


def when(text: str, now: datetime = NOW, tz: ZoneInfo = NEW_YORK) -> tuple[datetime, list[str]]:
    return parse_when(text.split(), now, tz)


def local(text: str, now: datetime = NOW, tz: ZoneInfo = NEW_YORK) -> datetime:
    """The due time as the team sees it on the wall clock, without tzinfo."""
    return when(text, now, tz)[0].astimezone(tz).replace(tzinfo=None)


# --- relative delays -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delay"),
    [
        ("in 1 minute", timedelta(minutes=1)),
        ("in 5 minutes", timedelta(minutes=5)),
        ("in 90m", timedelta(minutes=90)),
        ("in 10 min", timedelta(minutes=10)),
        ("in 10 mins", timedelta(minutes=10)),
        ("in 2 hours", timedelta(hours=2)),
        ("in 2h", timedelta(hours=2)),
        ("in 1 hr", timedelta(hours=1)),
        ("in 3 hrs", timedelta(hours=3)),
        ("in an hour", timedelta(hours=1)),
        ("IN 5 MINUTES", timedelta(minutes=5)),
    ],
)
def test_in_minutes_and_hours_is_elapsed_time(text: str, delay: timedelta) -> None:
    assert when(text)[0] == NOW + delay


@pytest.mark.parametrize(
    ("text", "wall"),
    [
        ("in 3 days", datetime(2026, 3, 10, 10, 0)),
        ("in 3d", datetime(2026, 3, 10, 10, 0)),
        ("in 1 week", datetime(2026, 3, 14, 10, 0)),
        ("in 1w", datetime(2026, 3, 14, 10, 0)),
    ],
)
def test_in_days_and_weeks_keeps_the_wall_clock_across_dst(text: str, wall: datetime) -> None:
    assert local(text) == wall


def test_in_0_minutes_is_refused() -> None:
    with pytest.raises(WhenError, match="at least in 1 minute"):
        when("in 0 minutes")


@pytest.mark.parametrize("text", ["in 366 days", "in 53 weeks", "in 99999999999999 minutes"])
def test_more_than_a_year_ahead_is_refused(text: str) -> None:
    with pytest.raises(WhenError, match="more than 365 days ahead"):
        when(text)


def test_in_without_an_amount_says_how_to_write_it() -> None:
    with pytest.raises(WhenError, match="in 30 minutes"):
        when("in person demo")


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=10_000), instants, zones, rest_words)
def test_in_n_minutes_is_exactly_n_minutes_later(
    minutes: int, now: datetime, tz: ZoneInfo, rest: list[str]
) -> None:
    due, remaining = parse_when(["in", str(minutes), "minutes", *rest], now, tz)
    assert due == now + timedelta(minutes=minutes)
    assert remaining == rest


# --- named days ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wall"),
    [
        ("tomorrow", datetime(2026, 3, 8, 9, 0)),
        ("tomorrow 2pm", datetime(2026, 3, 8, 14, 0)),
        ("tomorrow 14:30", datetime(2026, 3, 8, 14, 30)),
        ("tomorrow at 9am", datetime(2026, 3, 8, 9, 0)),
        ("Tomorrow At 3 PM", datetime(2026, 3, 8, 15, 0)),
        ("today 5pm", datetime(2026, 3, 7, 17, 0)),
        ("today at noon", datetime(2026, 3, 7, 12, 0)),
        ("monday 10am", datetime(2026, 3, 9, 10, 0)),
        ("fri", datetime(2026, 3, 13, 9, 0)),
        ("on friday at 4:15pm", datetime(2026, 3, 13, 16, 15)),
        ("saturday", datetime(2026, 3, 14, 9, 0)),
    ],
)
def test_named_days_are_read_in_the_team_time_zone(text: str, wall: datetime) -> None:
    assert local(text) == wall


def test_today_needs_a_time() -> None:
    with pytest.raises(WhenError, match="today 5pm"):
        when("today call Dana")


def test_today_at_a_time_already_gone_is_in_the_past() -> None:
    with pytest.raises(WhenError, match="in the past"):
        when("today 9am")


def test_a_time_skipped_by_dst_moves_forward() -> None:
    # New York skips 02:00-03:00 on 2026-03-08.
    assert local("tomorrow 2:30am") == datetime(2026, 3, 8, 3, 30)


def test_a_time_repeated_by_dst_is_the_first_one() -> None:
    before_fall_back = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    due, _ = when("tomorrow 2:30am", before_fall_back, BERLIN)
    assert due == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, not CET


@settings(deadline=None)
@given(instants, zones)
def test_tomorrow_9am_is_nine_on_the_next_local_date(now: datetime, tz: ZoneInfo) -> None:
    for words in (["tomorrow", "9am"], ["tomorrow"]):
        due, _ = parse_when(words, now, tz)
        assert due.utcoffset() == timedelta(0)
        assert due.astimezone(tz).date() == now.astimezone(tz).date() + timedelta(days=1)
        assert due.astimezone(tz).time() == time(9, 0)


@settings(deadline=None)
@given(instants, zones, st.sampled_from(["mon", "tuesday", "wed", "thu", "friday", "sat", "sun"]))
def test_a_weekday_is_its_next_occurrence_after_today(now: datetime, tz: ZoneInfo, day: str) -> None:
    due, _ = parse_when([day], now, tz)
    days_ahead = (due.astimezone(tz).date() - now.astimezone(tz).date()).days
    assert 1 <= days_ahead <= 7
    assert due.astimezone(tz).strftime("%a").lower() == day[:3]


# --- times of day and dates ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wall"),
    [
        ("at 15:00", datetime(2026, 3, 7, 15, 0)),
        ("15:00", datetime(2026, 3, 7, 15, 0)),
        ("3pm", datetime(2026, 3, 7, 15, 0)),
        ("3:30pm", datetime(2026, 3, 7, 15, 30)),
        ("3:30 PM", datetime(2026, 3, 7, 15, 30)),
        ("9am", datetime(2026, 3, 8, 9, 0)),
        ("10:00", datetime(2026, 3, 8, 10, 0)),
        ("12am", datetime(2026, 3, 8, 0, 0)),
    ],
)
def test_a_time_alone_is_today_or_tomorrow_if_already_past(text: str, wall: datetime) -> None:
    assert local(text) == wall


@pytest.mark.parametrize(
    ("text", "wall"),
    [
        ("2026-12-01", datetime(2026, 12, 1, 9, 0)),
        ("2026-12-01 14:00", datetime(2026, 12, 1, 14, 0)),
        ("on 2026-12-01 at 2pm", datetime(2026, 12, 1, 14, 0)),
    ],
)
def test_iso_dates_default_to_nine_local(text: str, wall: datetime) -> None:
    assert local(text) == wall


@pytest.mark.parametrize("text", ["2026-03-06", "2026-03-07 09:00", "2020-01-01"])
def test_an_iso_date_in_the_past_is_refused(text: str) -> None:
    with pytest.raises(WhenError, match="in the past"):
        when(text)


@pytest.mark.parametrize("text", ["2027-03-08", "9999-12-31"])
def test_an_iso_date_over_a_year_ahead_is_refused(text: str) -> None:
    with pytest.raises(WhenError, match="more than 365 days ahead"):
        when(text)


def test_an_impossible_date_is_refused() -> None:
    with pytest.raises(WhenError, match="YYYY-MM-DD"):
        when("2026-02-30")


@pytest.mark.parametrize("text", ["at lunch", "at 3", "at"])
def test_at_needs_a_time_of_day(text: str) -> None:
    with pytest.raises(WhenError, match="'at' needs a time"):
        when(text)


@settings(deadline=None)
@given(instants, zones, st.sampled_from(["3pm", "15:00", "at 7:45am", "noon", "0:05"]))
def test_a_time_alone_is_always_within_a_day(now: datetime, tz: ZoneInfo, text: str) -> None:
    due, _ = parse_when(text.split(), now, tz)
    assert now < due <= now + timedelta(hours=25)


# --- what is left, and what is refused -------------------------------------------------


def test_the_rest_is_the_reminder_text_unchanged() -> None:
    assert when("tomorrow 2pm Call Dana re: L-42")[1] == ["Call", "Dana", "re:", "L-42"]
    assert when("in 2h send deck")[1] == ["send", "deck"]
    assert when("friday follow up")[1] == ["follow", "up"]


def test_text_without_a_time_is_refused_with_examples() -> None:
    with pytest.raises(WhenError) as error:
        when("call Dana")
    message = str(error.value)
    assert "'call Dana' does not start with a time" in message
    assert "tomorrow 2pm" in message and "in 30 minutes" in message


def test_no_words_at_all_asks_when() -> None:
    with pytest.raises(WhenError, match="Say when"):
        when("")


def test_when_error_is_a_value_error() -> None:
    assert issubclass(WhenError, ValueError)


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_when(["tomorrow"], datetime(2026, 3, 7, 15, 0), NEW_YORK)


@settings(deadline=None)
@given(st.lists(st.text(max_size=12), max_size=5), instants, zones)
def test_any_words_give_a_future_time_within_a_year_or_a_when_error(
    words: list[str], now: datetime, tz: ZoneInfo
) -> None:
    try:
        due, rest = parse_when(words, now, tz)
    except WhenError:
        return
    assert now < due <= now + MAX_AHEAD
    assert words[len(words) - len(rest) :] == rest


@settings(deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "in",
                "at",
                "on",
                "5",
                "pm",
                "am",
                "fri",
                "2h",
                "today",
                "tomorrow",
                "3:30pm",
                "a",
                "hour",
                "2026-12-01",
                "x",
            ]
        ),
        max_size=5,
    ),
    instants,
    zones,
)
def test_time_like_words_give_a_future_time_or_a_when_error(
    words: list[str], now: datetime, tz: ZoneInfo
) -> None:
    try:
        due, _ = parse_when(words, now, tz)
    except WhenError:
        return
    assert now < due <= now + MAX_AHEAD


# --- describe_delay --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delay", "phrase"),
    [
        (timedelta(seconds=10), "now"),
        (timedelta(seconds=40), "in 1 minute"),
        (timedelta(minutes=1), "in 1 minute"),
        (timedelta(minutes=45), "in 45 minutes"),
        (timedelta(hours=3), "in 3 hours"),
        (timedelta(minutes=90), "in 1 hour 30 minutes"),
        (timedelta(days=1), "in 1 day"),
        (timedelta(days=2, hours=3), "in 2 days"),
        (timedelta(minutes=-5), "5 minutes ago"),
    ],
)
def test_delays_are_described_in_the_largest_sensible_unit(delay: timedelta, phrase: str) -> None:
    assert describe_delay(NOW + delay, NOW) == phrase


def test_a_parsed_delay_is_described_as_written() -> None:
    due, _ = when("in 5 minutes")
    assert describe_delay(due, NOW) == "in 5 minutes"


def test_dates_are_plain_dates() -> None:
    assert local("2026-12-01").date() == date(2026, 12, 1)


# --- the follow-up phrases -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wall"),
    [
        ("tomorrow 9am", datetime(2026, 3, 8, 9, 0)),  # the day US clocks spring forward
        ("in 3 days", datetime(2026, 3, 10, 10, 0)),  # same wall time across the change
        ("mon 10:00", datetime(2026, 3, 9, 10, 0)),
        ("next monday 10:00", datetime(2026, 3, 9, 10, 0)),
        ("next week", datetime(2026, 3, 9, 9, 0)),
        ("next week 2pm", datetime(2026, 3, 9, 14, 0)),
        ("2026-12-01 14:30", datetime(2026, 12, 1, 14, 30)),
    ],
)
def test_follow_up_phrases_are_read_on_the_reps_wall_clock(text: str, wall: datetime) -> None:
    assert local(text) == wall


def test_tomorrow_9am_the_day_before_spring_forward_is_13_utc_not_14() -> None:
    assert when("tomorrow 9am")[0] == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)


def test_next_week_said_on_a_monday_is_the_following_monday() -> None:
    monday = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    assert local("next week", now=monday) == datetime(2026, 3, 16, 9, 0)


def test_next_week_keeps_the_rest_as_text() -> None:
    assert when("next week send the offer")[1] == ["send", "the", "offer"]
