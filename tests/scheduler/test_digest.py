"""The daily team digest: at each team's local time across daylight-saving changes, once per
team per day with two servers ticking at once, and once (late) after an outage; overdue
reminders after an outage arrive once each, and many of them as one "while I was away"."""

import json
import re
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from slack_sdk import WebClient
from support import ANN, BEN, MIA, context_of, run_paced, wait_for_calls

from bot.delivery.send import make_deliver
from bot.local.standin.workspace import buttons_in
from bot.operations.database import open_database
from domain.config import LeadbotConfig, SalesTeam
from handlers.commands import AddLead, CaptureChannel, LoseLead
from handlers.registry import dispatch
from scheduler.jobs import Jobs, run_all

LONDON = SalesTeam(
    key="ldn", name="London", channel="C0LDN", timezone="Europe/London", members=(ANN,), managers=(MIA,)
)
NEW_YORK = SalesTeam(key="nyc", name="New York", channel="C0NYC", timezone="America/New_York", members=(BEN,))
SYDNEY = SalesTeam(key="syd", name="Sydney", channel="C0SYD", timezone="Australia/Sydney")

# (channel, the first working day after a DST change, 08:30 local that day in UTC)
DIGEST_TIMES = [
    ("C0LDN", datetime(2027, 3, 29, 7, 30, tzinfo=UTC)),  # London, first Monday of BST
    ("C0LDN", datetime(2026, 10, 26, 8, 30, tzinfo=UTC)),  # ... and of GMT again
    ("C0NYC", datetime(2027, 3, 15, 12, 30, tzinfo=UTC)),  # New York, first Monday of EDT
    ("C0NYC", datetime(2026, 11, 2, 13, 30, tzinfo=UTC)),  # ... and of EST
    ("C0SYD", datetime(2026, 10, 4, 21, 30, tzinfo=UTC)),  # Sydney, Monday 5 Oct, first of AEDT
    ("C0SYD", datetime(2027, 4, 4, 22, 30, tzinfo=UTC)),  # Monday 5 Apr, first of AEST
]


@pytest.fixture
def config() -> LeadbotConfig:
    return LeadbotConfig(teams=(LONDON, NEW_YORK, SYDNEY), admins=("U0ADM0ADA",))


@pytest.fixture
def lead_at(uow_factory, config):
    """A lead captured by `user` at `when` (the workspace exists from its first lead on)."""

    def add(user: str, when: datetime, name: str = "Dana Scully", **fields: str) -> int:
        added = dispatch(AddLead(name=name, fields=fields), uow_factory(), context_of(config, user, now=when))
        return added.lead.number

    return add


def digests(fake_slack, channel: str) -> list:
    posts = fake_slack.calls_to("chat.postMessage")
    return [
        c
        for c in posts
        if c.params.get("channel") == channel and "digest" in c.params["text"] and not c.failed
    ]


def quick_deliver(fake_slack):
    """The real delivery, through a WebClient without the in-place 5xx retry (a real sleep per
    failed call): what these tests exercise is the outbox's own backoff and dedupe."""
    return make_deliver(WebClient(token="xoxb-test", base_url=fake_slack.url, timeout=5))


@pytest.mark.parametrize(("channel", "at"), DIGEST_TIMES)
def test_each_team_gets_its_digest_at_its_local_time_across_daylight_saving(
    runtime, lead_at, fake_slack, channel, at
):
    lead_at(ANN, at - timedelta(days=3))
    with time_machine.travel(at, tick=True):
        runtime.run_jobs(at - timedelta(seconds=1))
        assert digests(fake_slack, channel) == []
        runtime.run_jobs(at)
        runtime.run_jobs(at + timedelta(hours=3))
    [digest] = digests(fake_slack, channel)
    assert len(digest.params["blocks"]) <= 50


def test_a_digest_reports_since_the_last_one_by_source_with_losses_and_show_buttons(
    runtime, lead_at, uow_factory, config, fake_slack
):
    monday = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # London is on GMT: 08:30 local
    lead_at(ANN, monday - timedelta(hours=1), name="Old One")
    runtime.run_jobs(monday)
    lead_at(ANN, monday + timedelta(hours=2), name="<!channel> Web One", source="web")
    lead_at(ANN, monday + timedelta(hours=3), name="Web Two", source="web")
    number = lead_at(ANN, monday + timedelta(hours=4), name="Referral", source="referral")
    lost = LoseLead(number=number, reason="timing")
    dispatch(lost, uow_factory(), context_of(config, ANN, now=monday + timedelta(hours=5)))

    runtime.run_jobs(monday + timedelta(days=1))
    first, second = digests(fake_slack, "C0LDN")
    text = str(second.params["blocks"])
    assert "*New leads*: 3 (web 2 · referral 1)" in text
    assert "*Lost*: 1 (timing 1)" in text
    assert "Old One" not in text.split("*Hot leads*")[0].split("*New leads*")[1]
    assert "<!channel>" not in text
    assert second.params["text"].startswith("📊 London digest · 2026-11-24")


def test_two_servers_ticking_together_post_one_digest_per_team_per_day(
    database_url, lead_at, fake_slack, config
):
    lead_at(ANN, datetime(2026, 11, 20, tzinfo=UTC))
    servers = [open_database(database_url) for _ in range(2)]
    deliver = quick_deliver(fake_slack)
    start = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    ticks = [start + timedelta(minutes=10 * n) for n in range(6 * 24 * 2)]  # two days, every 10 min
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def serve(uow_factory) -> None:
        try:
            for now in ticks[::6] + [t for t in ticks if t.minute == 30]:
                barrier.wait(timeout=30)
                run_all(now, Jobs(uow_factory, deliver, config=config))
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=serve, args=(factory,)) for _, factory in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for engine, _ in servers:
        engine.dispose()

    assert errors == []
    for channel in ("C0LDN", "C0NYC", "C0SYD"):
        days = Counter(
            re.search(r"digest · ([0-9-]{10})", c.params["text"])[1] for c in digests(fake_slack, channel)
        )
        assert days and set(days.values()) == {1}, (channel, days)


