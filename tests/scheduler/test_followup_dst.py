"""A rep's "tomorrow 9am", set the day before a daylight-saving change, reaches them at 09:00 on
their own wall clock: through the real Bolt app (zone learned from users.info), the real
scheduler jobs, and `leadbot tick --now` as cron runs it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from support import wait_for_zone

REP = "U0REP0ANN"

# (zone, an afternoon the day before a change, tomorrow 09:00 local in UTC)
DST_EVES = [
    # New York springs forward on 2027-03-14: 09:00 EDT is 13:00 UTC, not 14:00.
    ("America/New_York", datetime(2027, 3, 13, 20, 0, tzinfo=UTC), datetime(2027, 3, 14, 13, 0, tzinfo=UTC)),
    # ... and falls back on 2026-11-01: 09:00 EST is 14:00 UTC.
    ("America/New_York", datetime(2026, 10, 31, 20, 0, tzinfo=UTC), datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
    # London goes to BST on 2027-03-28 (09:00 is 08:00 UTC) and back on 2026-10-25.
    ("Europe/London", datetime(2027, 3, 27, 15, 0, tzinfo=UTC), datetime(2027, 3, 28, 8, 0, tzinfo=UTC)),
    ("Europe/London", datetime(2026, 10, 24, 15, 0, tzinfo=UTC), datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),
    # Sydney leaves daylight time on 2027-04-04 (AEST, +10) and enters it on 2026-10-04 (+11).
    ("Australia/Sydney", datetime(2027, 4, 3, 5, 0, tzinfo=UTC), datetime(2027, 4, 3, 23, 0, tzinfo=UTC)),
    ("Australia/Sydney", datetime(2026, 10, 3, 5, 0, tzinfo=UTC), datetime(2026, 10, 3, 22, 0, tzinfo=UTC)),
]


@pytest.fixture
def rep_in(fake_slack):
    saved = dict(fake_slack.users)

    def place(zone: str) -> None:
        fake_slack.users[REP] = {"name": "ann", "tz": zone}

    yield place
    fake_slack.users.clear()
    fake_slack.users.update(saved)


def ask_tomorrow_9am(slack, runtime, evening: datetime) -> None:
    """On that afternoon: first contact (the zone is learned after the ack), then the reminder."""
    with time_machine.travel(evening, tick=True):
        slack.slash(REP, "add Dana Scully")
        wait_for_zone(runtime.uow_factory, slack.team_id, REP)
        reply = slack.slash(REP, "remind L-1 tomorrow 9am call back")
    assert "remind you about" in reply.text, reply.text


@pytest.mark.parametrize(("zone", "evening", "nine_local"), DST_EVES)
def test_tomorrow_9am_fires_at_9_local_across_the_change_and_not_before(
    slack, runtime, rep_in, delivered, zone, evening, nine_local
):
    rep_in(zone)
    ask_tomorrow_9am(slack, runtime, evening)

    runtime.run_jobs(nine_local - timedelta(minutes=1))
    runtime.run_jobs(nine_local - timedelta(seconds=1))
    assert delivered.posts("call back") == []

    runtime.run_jobs(nine_local)
    runtime.run_jobs(nine_local + timedelta(minutes=10))
    [dm] = delivered.posts("call back")
    assert dm.params["channel"] == "D" + REP[1:]  # the DM conversations.open gave


def test_leadbot_tick_at_the_instant_delivers_it_once(slack, runtime, rep_in, delivered, leadbot):
    zone, evening, nine_local = DST_EVES[0]
    rep_in(zone)
    ask_tomorrow_9am(slack, runtime, evening)

    early = leadbot.run("tick", "--now", (nine_local - timedelta(seconds=1)).isoformat())
    assert early.returncode == 0, early.stderr
    assert delivered.posts("call back") == []

    for _ in range(2):
        on_time = leadbot.run("tick", "--now", nine_local.isoformat())
        assert on_time.returncode == 0, on_time.stderr
    assert len(delivered.posts("call back")) == 1


def test_an_unfinished_follow_up_resurfaces_the_next_working_morning_in_the_reps_zone(
    slack, runtime, rep_in, delivered
):
    zone, evening, nine_local = DST_EVES[2]  # London, Saturday before the clocks go forward
    rep_in(zone)
    ask_tomorrow_9am(slack, runtime, evening)
    runtime.run_jobs(nine_local)  # Sunday 09:00 BST: delivered, never marked done

    monday_9_bst = datetime(2027, 3, 29, 8, 0, tzinfo=UTC)
    runtime.run_jobs(monday_9_bst - timedelta(seconds=1))
    assert delivered.posts("Still open") == []
    runtime.run_jobs(monday_9_bst)
    runtime.run_jobs(monday_9_bst + timedelta(hours=2))
    assert len(delivered.posts("Still open")) == 1
