"""Reminders: stored once for a time that makes sense, then handed to the outbox once when due."""

from datetime import datetime, timedelta

import pytest
from support import BEN, NOW, context_of

from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from domain.delivery.messages import MessageKind, OutboxMessage
from domain.errors import InvalidInput, PermissionDenied
from domain.followups.reminder import Reminder, ReminderStatus
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead, SetReminder
from handlers.context import Context
from handlers.delivery.deliver import queue_due_reminders
from handlers.followups.remind import set_reminder
from store.unit_of_work import UowFactory

L1 = 1
LEASE = timedelta(minutes=1)


@pytest.fixture
def lead_of_ann(uow_factory: UowFactory, ann: Context) -> int:
    return add_lead(AddLead(name="Dana Scully", fields={"company": "FBI"}), uow_factory(), ann).lead.number


def remind(
    uow_factory: UowFactory, ctx: Context, after: timedelta, text: str = "", key: str | None = None
) -> Reminder:
    cmd = SetReminder(number=L1, due_at=NOW + after, text=text, request_key=key)
    return set_reminder(cmd, uow_factory(), ctx).reminder


def pending(uow_factory: UowFactory) -> list[Reminder]:
    with uow_factory() as uow:
        lead = uow.leads.get(CONSOLE_WORKSPACE, L1)
        assert lead is not None
        return uow.reminders.pending_for_lead(CONSOLE_WORKSPACE, lead.id or 0)


def outbox(uow_factory: UowFactory, when: datetime = NOW + timedelta(days=400)) -> list[OutboxMessage]:
    """What the outbox holds, looked at through a claim that is never committed."""
    with uow_factory() as uow:
        return uow.outbox.claim(when, 100, LEASE)[1]


def test_a_reminder_is_stored_for_the_rep_on_the_lead(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int
) -> None:
    reminder = remind(uow_factory, ann, timedelta(hours=2), "call back")

    assert pending(uow_factory) == [reminder]
    assert (reminder.user_id, reminder.due_at, reminder.text) == (
        ann.actor.user_id,
        NOW + timedelta(hours=2),
        "call back",
    )


def test_a_reminder_without_text_says_whom_to_follow_up(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int
) -> None:
    assert remind(uow_factory, ann, timedelta(hours=2)).text == "Follow up with Dana Scully"


@pytest.mark.parametrize("after", [timedelta(0), -timedelta(minutes=1), -timedelta(days=3)])
def test_a_time_in_the_past_is_refused(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int, after: timedelta
) -> None:
    with pytest.raises(InvalidInput) as refused:
        remind(uow_factory, ann, after)

    assert refused.value.field == "when"
    assert "passed" in str(refused.value)
    assert "tomorrow 9am" in str(refused.value)
    assert pending(uow_factory) == []


def test_more_than_a_year_ahead_is_refused(uow_factory: UowFactory, ann: Context, lead_of_ann: int) -> None:
    with pytest.raises(InvalidInput, match="up to a year ahead") as refused:
        remind(uow_factory, ann, timedelta(days=400))

    assert refused.value.field == "when"
    assert pending(uow_factory) == []


def test_a_reminder_just_under_a_year_ahead_is_kept(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int
) -> None:
    remind(uow_factory, ann, timedelta(days=365))

    assert len(pending(uow_factory)) == 1


def test_the_same_reminder_request_twice_stores_one(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int
) -> None:
    first = remind(uow_factory, ann, timedelta(hours=2), "call back", key="view-submit-1")
    again = remind(uow_factory, ann, timedelta(hours=2), "call back", key="view-submit-1")

    assert again.id == first.id
    assert pending(uow_factory) == [first]


def test_another_rep_cannot_set_a_reminder_on_the_lead(
    uow_factory: UowFactory, lead_of_ann: int, config: LeadbotConfig
) -> None:
    with pytest.raises(PermissionDenied):
        remind(uow_factory, context_of(config, BEN), timedelta(hours=2))

    assert pending(uow_factory) == []


def test_only_due_reminders_are_queued(uow_factory: UowFactory, ann: Context, lead_of_ann: int) -> None:
    due = remind(uow_factory, ann, timedelta(hours=1), "call back")
    later = remind(uow_factory, ann, timedelta(days=1), "send pricing")

    queued = queue_due_reminders(NOW + timedelta(hours=2), uow_factory)

    assert queued == 1
    [message] = outbox(uow_factory)
    assert (message.kind, message.dedupe_key, message.team_id) == (
        MessageKind.REMINDER_DUE,
        f"reminder:{due.id}",
        CONSOLE_WORKSPACE,
    )
    assert message.payload["user"] == ann.actor.user_id
    assert message.payload["text"] == "call back"
    assert message.payload["lead"] == {"ref": "L-1", "name": "Dana Scully", "company": "FBI", "status": "new"}
    assert pending(uow_factory) == [later]


def test_queueing_twice_queues_a_reminder_once(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int
) -> None:
    remind(uow_factory, ann, timedelta(hours=1))

    first = queue_due_reminders(NOW + timedelta(hours=2), uow_factory)
    second = queue_due_reminders(NOW + timedelta(hours=3), uow_factory)

    assert (first, second) == (1, 0)
    assert len(outbox(uow_factory)) == 1


def test_nothing_is_queued_before_it_is_due(uow_factory: UowFactory, ann: Context, lead_of_ann: int) -> None:
    remind(uow_factory, ann, timedelta(hours=1))

    assert queue_due_reminders(NOW + timedelta(minutes=59), uow_factory) == 0
    assert outbox(uow_factory) == []
    assert len(pending(uow_factory)) == 1


def test_a_reminder_due_exactly_now_is_queued(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int
) -> None:
    remind(uow_factory, ann, timedelta(hours=1))

    assert queue_due_reminders(NOW + timedelta(hours=1), uow_factory) == 1


def test_a_reminder_handed_over_again_still_makes_one_message(
    uow_factory: UowFactory, ann: Context, lead_of_ann: int
) -> None:
    reminder = remind(uow_factory, ann, timedelta(hours=1))
    queue_due_reminders(NOW + timedelta(hours=2), uow_factory)
    with uow_factory() as uow:  # as if a crash lost the QUEUED mark after the outbox row was written
        uow.reminders.mark(reminder, ReminderStatus.PENDING)
        uow.commit()

    assert queue_due_reminders(NOW + timedelta(hours=3), uow_factory) == 1
    assert [m.dedupe_key for m in outbox(uow_factory)] == [f"reminder:{reminder.id}"]
