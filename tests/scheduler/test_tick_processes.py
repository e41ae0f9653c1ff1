"""`leadbot tick` as separate processes: one killed mid-delivery, two racing for the same
due reminders. What was due is sent once, by whichever process holds the claim."""

import re
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta

from support import ANN, BEN, NOW

from bot.bootstrap import run_jobs_once
from bot.local.standin import FakeSlack
from domain.config import CONSOLE_WORKSPACE, default_config
from domain.delivery.messages import LEASE
from domain.permissions import system_actor
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead, CaptureChannel
from handlers.context import Context

DUE = NOW + timedelta(minutes=1)
TICK = NOW + timedelta(minutes=2)
HELD = 30  # seconds to wait for a child to reach Slack; it gets there in about one


def reminder_rows(outbox) -> list[dict]:
    """The reminder DMs in the outbox (a tick on a working day also queues the team digest)."""
    return [row for row in outbox() if row["kind"] == "reminder_due"]


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_a_tick_killed_between_claim_and_send_loses_nothing_and_sends_once(
    leadbot, settings, remind_at, fake_slack, delivered, outbox
):
    remind_at(ANN, "call back after the crash", DUE)
    fake_slack.hold("conversations.open")
    try:
        doomed = leadbot.start("tick", "--now", iso(TICK))
        reached = fake_slack.wait_for_call("conversations.open", timeout=HELD)
        assert reached, "still starting" if doomed.poll() is None else leadbot.finish(doomed).stderr
        doomed.send_signal(signal.SIGKILL)
        assert doomed.wait(timeout=HELD) == -signal.SIGKILL
    finally:
        fake_slack.release("conversations.open")
    [row] = reminder_rows(outbox)
    assert (row["status"], row["attempts"], row["claimed_until"]) == ("pending", 0, TICK + LEASE)

    # The dead process's lease still stands: a tick inside it leaves the message alone.
    assert (
        run_jobs_once(settings, default_config(), TICK + LEASE - timedelta(seconds=1))["messages_sent"] == 0
    )
    assert delivered.posts("after the crash", failed=None) == []

    after = leadbot.run("tick", "--now", iso(TICK + LEASE + timedelta(minutes=1)))
    assert after.returncode == 0, after.stderr
    # The reminder, and the day's team digest and (a Monday) the team's weekly chart unless the
    # killed tick, sending side by side, had them out and recorded before the kill (delivery is
    # at least once).
    assert re.search(r"messages_sent=[123]\b", after.stdout), after.stdout
    assert len(delivered.posts("after the crash", failed=None)) == 1
    assert len(delivered.opens(ANN)) == 2  # the killed attempt's and the one that went out
    assert reminder_rows(outbox)[0]["status"] == "sent"


def test_a_tick_stalled_past_its_lease_leaves_the_rest_of_its_batch_to_the_tick_that_took_over(
    leadbot, settings, remind_at, fake_slack
):
    remind_at(ANN, "call back first", DUE)
    remind_at(BEN, "call back second", DUE)
    # The stalled tick talks to a Slack of its own, so holding it there holds nobody else.
    with FakeSlack(team_id=CONSOLE_WORKSPACE) as slow_slack:
        slow_slack.hold("conversations.open")
        slow_slack.fail_next("conversations.open", status=200, error="internal_error")
        try:
            stalled = leadbot.start("tick", "--now", iso(TICK), SLACK_API_URL=slow_slack.url)
            assert slow_slack.wait_for_call("conversations.open", timeout=HELD)
            # Both leases have run out: another tick claims and sends both reminders.
            took_over = run_jobs_once(settings, default_config(), TICK + LEASE + timedelta(minutes=1))
            # Both reminders, and the day's team digest and (a Monday) the week's chart, each
            # unless the stalled tick, sending side by side, had it out and recorded first.
            assert took_over["messages_sent"] in (2, 3, 4)
        finally:
            slow_slack.release("conversations.open")
        assert leadbot.finish(stalled).returncode == 0
        posts = [c for s in (fake_slack, slow_slack) for c in s.calls_to("chat.postMessage") if not c.failed]
        posts = [c for c in posts if c.params["channel"] != "C0SALES"]  # the team digest
    assert sorted(re.search(r"call back (\w+)", call.params["text"])[1] for call in posts) == [
        "first",
        "second",
    ]


