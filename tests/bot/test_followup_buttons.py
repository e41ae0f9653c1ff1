"""Follow-ups in Slack: the reminder DM's Done, Snooze and Log call buttons clicked through the
real Bolt app with signed requests, `/lead tasks`, and the rep's zone learned from users.info."""

import json
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy.orm import Session
from support import ANN, BEN, MIA, wait_for_calls

from bot.local.standin.workspace import Button, buttons_in
from domain.followups.reminder import Reminder, ReminderStatus
from handlers.operations.timezones import needs_refresh
from store.tables import OutboxRow

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def people(fake_slack):
    """Slack knows ann in New York and ben in London (users.info)."""
    saved = dict(fake_slack.users)
    fake_slack.users.update(
        {ANN: {"name": "ann", "tz": "America/New_York"}, BEN: {"name": "ben", "tz": "Europe/London"}}
    )
    yield fake_slack.users
    fake_slack.users.clear()
    fake_slack.users.update(saved)


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def first_contact(slack, runtime, user: str) -> None:
    """A first command; the zone is learned after its ack: wait for it to be stored."""
    slack.slash(user, "help")
    # Generous: with Slack down the client retries with backoff before the zone is stored.
    wait_until(lambda: not needs_refresh(runtime.uow_factory(), slack.team_id, user, datetime.now(UTC)), 20)


def reminder_of(runtime, reminder_id: int = 1) -> Reminder:
    with runtime.uow_factory() as uow:
        found = uow.reminders.get("T0CONSOLE", reminder_id)
    assert found is not None
    return found


def delivered_dm(runtime, fake_slack, text: str = "call back") -> tuple[dict, str]:
    """Deliver what is due and return the DM as Slack holds it (ts, blocks) and its channel."""
    runtime.run_jobs(datetime.now(UTC) + timedelta(minutes=2))
    post = [c for c in fake_slack.calls_to("chat.postMessage") if text in c.params["text"]][-1]
    with Session(runtime.engine) as session:
        # the reminder's row: a team digest may fall due in the same run, at the suite's hour
        due = sa.select(OutboxRow).where(OutboxRow.kind == "reminder_due").order_by(OutboxRow.id.desc())
        row = session.scalars(due).first()
    assert row is not None and row.slack_ts
    return {"ts": row.slack_ts, "text": post.params["text"], "blocks": post.params["blocks"]}, str(
        row.slack_channel
    )


@pytest.fixture
def dm(slack, runtime, fake_slack, people):
    first_contact(slack, runtime, ANN)
    slack.slash(ANN, "add Dana Scully company:FBI")
    slack.slash(ANN, "remind L-1 in 1 minute call back <!channel>")
    return delivered_dm(runtime, fake_slack)


def button(message: dict, label: str) -> Button:
    return next(b for b in buttons_in(message["blocks"]) if b.label == label)


def updates(fake_slack, count: int = 1) -> list:
    return [c.params for c in wait_for_calls(fake_slack, "chat.update", count)]


def test_the_reminder_dm_carries_done_snooze_and_log_call(dm):
    message, channel = dm
    labels = [b.label for b in buttons_in(message["blocks"])]
    assert labels == [
        "Done",
        "Snooze: 1 hour",
        "Snooze: Tomorrow 9am",
        "Snooze: Next Monday 9am",
        "Log call",
        "Show lead",
    ]
    assert channel.startswith("D")
    assert "&lt;!channel&gt;" in message["text"] and "<!channel>" not in json.dumps(message["blocks"])


def test_done_marks_it_done_and_updates_the_message_once_even_when_clicked_twice(
    slack, runtime, fake_slack, dm
):
    message, channel = dm
    slack.click(ANN, button(message, "Done"), message=message, channel_id=channel)
    [update] = updates(fake_slack)
    assert (update["channel"], update["ts"]) == (channel, message["ts"])
    assert "Done by <@U0REP0ANN>" in json.dumps(update["blocks"])
    assert [b.label for b in buttons_in(update["blocks"])] == ["Show lead"]
    done = reminder_of(runtime)
    assert (done.status, done.done_by) == (ReminderStatus.DONE, ANN)

    slack.click(ANN, button(message, "Done"), message=message, channel_id=channel)  # a double click
    second = updates(fake_slack, 2)[1]
    assert second["blocks"] == update["blocks"]
    assert reminder_of(runtime).done_at == done.done_at


