"""A message Slack refuses for good is parked dead, not retried, and the admins hear of it
once, by DM, with the channel, Slack's error and what to do; alerts never alert."""

from datetime import UTC, datetime, timedelta

from support import ADA

from domain.delivery.messages import LeadAnnounced, OutboxMessage
from scheduler.jobs import flush_outbox

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TEAM = "T0CONSOLE"


def queue(uow_factory, key, channel, at=NOW):
    payload = {"channel": channel, "lead": {"ref": "L-7", "name": "Dana", "company": None, "status": "new"}}
    with uow_factory() as uow:
        message = OutboxMessage(TEAM, key, LeadAnnounced.model_validate({**payload, "via": "web form"}))
        uow.outbox.add(message, at)
        uow.commit()


def fail_next_post(fake_slack, error):
    """The next post fails (the stand-in's faults are per method, so one flush at a time:
    an alert's own post must not take the fault meant for a message)."""
    fake_slack.fail_next("chat.postMessage", status=200, error=error)


def flush(runtime, uow_factory, at):
    return flush_outbox(at, uow_factory, runtime.deliver, runtime.config.admins)


def alerts(fake_slack):
    """Posts to the admin's DM (the stand-in names a DM after its person: D + the id's tail)."""
    posts = fake_slack.calls_to("chat.postMessage")
    return [call for call in posts if call.params["channel"] == "D" + ADA[1:]]


def test_channel_not_found_parks_the_message_and_the_admin_gets_one_dm(
    runtime, uow_factory, fake_slack, outbox
):
    fake_slack.fail_next("chat.postMessage", status=200, error="channel_not_found")
    queue(uow_factory, "gone", "C0GONE")

    flush(runtime, uow_factory, NOW)
    flush(runtime, uow_factory, NOW + timedelta(hours=2))

    [dead] = [row for row in outbox() if row["dedupe_key"] == "gone"]
    assert (dead["status"], dead["attempts"], dead["alerted_at"]) == ("dead", 1, NOW)
    assert len([c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0GONE"]) == 1
    [opened] = fake_slack.calls_to("conversations.open")
    assert opened.params["users"] == ADA
    [alert] = alerts(fake_slack)
    text = alert.params["text"]
    assert "C0GONE" in text and "channel_not_found" in text and "L-7" in text
    assert "invite Leadbot" in text


def test_two_dead_messages_for_one_channel_make_one_alert(runtime, uow_factory, fake_slack, outbox):
    queue(uow_factory, "one", "C0SHUT")
    queue(uow_factory, "two", "C0SHUT")

    for second in range(2):  # the channel's pace sends the second a second later
        fail_next_post(fake_slack, "not_in_channel")
        flush(runtime, uow_factory, NOW + timedelta(seconds=second))

    assert [row["status"] for row in outbox() if row["dedupe_key"] in ("one", "two")] == ["dead", "dead"]
    [alert] = alerts(fake_slack)
    assert "not_in_channel" in alert.params["text"]


def test_failures_after_the_alert_are_reported_once_the_hour_has_passed(runtime, uow_factory, fake_slack):
    for n in range(3):
        queue(uow_factory, f"old:{n}", "C0OLD")
    for second in range(3):
        fail_next_post(fake_slack, "is_archived")
        flush(runtime, uow_factory, NOW + timedelta(seconds=second))
    assert len(alerts(fake_slack)) == 1

    flush(runtime, uow_factory, NOW + timedelta(hours=1, seconds=1))

    first, later = alerts(fake_slack)
    assert "1 message " in first.params["text"] and "2 messages " in later.params["text"]


def test_an_alert_that_slack_refuses_for_good_raises_no_further_alert(
    runtime, uow_factory, fake_slack, outbox
):
    fake_slack.fail_next("chat.postMessage", status=200, error="channel_not_found")
    fake_slack.fail_next("conversations.open", status=200, error="user_not_found", times=5)
    queue(uow_factory, "gone", "C0GONE")

    for hour in range(3):
        flush(runtime, uow_factory, NOW + timedelta(hours=hour))

    [alert] = [row for row in outbox() if row["kind"] == "admin_alert"]
    assert (alert["status"], alert["last_error"]) == ("dead", "HTTP 200 user_not_found")
    assert len(fake_slack.calls_to("conversations.open")) == 1
