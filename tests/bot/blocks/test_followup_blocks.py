"""Follow-up renderers: the DM and its nudge, `/lead tasks`, and the message after a click."""

from datetime import UTC, datetime, timedelta

from support import displayed

from bot.blocks.outbox import reminder_message
from bot.blocks.render import render
from bot.blocks.text import BUTTON_TEXT_LIMIT, MESSAGE_BLOCK_LIMIT, SECTION_LIMIT
from bot.ids import ActionId, FollowupAction
from bot.local.standin.blockkit import judge_message
from domain.delivery.messages import ReminderDue
from domain.followups.reminder import Reminder, ReminderStatus
from handlers.results import LeadView, ReminderChanged, TaskList, TaskView

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
HOSTILE = "<!channel> & <@U123> <https://evil|https://crm.example>"


def lead(name: str = "Dana Scully") -> LeadView:
    return LeadView("L-1", 1, name, None, None, "FBI", None, None, "new", "U1", "sales", 0, NOW)


def reminder(rid: int = 7, text: str = "call back", **overrides) -> Reminder:
    fields = dict(team_id="T1", lead_id=1, user_id="U1", due_at=NOW, text=text, created_at=NOW, id=rid)
    return Reminder(**{**fields, **overrides})


def payload(nudge: int = 0, text: str = HOSTILE) -> dict:
    return {
        "user": "U1",
        "text": text,
        "due_at": NOW.isoformat(),
        "reminder_id": 7,
        "tz": "America/New_York",
        "nudge": nudge,
        "lead": {"ref": "L-1", "name": HOSTILE, "company": "FBI", "status": "new"},
    }


def action_ids(blocks) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def assert_safe(text: str) -> None:
    for ping in ("<!channel>", "<@U123>", "<https://evil"):
        assert ping not in text


def test_the_dm_has_done_three_snoozes_log_call_and_show_and_escapes_user_text():
    message = reminder_message(ReminderDue.model_validate(payload()))
    assert action_ids(message.blocks) == [*FollowupAction, ActionId.SHOW]
    assert_safe(message.text + displayed(message.blocks))
    assert "⏰ Reminder" in message.text


def test_the_nudge_says_still_open_since_the_due_time_in_the_reps_zone():
    message = reminder_message(ReminderDue.model_validate(payload(nudge=2)))
    assert "🔁 Still open since" in message.text
    assert "Mon 23 Nov 10:00 EST" in message.text  # the fallback, in New York time


def test_an_outbox_row_from_before_follow_ups_keeps_its_old_buttons():
    old = {"user": "U1", "text": "call", "due_at": NOW.isoformat(), "lead": {"ref": "L-1", "name": "Dana"}}
    assert action_ids(reminder_message(ReminderDue.model_validate(old)).blocks) == [
        ActionId.SHOW,
        ActionId.SNOOZE_HOUR,
        ActionId.LOG_CALL,
    ]


def test_tasks_page_within_block_kit_limits_and_say_how_many_more():
    tasks = tuple(
        TaskView(lead(HOSTILE), reminder(i, HOSTILE * 40, due_at=NOW + timedelta(hours=i)), i < 3)
        for i in range(40)
    )
    message = render(TaskList(tasks, "Europe/London", NOW))
    assert len(message.blocks) <= MESSAGE_BLOCK_LIMIT
    assert judge_message({"text": message.text, "blocks": message.blocks}) is None  # Slack shows it
    rows = sum(block["type"] == "actions" for block in message.blocks)
    assert 0 < rows < 15  # a page of 1,000-character follow-ups holds fewer than 15
    assert f"and {40 - rows} more. Mark some done" in displayed(message.blocks)
    assert message.text == "Your open follow-ups: 40, 3 overdue"
    for block in message.blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_LIMIT
        if block["type"] == "actions":
            assert all(len(button["text"]["text"]) <= BUTTON_TEXT_LIMIT for button in block["elements"])
    assert_safe(displayed(message.blocks))


def test_no_tasks_says_how_to_set_one():
    message = render(TaskList((), "UTC", NOW))
    assert "/lead remind" in displayed(message.blocks)


def test_a_done_reminder_shows_who_did_it_and_only_show_lead():
    done = reminder(status=ReminderStatus.DONE, done_by="U0REP2", done_at=NOW)
    message = render(ReminderChanged(lead(), done, "done", "U0REP3", NOW + timedelta(hours=1), "UTC", True))
    assert "Done by <@U0REP2>" in displayed(message.blocks)  # the first, not the repeat's clicker
    assert action_ids(message.blocks) == [ActionId.SHOW]


def test_a_snoozed_reminder_says_until_when_and_keeps_its_buttons():
    until = NOW + timedelta(days=1)
    snoozed = reminder(due_at=until, status=ReminderStatus.PENDING)
    message = render(ReminderChanged(lead(), snoozed, "snoozed", "U1", NOW, "UTC"))
    assert f"<!date^{int(until.timestamp())}^" in displayed(message.blocks)
    assert FollowupAction.DONE in action_ids(message.blocks)