def test_snooze_until_tomorrow_9am_new_york_time_and_the_message_says_until_when(
    slack, runtime, fake_slack, dm
):
    message, channel = dm
    slack.click(ANN, button(message, "Snooze: Tomorrow 9am"), message=message, channel_id=channel)
    [update] = updates(fake_slack)
    snoozed = reminder_of(runtime)
    local = snoozed.due_at.astimezone(NEW_YORK)
    tomorrow = datetime.now(NEW_YORK).date() + timedelta(days=1)
    assert (local.date(), local.hour, local.minute) == (tomorrow, 9, 0)
    assert snoozed.status is ReminderStatus.PENDING
    assert "Snoozed by <@U0REP0ANN> until" in json.dumps(update["blocks"])
    assert f"<!date^{int(snoozed.due_at.timestamp())}^" in json.dumps(update["blocks"])

    slack.click(ANN, button(message, "Snooze: Tomorrow 9am"), message=message, channel_id=channel)
    updates(fake_slack, 2)
    assert reminder_of(runtime).snoozes == 1


def test_log_call_logs_one_call_on_the_lead_however_often_clicked(slack, runtime, fake_slack, dm):
    message, channel = dm
    for _ in range(2):
        slack.click(ANN, button(message, "Log call"), message=message, channel_id=channel)
    update = updates(fake_slack, 2)[0]
    assert "Call logged by <@U0REP0ANN>" in json.dumps(update["blocks"])
    card = json.dumps(slack.slash(ANN, "show L-1").blocks)
    assert card.count("Follow-up: call back") == 1 and "contacted" in card
    assert reminder_of(runtime).is_open


def test_someone_else_gets_a_private_refusal_and_nothing_changes(slack, runtime, fake_slack, dm):
    message, channel = dm
    slack.click(BEN, button(message, "Done"), message=message, channel_id=channel)
    [answer] = [c.params for c in wait_for_calls(fake_slack, "response_url")]
    assert "someone else's" in answer["text"] and answer["response_type"] == "ephemeral"
    assert fake_slack.calls_to("chat.update") == []
    assert reminder_of(runtime).status is ReminderStatus.QUEUED


def test_the_teams_manager_may_mark_it_done(slack, runtime, fake_slack, dm):
    message, channel = dm
    slack.click(MIA, button(message, "Done"), message=message, channel_id=channel)
    assert "Done by <@U0MGR0MIA>" in json.dumps(updates(fake_slack)[0]["blocks"])


def test_tasks_lists_overdue_first_with_buttons_and_done_from_the_list_answers_below_it(
    slack, runtime, fake_slack, dm
):
    slack.slash(ANN, "remind L-1 next week send the offer")
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=3)):  # the DM's is overdue now
        reply = slack.slash(ANN, "tasks")
    shown = json.dumps(reply.blocks)
    assert "2, 1 overdue" in reply.text
    assert shown.index("Overdue") < shown.index("send the offer")
    assert len([b for b in buttons_in(reply.blocks) if b.label == "Done"]) == 2

    slack.click(ANN, button(reply.body, "Done"), message=None)
    [answer] = [c.params for c in wait_for_calls(fake_slack, "response_url")]
    assert "Done by" in json.dumps(answer["blocks"]) and answer["replace_original"] is False
    assert fake_slack.calls_to("chat.update") == []
    assert "1 overdue" not in slack.slash(ANN, "tasks").text


def test_tasks_with_words_after_it_is_explained_and_changes_nothing(slack):
    reply = slack.slash(ANN, "tasks overdue")
    assert "`tasks` takes nothing after it" in reply.text and "/lead tasks" in reply.text


def test_remind_reads_next_week_on_the_reps_own_clock(slack, runtime, people):
    first_contact(slack, runtime, ANN)
    slack.slash(ANN, "add Dana Scully")
    slack.slash(ANN, "remind L-1 next week call back")
    due = reminder_of(runtime).due_at.astimezone(NEW_YORK)
    assert (due.weekday(), due.hour, due.minute) == (0, 9, 0)
    assert reminder_of(runtime).tz == "America/New_York"


def test_the_zone_is_asked_once_and_a_slack_outage_falls_back_to_the_config(
    slack, runtime, fake_slack, people
):
    fake_slack.down()
    first_contact(slack, runtime, ANN)  # users.info fails: remembered as "ask again later"
    fake_slack.up()
    slack.slash(ANN, "add Dana Scully")
    slack.slash(ANN, "remind L-1 tomorrow 9am call back")
    # One lookup (the client retries a 503 itself), none again once Slack is back up.
    assert all(call.failed for call in fake_slack.calls_to("users.info"))
    assert reminder_of(runtime).tz == "UTC"  # ann's zone in the console config