def test_two_ticks_at_once_send_each_of_30_reminders_exactly_once(leadbot, remind_at, fake_slack):
    users = [f"U0LOAD{n:03d}" for n in range(30)]
    for n, user in enumerate(users):
        remind_at(user, f"call back reminder-{n:03d}", DUE)

    racers = [leadbot.start("tick", "--now", iso(TICK)) for _ in range(2)]
    results = [leadbot.finish(child) for child in racers]

    assert [result.returncode for result in results] == [0, 0], [result.stderr for result in results]
    sent = [int(re.search(r"messages_sent=(\d+)", result.stdout)[1]) for result in results]
    assert sum(sent) == 30 + 2  # and the day's team digest and (a Monday) weekly chart, once each
    posts = Counter(
        (call.params["channel"], re.search(r"reminder-(\d+)", call.params["text"])[1])
        for call in fake_slack.calls_to("chat.postMessage")
        if call.params["channel"] != "C0SALES"  # the day's team digest
    )
    assert posts == Counter({("D" + user[1:], f"{n:03d}"): 1 for n, user in enumerate(users)})


def test_tick_refuses_a_now_that_is_not_a_date(leadbot):
    refused = leadbot.run("tick", "--now", "not-a-date")

    assert refused.returncode == 2
    assert "'not-a-date' is not ISO-8601" in refused.stderr
    assert "2026-11-23T09:00:00Z" in refused.stderr  # shows a form that works
    assert "Traceback" not in refused.stderr


def test_tick_runs_as_of_the_utc_instant_it_is_given(leadbot, remind_at, delivered):
    nine = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    remind_at(ANN, "call back at nine", nine)
    remind_at("U0REP0BEN", "call back a minute later", nine + timedelta(minutes=1))

    ticked = leadbot.run("tick", "--now", "2026-11-23T09:00:00Z")

    assert ticked.returncode == 0, ticked.stderr
    assert "reminders_queued=1 " in ticked.stdout
    assert len(delivered.posts("at nine")) == 1
    assert delivered.posts("a minute later", failed=None) == []


def web_form_leads(uow_factory, count: int) -> list[str]:
    """Leads from the web form, each announced in the team channel: a backlog in one channel."""
    config = default_config()
    form = Context(system_actor(CONSOLE_WORKSPACE, "web form"), datetime.now(UTC), config)
    names = [f"Backlog Lead {n}" for n in range(count)]
    for name in names:
        add_lead(AddLead(name=name, channel=CaptureChannel.WEBHOOK), uow_factory(), form)
    return names


def test_a_cron_tick_sends_a_channels_backlog_at_its_pace_instead_of_one_message(
    leadbot, uow_factory, delivered
):
    names = web_form_leads(uow_factory, 3)

    ticked = leadbot.run("tick")

    assert ticked.returncode == 0, ticked.stderr
    assert [len(delivered.posts(name)) for name in names] == [1, 1, 1]
    sent = [
        call for call in delivered.fake.calls_to("chat.postMessage") if call.params["channel"] == "C0SALES"
    ]
    assert len(sent) >= 3  # a working day's digest may share the channel


def test_a_tick_without_drain_sends_one_message_per_channel(leadbot, uow_factory, delivered):
    names = web_form_leads(uow_factory, 3)

    ticked = leadbot.run("tick", "--drain", "0")

    assert ticked.returncode == 0, ticked.stderr
    assert sum(len(delivered.posts(name)) for name in names) <= 1  # the channel's first slot
    assert "messages_sent=" in ticked.stdout


def test_drain_needs_the_real_clock(leadbot):
    refused = leadbot.run("tick", "--now", "2026-11-23T09:00:00Z", "--drain", "10")

    assert refused.returncode == 2 and "leave out --now" in refused.stderr
