"""Acting on a follow-up from its message: Done, Snooze and Log call."""

from dataclasses import replace

from domain.errors import NotFound
from domain.followups.activity import ActivityKind
from domain.followups.reminder import Reminder
from domain.lead import Lead
from domain.permissions import require_reminder_handler
from handlers.commands import CompleteReminder, LogActivity, LogReminderCall, SnoozeReminder
from handlers.context import Context, audit
from handlers.followups.activity import log_activity
from handlers.results import LeadView, ReminderChanged
from store.unit_of_work import SqlUnitOfWork


def complete_reminder(cmd: CompleteReminder, uow: SqlUnitOfWork, ctx: Context) -> ReminderChanged:
    """Done is a state, so a double click or a retry finds it done and changes nothing."""
    with uow:
        reminder, lead = _load(uow, ctx, cmd.reminder_id)
        changed = reminder.complete(ctx.actor.user_id, ctx.now)
        if changed:
            uow.reminders.save(reminder)
            audit(uow, ctx, "reminder.done", lead, after={"reminder": reminder.id})
        result = _changed(uow, ctx, lead, reminder, "done", unchanged=not changed)
        uow.commit()
    return result


def snooze_reminder(cmd: SnoozeReminder, uow: SqlUnitOfWork, ctx: Context) -> ReminderChanged:
    """The reminder comes back as new at `until`. A repeat of the same click (same request
    key) returns the first snooze instead of pushing the time again; a done one stays done."""
    with uow:
        reminder, lead = _load(uow, ctx, cmd.reminder_id)
        if not reminder.is_open:
            return _changed(uow, ctx, lead, reminder, "done", unchanged=True)
        if uow.requests.seen_before(lead.team_id, cmd.request_key, ctx.now):
            return _changed(uow, ctx, lead, reminder, "snoozed", unchanged=True)
        before = {"due_at": reminder.due_at.isoformat()}
        reminder.snooze(cmd.until, cmd.tz)
        uow.reminders.save(reminder)
        audit(uow, ctx, "reminder.snoozed", lead, before, {"due_at": reminder.due_at.isoformat()})
        if cmd.request_key:
            uow.requests.settle(lead.team_id, cmd.request_key, f"reminder:{reminder.id}")
        result = _changed(uow, ctx, lead, reminder, "snoozed")
        uow.commit()
    return result


def log_reminder_call(cmd: LogReminderCall, uow: SqlUnitOfWork, ctx: Context) -> ReminderChanged:
    """Logs the call the reminder asked for, exactly as `/lead log L-n call` would (the lead
    moves to contacted); the reminder stays open until the rep says Done."""
    with uow:
        reminder, lead = _load(uow, ctx, cmd.reminder_id)
    logged = log_activity(
        LogActivity(
            number=lead.number,
            kind=ActivityKind.CALL,
            text=f"Follow-up: {reminder.text}"[:1000],
            request_key=cmd.request_key,
        ),
        uow,
        ctx,
    )
    with uow:
        changed = _changed(uow, ctx, lead, reminder, "call_logged", unchanged=logged.already_recorded)
    return replace(changed, at=logged.activity.created_at)  # a repeat: when the call was logged


def _load(uow: SqlUnitOfWork, ctx: Context, reminder_id: int) -> tuple[Reminder, Lead]:
    reminder = uow.reminders.lock(ctx.actor.team_id, reminder_id)
    lead = uow.leads.by_id(ctx.actor.team_id, reminder.lead_id) if reminder else None
    if reminder is None or lead is None:
        raise NotFound("That reminder no longer exists. `/lead tasks` lists your open follow-ups.")
    require_reminder_handler(ctx.actor, reminder.user_id, lead)
    return reminder, lead


def _changed(
    uow: SqlUnitOfWork, ctx: Context, lead: Lead, reminder: Reminder, change: str, unchanged: bool = False
) -> ReminderChanged:
    """A done reminder says who did it and when, also to a repeated click. Its owner's Home
    tab lists it, so it is refreshed (nothing is queued unless the transaction commits)."""
    if not unchanged:
        uow.refresh_homes(lead.team_id, (reminder.user_id,), ctx.now)
    by, at = (reminder.done_by, reminder.done_at) if change == "done" else (None, None)
    by, at = by or ctx.actor.user_id, at or ctx.now
    return ReminderChanged(
        LeadView.of(lead),
        reminder,
        change,
        by,
        at,
        uow.timezones.zone_name(ctx.actor.team_id, ctx.actor.user_id, ctx.config),
        unchanged,
    )
