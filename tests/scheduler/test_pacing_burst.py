"""Slack takes a short burst before its one-a-second pace per conversation bites: a rested
channel takes a second message at once instead of a second later, a third waits its turn,
after a 429 the channel takes one at a time, and on the real clock, with the stand-in's
limits on, two senders' bursts never draw a 429."""

from datetime import UTC, datetime

import pytest
from sender_support import two_senders

from domain.delivery import pacing
from domain.delivery.messages import MessageKind, OutboxMessage, message_body
from handlers.delivery.deliver import deliver_outbox
from scheduler.jobs import kicked_round
from store.delivery.pacing import RECHECK

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SECOND = pacing.SPACING
TEAM = "T0CONSOLE"


def queue(uow_factory, key, channel="C0SALES", at=NOW):
    body = message_body(MessageKind.CHANNEL_POST, {"channel": channel, "text": key})
    with uow_factory() as uow:
        uow.outbox.add(OutboxMessage(TEAM, key, body), at)
        uow.commit()


def texts(fake_slack, channel="C0SALES"):
    return [
        c.params["text"] for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == channel
    ]


def waiting(outbox):
    return sorted(row["next_attempt_at"] for row in outbox() if row["status"] == "pending")


@pytest.mark.slack_unlimited  # a fake clock: its seconds pass in milliseconds
def test_a_second_message_for_a_rested_channel_goes_at_once_and_a_third_waits_its_second(
    runtime, uow_factory, fake_slack, outbox
):
    queue(uow_factory, "first")
    assert deliver_outbox(NOW, uow_factory, runtime.deliver).sent == 1

    half = NOW + SECOND / 2
    queue(uow_factory, "second", at=half)
    assert deliver_outbox(half, uow_factory, runtime.deliver).sent == 1  # not held for the pace

    queue(uow_factory, "third", at=half)
    assert deliver_outbox(half, uow_factory, runtime.deliver).deferred == 1
    assert waiting(outbox) == [NOW + SECOND]  # the burst is spent: one a second from the first
    assert texts(fake_slack) == ["first", "second"]


@pytest.mark.slack_unlimited
def test_a_burst_queued_at_once_goes_out_two_then_one_a_second_in_order(
    runtime, uow_factory, fake_slack, outbox
):
    for n in range(4):
        queue(uow_factory, f"burst {n}")

    first = deliver_outbox(NOW, uow_factory, runtime.deliver)

    # One message on its way to a conversation at a time: the second goes once the first landed.
    assert (first.sent, first.deferred) == (1, 3)
    assert waiting(outbox) == [NOW + RECHECK, NOW + SECOND, NOW + 2 * SECOND]
    for at in (NOW + RECHECK, NOW + SECOND, NOW + 2 * SECOND):
        assert deliver_outbox(at, uow_factory, runtime.deliver).sent == 1
    assert texts(fake_slack) == [f"burst {n}" for n in range(4)]


@pytest.mark.slack_unlimited
def test_after_a_429_the_channel_takes_one_message_at_a_time(runtime, uow_factory, fake_slack):
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=30)
    queue(uow_factory, "limited")
    deliver_outbox(NOW, uow_factory, runtime.deliver)
    for key in ("next", "after"):
        queue(uow_factory, key, at=NOW + 5 * SECOND)

    assert deliver_outbox(NOW + 5 * SECOND, uow_factory, runtime.deliver).deferred == 2
    # Slack's bucket is empty after a 429: no burst once its Retry-After is over.
    for second in (30, 31, 32):
        assert deliver_outbox(NOW + second * SECOND, uow_factory, runtime.deliver).sent == 1
    assert texts(fake_slack) == ["limited", "limited", "next", "after"]


@pytest.mark.slack_unlimited
def test_with_no_burst_a_second_message_waits_its_second(runtime, uow_factory, monkeypatch):
    monkeypatch.setattr(pacing, "BURST", 1)
    queue(uow_factory, "first")
    deliver_outbox(NOW, uow_factory, runtime.deliver)
    queue(uow_factory, "second", at=NOW + SECOND / 2)

    assert deliver_outbox(NOW + SECOND / 2, uow_factory, runtime.deliver).deferred == 1


def test_two_senders_bursts_draw_no_429_from_slack(uow_factory, fake_slack, database_url):
    """On the real clock (about 2 s), Slack's limits on: two senders with their own engines
    send three messages to each of two channels as slots come; each goes once, none refused."""
    now = datetime.now(UTC)
    for channel in ("C0ONE", "C0TWO"):
        for n in range(3):
            queue(uow_factory, f"{channel} {n}", channel=channel, at=now)
    fake_slack.limits.latency = 0.02

    two_senders(database_url, fake_slack.url)

    assert not [c for c in fake_slack.calls if c.retry_after]  # Slack never had to say wait
    for channel in ("C0ONE", "C0TWO"):
        assert sorted(texts(fake_slack, channel)) == [f"{channel} {n}" for n in range(3)]  # each once


def test_a_kicked_round_says_when_its_next_paced_message_falls_due(runtime, uow_factory, fake_slack):
    """So whoever runs the rounds wakes for that slot instead of waiting for a timer's tick."""
    now = datetime.now(UTC)
    for n in range(3):
        queue(uow_factory, f"paced {n}", at=now)

    due_in = kicked_round(runtime.jobs, lambda: datetime.now(UTC))

    sent = texts(fake_slack)
    assert sent[0] == "paced 0" and "paced 2" not in sent  # the third waits its second
    assert due_in is not None and 0 <= due_in <= SECOND.total_seconds()
    assert not [c for c in fake_slack.calls if c.retry_after]


def test_a_kicked_round_with_nothing_pending_asks_for_no_early_wake(runtime):
    assert kicked_round(runtime.jobs, lambda: datetime.now(UTC)) is None


@pytest.mark.slack_unlimited
def test_a_newcomer_waits_behind_the_messages_holding_slots_even_when_the_channel_has_room(
    runtime, uow_factory, fake_slack
):
    """First come, first served: the channel has room right after the first lands, but that
    room is the second message's; a message queued meanwhile takes the slot after the last."""
    for n in range(3):
        queue(uow_factory, f"burst {n}")
    deliver_outbox(NOW, uow_factory, runtime.deliver)
    soon = NOW + RECHECK / 2
    queue(uow_factory, "newcomer", at=soon)

    assert deliver_outbox(soon, uow_factory, runtime.deliver).sent == 0
    for at in (NOW + RECHECK, NOW + SECOND, NOW + 2 * SECOND):
        assert deliver_outbox(at, uow_factory, runtime.deliver).sent == 1
    assert texts(fake_slack) == ["burst 0", "burst 1", "burst 2", "newcomer"]
