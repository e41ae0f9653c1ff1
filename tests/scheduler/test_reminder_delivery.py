"""A due reminder becomes exactly one DM, through Slack outages, rate limits, refusals and
restarts: the ticks run the real jobs against the real database and the Slack stand-in."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from support import ANN

from bot.bootstrap import build_runtime
from domain.config import LeadbotConfig, default_config
from domain.delivery.messages import MessageKind

# Posted at a set hour of the day (the chart: of a Monday): they fall due whenever the suite
# happens to run across it.
TIMED = {MessageKind.TEAM_DIGEST, MessageKind.QUIET_LEADS, MessageKind.WEEKLY_CHART}


@pytest.fixture
def config() -> LeadbotConfig:
    """The default team without a channel: no digest or chart takes a tick's first post (and
    a fault queued for it), whatever the hour the suite runs."""
    base = default_config()
    teams = tuple(team.model_copy(update={"channel": None}) for team in base.teams)
    return base.model_copy(update={"teams": teams})


@pytest.fixture
def outbox(outbox):
    """The conftest's outbox rows, less the timed posts: this file is about reminders."""
    return lambda: [row for row in outbox() if row["kind"] not in TIMED]


def test_a_reminder_is_sent_once_when_due_and_not_before(runtime, remind_via_slack, delivered, outbox):
    due = remind_via_slack(ANN, "call back <!channel> & bring the deck")

    runtime.run_jobs(datetime.now(UTC))
    assert delivered.posts("call back", failed=None) == []
    assert delivered.opens(ANN) == []

    runtime.run_jobs(due)
    [opened] = delivered.opens(ANN)
    [post] = delivered.posts("call back")
    text = post.params["text"]
    assert "L-1" in text
    escaped = "call back &lt;!channel&gt; &amp; bring the deck"
    shown = shown_text(post.params["blocks"])
    assert escaped in text and any(escaped in line for line in shown)
    assert not any("<!channel>" in line for line in [text, *shown])
    [row] = outbox()
    assert (row["status"], row["attempts"], row["slack_channel"]) == ("sent", 1, post.params["channel"])

    runtime.run_jobs(due + timedelta(hours=1))
    assert delivered.opens(ANN) == [opened]
    assert delivered.posts("call back", failed=None) == [post]


def test_slack_down_keeps_the_message_pending_and_it_goes_out_once_slack_is_back(
    runtime, remind_via_slack, delivered, outbox, fake_slack
):
    due = remind_via_slack(ANN, "call back after the outage")
    fake_slack.down()

    runtime.run_jobs(due)
    [row] = outbox()
    assert (row["status"], row["attempts"], row["sent_at"]) == ("pending", 1, None)
    assert "503" in row["last_error"]
    assert row["next_attempt_at"] > due
    assert delivered.posts("outage") == []

    fake_slack.up()
    tried = len(fake_slack.calls)
    runtime.run_jobs(row["next_attempt_at"] - timedelta(seconds=1))  # still backing off
    assert len(fake_slack.calls) == tried

    runtime.run_jobs(row["next_attempt_at"])
    runtime.run_jobs(row["next_attempt_at"] + timedelta(hours=1))
    assert len(delivered.posts("outage")) == 1
    assert outbox()[0]["status"] == "sent"


def test_a_rate_limited_message_waits_for_retry_after_then_goes_out_once(
    runtime, remind_via_slack, delivered, outbox, fake_slack
):
    due = remind_via_slack(ANN, "call back when allowed")
    # The outbox's client does not sleep on a 429: the outbox reschedules instead.
    fake_slack.fail_next("chat.postMessage", status=429, times=1, retry_after=1)

    runtime.run_jobs(due)
    [row] = outbox()
    assert (row["status"], row["attempts"], row["sent_at"]) == ("pending", 1, None)
    assert "429" in row["last_error"]
    assert row["next_attempt_at"] == due + timedelta(seconds=1)  # Retry-After, not the 5 s backoff
    assert len(delivered.posts("when allowed", failed=True)) == 1

    tried = len(fake_slack.calls)
    runtime.run_jobs(due + timedelta(milliseconds=500))
    assert len(fake_slack.calls) == tried

    runtime.run_jobs(due + timedelta(seconds=1))
    runtime.run_jobs(due + timedelta(hours=1))
    assert len(delivered.posts("when allowed")) == 1
    assert outbox()[0]["status"] == "sent"


@pytest.mark.parametrize(
    ("method", "error"),
    [("chat.postMessage", "channel_not_found"), ("conversations.open", "user_not_found")],
)
def test_a_message_slack_refuses_for_good_is_parked_as_dead_and_never_retried(
    runtime, remind_via_slack, delivered, outbox, fake_slack, method, error
):
    due = remind_via_slack(ANN, "call back nobody")
    fake_slack.fail_next(method, status=200, error=error)

    runtime.run_jobs(due)
    [row, alert] = outbox()
    assert (row["status"], row["attempts"]) == ("dead", 1)
    assert error in row["last_error"]
    assert alert["kind"] == "admin_alert"  # the admins are told, once

    def tries() -> list:
        # Only calls about this reminder: other jobs (a team's daily digest) post as the days pass.
        return [c for c in fake_slack.calls if c.params.get("users") == ANN or "nobody" in str(c.params)]

    tried = len(tries())
    for later in (timedelta(minutes=5), timedelta(hours=2), timedelta(days=3)):
        runtime.run_jobs(due + later)
    assert len(tries()) == tried
    assert delivered.posts("nobody") == []


def test_a_reminder_set_before_a_restart_is_sent_by_the_new_process(
    runtime, settings, config, remind_via_slack, delivered, outbox
):
    due = remind_via_slack(ANN, "call back after the restart")
    runtime.engine.dispose()  # the process that took the command is gone

    restarted = build_runtime(settings, config)
    try:
        restarted.run_jobs(due)
        restarted.run_jobs(due + timedelta(minutes=5))
    finally:
        restarted.engine.dispose()
    assert len(delivered.posts("after the restart")) == 1
    # (a tick at the hour of a team digest also queues the digest)
    assert [row["status"] for row in outbox() if row["kind"] == "reminder_due"] == ["sent"]


def shown_text(node: Any) -> list[str]:
    """Every text object Slack displays in a block tree (button values are never shown)."""
    if isinstance(node, list):
        return [text for item in node for text in shown_text(item)]
    if not isinstance(node, dict):
        return []
    own = [node["text"]] if node.get("type") in ("mrkdwn", "plain_text") else []
    return own + [text for key, value in node.items() if key != "value" for text in shown_text(value)]
