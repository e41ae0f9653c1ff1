"""Slack takes about one message a second per channel: the outbox spaces a burst to one
channel over its seconds, by rescheduling rather than sleeping, and other channels go on."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.delivery import pacing
from domain.delivery.messages import MessageKind, OutboxMessage, message_body
from handlers.delivery.deliver import deliver_outbox
from scheduler.jobs import flush_outbox

# A fake clock: seconds here pass in milliseconds, which Slack's own limits would refuse.
pytestmark = pytest.mark.slack_unlimited
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TEAM = "T0CONSOLE"


@pytest.fixture(autouse=True)
def spent_burst(monkeypatch):
    """These tests are about the spacing once a conversation's burst is spent: with no burst,
    every message after the first waits its second (the burst: test_pacing_burst.py)."""
    monkeypatch.setattr(pacing, "BURST", 1)


def queue(uow_factory, key, payload, kind=MessageKind.CHANNEL_POST, at=NOW):
    with uow_factory() as uow:
        uow.outbox.add(OutboxMessage(TEAM, key, message_body(kind, payload)), at)
        uow.commit()


def post(channel, text):
    return {"channel": channel, "text": text}


def answer(user, text):
    """A queued command's answer with no response_url left: it goes to the person's DM."""
    return {"user": user, "message": {"text": text}}


def sweep_each_second(fake_slack, runtime, uow_factory, seconds):
    """Flush at NOW, NOW+1s, ...; returns (instant, channel, text) for every post, the
    instant being the `now` of the flush that made it."""
    sent = []
    for second in range(seconds):
        at = NOW + timedelta(seconds=second)
        before = len(fake_slack.calls_to("chat.postMessage"))
        flush_outbox(at, uow_factory, runtime.deliver)
        for call in fake_slack.calls_to("chat.postMessage")[before:]:
            sent.append((at, call.params["channel"], call.params["text"]))
    return sent


def test_a_burst_to_one_channel_goes_out_a_second_apart_and_in_order(
    runtime, uow_factory, fake_slack, outbox
):
    for n in range(10):
        queue(uow_factory, f"burst:{n}", post("C0SALES", f"burst {n}"))

    first = deliver_outbox(NOW, uow_factory, runtime.deliver)
    assert (first.sent, first.deferred) == (1, 9)
    waiting = sorted(row["next_attempt_at"] for row in outbox() if row["status"] == "pending")
    assert waiting == [NOW + timedelta(seconds=n) for n in range(1, 10)]

    sent = [(NOW, "C0SALES", "burst 0")] + sweep_each_second(fake_slack, runtime, uow_factory, 12)
    instants = [at for at, _, _ in sent]
    assert [text for _, _, text in sent] == [f"burst {n}" for n in range(10)]
    gaps = [later - earlier for earlier, later in zip(instants, instants[1:], strict=False)]
    assert min(gaps) >= timedelta(seconds=1)
    assert instants[-1] - instants[0] >= timedelta(seconds=9)
    assert {row["status"] for row in outbox()} == {"sent"}


def test_another_channels_message_is_not_held_up_by_a_burst(runtime, uow_factory, fake_slack):
    for n in range(30):  # more than one claim batch, all ahead of the other channel's message
        queue(uow_factory, f"burst:{n}", post("C0SALES", f"burst {n}"))
    queue(uow_factory, "other", post("C0OTHER", "the other channel"))

    sent = sweep_each_second(fake_slack, runtime, uow_factory, 1)
    assert (NOW, "C0OTHER", "the other channel") in sent
    assert [channel for _, channel, _ in sent].count("C0SALES") == 1


def test_dms_are_paced_per_person_before_the_dm_is_opened(runtime, uow_factory, fake_slack):
    for n in range(3):
        queue(uow_factory, f"ann:{n}", answer("U0REP0ANN", f"ann {n}"), MessageKind.COMMAND_REPLY)
    queue(uow_factory, "ben", answer("U0REP0BEN", "ben"), MessageKind.COMMAND_REPLY)

    report = deliver_outbox(NOW, uow_factory, runtime.deliver)

    assert (report.sent, report.deferred) == (2, 2)
    opened = [call.params["users"] for call in fake_slack.calls_to("conversations.open")]
    assert sorted(opened) == ["U0REP0ANN", "U0REP0BEN"]


def test_pacing_holds_across_sweeps_and_for_messages_queued_later(runtime, uow_factory, fake_slack, outbox):
    queue(uow_factory, "first", post("C0SALES", "first"))
    deliver_outbox(NOW, uow_factory, runtime.deliver)
    half = NOW + timedelta(milliseconds=500)
    queue(uow_factory, "second", post("C0SALES", "second"), at=half)

    assert deliver_outbox(half, uow_factory, runtime.deliver).deferred == 1
    [second] = [row for row in outbox() if row["dedupe_key"] == "second"]
    assert second["next_attempt_at"] == NOW + timedelta(seconds=1)
    assert deliver_outbox(NOW + timedelta(seconds=1), uow_factory, runtime.deliver).sent == 1


def test_a_429_makes_the_whole_channel_wait_its_retry_after(runtime, uow_factory, fake_slack, outbox):
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=30)
    queue(uow_factory, "limited", post("C0SALES", "limited"))
    deliver_outbox(NOW, uow_factory, runtime.deliver)
    queue(uow_factory, "next", post("C0SALES", "next"), at=NOW + timedelta(seconds=5))

    assert deliver_outbox(NOW + timedelta(seconds=5), uow_factory, runtime.deliver).deferred == 1

    waiting = {row["dedupe_key"]: row["next_attempt_at"] for row in outbox()}
    assert waiting["limited"] == NOW + timedelta(seconds=30)
    assert waiting["next"] >= NOW + timedelta(seconds=30)