@pytest.mark.slack_unlimited  # a fake clock: its 40 "seconds" pass in a moment
def test_after_a_ten_minute_slack_outage_every_reminder_and_the_digest_arrive_once(
    database, remind_at, lead_at, fake_slack, outbox, config
):
    _, uow_factory = database
    deliver = quick_deliver(fake_slack)
    start = datetime(2026, 11, 24, 8, 25, tzinfo=UTC)  # London digest at 08:30, inside the outage
    lead_at(ANN, start - timedelta(days=1))
    for n in range(100):
        remind_at([ANN, BEN, MIA][n % 3], f"call back reminder-{n:03d}", start + timedelta(seconds=6 * n))

    fake_slack.down()
    for minute in range(11):
        run_all(start + timedelta(minutes=minute), Jobs(uow_factory, deliver, config=config))
    assert digests(fake_slack, "C0LDN") == []
    fake_slack.up()
    # About 34 DMs a person: at Slack's pace, about 34 seconds.
    run_paced(
        lambda at: run_all(at, Jobs(uow_factory, deliver, config=config)), start + timedelta(minutes=15), 40
    )
    for later in (30, 60, 120):
        run_all(start + timedelta(minutes=later), Jobs(uow_factory, deliver, config=config))

    posts = [c for c in fake_slack.calls_to("chat.postMessage") if not c.failed]
    reminders = Counter(m for c in posts for m in re.findall(r"reminder-(\d+)", c.params["text"]))
    assert reminders == Counter({f"{n:03d}": 1 for n in range(100)})
    assert len(digests(fake_slack, "C0LDN")) == 1
    assert {row["status"] for row in outbox()} == {"sent"}


def test_after_the_server_was_down_missed_reminders_come_as_one_dm_and_the_digest_once_late(
    database, remind_at, lead_at, fake_slack, config
):
    _, uow_factory = database
    deliver = quick_deliver(fake_slack)
    start = datetime(2026, 11, 24, 8, 20, tzinfo=UTC)
    lead_at(ANN, start - timedelta(days=1))
    for n in range(5):
        remind_at(ANN, f"call back missed-{n}", start + timedelta(minutes=n))
    for n in range(2):
        remind_at(BEN, f"call back few-{n}", start + timedelta(minutes=n))

    # Down from 08:20 to 08:50, past the 08:30 digest: the first ticks after it.
    for tick in (start + timedelta(minutes=30), start + timedelta(minutes=31)):
        run_all(tick, Jobs(uow_factory, deliver, config=config))

    posts = [c for c in fake_slack.calls_to("chat.postMessage") if not c.failed]
    [away] = [c for c in posts if "While I was away" in c.params["text"]]
    assert away.params["channel"] == "D" + ANN[1:]
    assert sorted(re.findall(r"missed-(\d)", str(away.params["blocks"]))) == ["0", "1", "2", "3", "4"]
    assert len([c for c in posts if "few-" in c.params["text"]]) == 2  # three or fewer: one by one
    [digest] = digests(fake_slack, "C0LDN")
    assert "Late" in str(digest.params["blocks"])


def test_a_day_missed_entirely_is_covered_by_the_next_digest_not_sent_late(
    database, lead_at, fake_slack, config
):
    _, uow_factory = database
    deliver = quick_deliver(fake_slack)
    monday = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    lead_at(ANN, monday - timedelta(days=1))
    run_all(monday, Jobs(uow_factory, deliver, config=config))
    lead_at(ANN, monday + timedelta(days=1), name="Came In On Tuesday", source="web")
    # Down all Tuesday; back on Wednesday, a minute before its digest time.
    wednesday = monday + timedelta(days=2)
    for now in (wednesday - timedelta(minutes=1), wednesday, wednesday + timedelta(minutes=5)):
        run_all(now, Jobs(uow_factory, deliver, config=config))

    days = [re.search(r"digest · ([0-9-]{10})", c.params["text"])[1] for c in digests(fake_slack, "C0LDN")]
    assert days == ["2026-11-23", "2026-11-25"]
    assert "*New leads*: 1 (web 1)" in str(digests(fake_slack, "C0LDN")[1].params["blocks"])


def test_show_on_a_digest_opens_the_card_for_whoever_may_see_it(
    runtime, slack, uow_factory, config, fake_slack
):
    monday = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    web_form = AddLead(name="Unclaimed Lead", channel=CaptureChannel.WEBHOOK, sales_team="ldn")
    dispatch(web_form, uow_factory(), context_of(config, "web form", now=monday - timedelta(hours=1)))
    run_paced(runtime.run_jobs, monday)  # the digest follows the lead's announcement there
    [digest] = digests(fake_slack, "C0LDN")
    message = {"ts": "1.0", "text": digest.params["text"], "blocks": digest.params["blocks"]}
    [show] = [b for b in buttons_in(digest.params["blocks"]) if b.value == "1"]

    slack.click(ANN, show, message=message, channel_id="C0LDN")

    [card] = wait_for_calls(fake_slack, "response_url")
    assert "Unclaimed Lead" in json.dumps(card.params)
