"""Delivery under Slack's rules: a message Slack refuses for its content is shortened and
sent once more, else dead and the admins told; a person's DM channel is opened once and
remembered; a 429 is waited out, nothing lost or sent twice; and the one-a-second pace per
conversation holds between two senders with their own database sessions."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sender_support import two_senders
from support import ADA, ANN, BEN

from bot.blocks.text import SlackMessage
from bot.delivery.send import make_deliver, shortened
from bot.operations.database import open_database
from domain.delivery import pacing
from domain.delivery.messages import MessageKind, OutboxMessage, message_body
from handlers.delivery.dm_channels import RememberedDms
from scheduler.jobs import flush_outbox

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TEAM = "T0CONSOLE"
LONG = "word " * 1_000  # 5,000 characters a section: three of them are too long together


def queue(uow_factory, key, payload, kind=MessageKind.CHANNEL_POST, at=NOW):
    with uow_factory() as uow:
        uow.outbox.add(OutboxMessage(TEAM, key, message_body(kind, payload)), at)
        uow.commit()


def reminder(user, text):
    lead = {"ref": "L-1", "name": "Dana", "company": None, "status": "new"}
    return {"user": user, "text": text, "due_at": NOW.isoformat(), "tz": "UTC", "nudge": 0, "lead": lead}


def flush(runtime, uow_factory, at=NOW):
    return flush_outbox(at, uow_factory, runtime.deliver, runtime.config.admins)


def status(outbox, key):
    [row] = [row for row in outbox() if row["dedupe_key"] == key]
    return row


def posts_to(fake_slack, channel):
    return [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == channel]


@pytest.mark.slack_refusals
def test_a_message_too_long_for_slack_is_shortened_and_sent_once_more(
    runtime, uow_factory, fake_slack, outbox
):
    fake_slack.fail_next("chat.postMessage", status=200, error="msg_blocks_too_long")
    queue(uow_factory, "long", {"channel": "C0SALES", "text": "A long post"})

    assert flush(runtime, uow_factory) == 1

    first, second = posts_to(fake_slack, "C0SALES")
    assert first.failed and not second.failed
    assert status(outbox, "long")["status"] == "sent"


@pytest.mark.slack_refusals
def test_a_message_refused_again_once_shortened_is_dead_and_the_admins_are_told(
    runtime, uow_factory, fake_slack, outbox
):
    fake_slack.fail_next("chat.postMessage", status=200, error="invalid_blocks", times=2)
    lead = {"ref": "L-7", "name": "Dana", "company": None, "status": "new"}
    queue(
        uow_factory,
        "broken",
        {"channel": "C0SALES", "lead": lead, "via": "web form"},
        MessageKind.LEAD_ANNOUNCED,
    )

    flush(runtime, uow_factory)
    flush(runtime, uow_factory, NOW + timedelta(hours=2))  # no blind retry, however late

    first, shortened = posts_to(fake_slack, "C0SALES")
    assert "blocks" in first.params and "blocks" not in shortened.params  # its text alone
    dead = status(outbox, "broken")
    assert (dead["status"], dead["attempts"]) == ("dead", 1)
    assert "invalid_blocks" in dead["last_error"]
    [alert] = posts_to(fake_slack, "D" + ADA[1:])
    assert "invalid_blocks" in alert.params["text"] and "C0SALES" in alert.params["text"]


def test_a_persons_dm_channel_is_opened_once_and_remembered_across_restarts(
    runtime, uow_factory, fake_slack, database_url
):
    for n in range(3):
        queue(uow_factory, f"ann:{n}", reminder(ANN, f"call {n}"), MessageKind.REMINDER_DUE)
    for second in range(3):
        flush(runtime, uow_factory, NOW + timedelta(seconds=second))
        fake_slack.limits.reset()  # the fake clock's seconds pass in milliseconds

    # A new process: a deliverer of its own over the same database.
    _, restarted = open_database(database_url)
    deliver = make_deliver(runtime.client, RememberedDms(restarted))
    queue(
        uow_factory,
        "ann:later",
        reminder(ANN, "call later"),
        MessageKind.REMINDER_DUE,
        NOW + timedelta(days=1),
    )
    flush_outbox(NOW + timedelta(days=1), restarted, deliver)

    assert [c.params["users"] for c in fake_slack.calls_to("conversations.open")] == [ANN]
    assert len(posts_to(fake_slack, "D" + ANN[1:])) == 4
    with uow_factory() as uow:
        assert uow.dm_channels.of(TEAM, ANN) == "D" + ANN[1:]


@pytest.mark.slack_refusals
def test_when_conversations_open_is_at_its_limit_the_dm_goes_to_the_person_and_waits_no_open(
    runtime, uow_factory, fake_slack
):
    fake_slack.fail_next("conversations.open", status=429, retry_after=60)
    queue(uow_factory, "ann", reminder(ANN, "call ann"), MessageKind.REMINDER_DUE)
    queue(uow_factory, "ben", reminder(BEN, "call ben"), MessageKind.REMINDER_DUE, NOW + timedelta(seconds=1))

    flush(runtime, uow_factory)
    flush(runtime, uow_factory, NOW + timedelta(seconds=1))

    assert len(fake_slack.calls_to("conversations.open")) == 1  # Retry-After: no other until then
    assert [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")] == [ANN, BEN]
    with uow_factory() as uow:
        assert uow.dm_channels.of(TEAM, ANN) == "D" + ANN[1:]  # named by Slack's answer


@pytest.mark.slack_refusals
def test_a_429_is_waited_out_and_the_message_sent_once(runtime, uow_factory, fake_slack, outbox):
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=2)
    queue(uow_factory, "limited", {"channel": "C0SALES", "text": "limited"})

    assert flush(runtime, uow_factory) == 0
    assert flush(runtime, uow_factory, NOW + timedelta(seconds=1)) == 0  # Retry-After not yet over
    assert flush(runtime, uow_factory, NOW + timedelta(seconds=2)) == 1

    assert [c.failed for c in posts_to(fake_slack, "C0SALES")] == [True, False]
    assert status(outbox, "limited")["status"] == "sent"


def test_two_senders_with_their_own_sessions_keep_each_conversation_to_one_a_second(
    uow_factory, fake_slack, database_url, monkeypatch
):
    """On the real clock (about 2 s): two senders, each with its own engine, both sending as
    slots come; Slack's limits are on, and no two posts to one channel are under a second apart.
    (With no burst: the burst between two senders is test_pacing_burst.py's.)"""
    monkeypatch.setattr(pacing, "BURST", 1)
    now = datetime.now(UTC)
    for channel in ("C0ONE", "C0TWO"):
        for n in range(3):
            queue(uow_factory, f"{channel}:{n}", {"channel": channel, "text": f"{channel} {n}"}, at=now)
    fake_slack.limits.latency = 0.02

    two_senders(database_url, fake_slack.url)

    posts = [c for c in fake_slack.calls_to("chat.postMessage") if not c.failed]
    assert not [c for c in fake_slack.calls if c.retry_after]  # Slack never had to say wait
    for channel in ("C0ONE", "C0TWO"):
        times = sorted(c.at for c in posts if c.params["channel"] == channel)
        texts = sorted(c.params["text"] for c in posts if c.params["channel"] == channel)
        assert texts == [f"{channel} {n}" for n in range(3)]  # each once
        assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 1.0


def test_shortened_keeps_the_text_alone_cut_to_what_slack_takes():
    cut = shortened(SlackMessage(text=LONG, blocks=[{"type": "divider"}]), "invalid_blocks")

    assert cut.blocks == [] and len(cut.text) == 3_000 and cut.text.endswith("…")
    assert shortened(SlackMessage(text="fine", blocks=[]), "no_text").text == "fine"
    assert re.search(r"ask an admin", shortened(SlackMessage(text=" ", blocks=[]), "no_text").text)
