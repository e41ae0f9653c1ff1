"""Reminders: a rep asks to be nudged about a lead at a time."""

from domain.errors import InvalidInput
from domain.followups.reminder import Reminder
from domain.permissions import Action
from domain.when import MAX_AHEAD
from handlers.commands import SetReminder
from handlers.context import Context, audit, load_lead
from handlers.results import LeadView, ReminderSet
from store.unit_of_work import SqlUnitOfWork


def set_reminder(cmd: SetReminder, uow: SqlUnitOfWork, ctx: Context) -> ReminderSet:
    """The reminder is stored, not scheduled: the scheduler's sweep finds it when due,
    so a restart or a second replica neither loses nor doubles it."""
    if cmd.due_at <= ctx.now:
        raise InvalidInput("when", "That time has passed. Try `in 30 minutes` or `tomorrow 9am`.")
    if cmd.due_at - ctx.now > MAX_AHEAD:
        raise InvalidInput("when", "Reminders can be set up to a year ahead.")
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.WORK)
        earlier = _replayed(uow, lead.team_id, cmd.request_key, ctx)
        if earlier is not None:
            return ReminderSet(LeadView.of(lead), earlier)
        reminder = uow.reminders.add(
            Reminder(
                team_id=lead.team_id,
                lead_id=lead.id or 0,
                user_id=ctx.actor.user_id,
                due_at=cmd.due_at,
                text=cmd.text or f"Follow up with {lead.name}",
                created_at=ctx.now,
                tz=uow.timezones.zone_name(ctx.actor.team_id, ctx.actor.user_id, ctx.config),
            )
        )
        if cmd.request_key:
            uow.requests.settle(lead.team_id, cmd.request_key, f"reminder:{reminder.id}")
        uow.refresh_homes(lead.team_id, (ctx.actor.user_id,), ctx.now)
        audit(
            uow,
            ctx,
            "reminder.set",
            lead,
            after={"due_at": reminder.due_at.isoformat(), "text": reminder.text},
        )
        uow.commit()
    return ReminderSet(LeadView.of(lead), reminder)


def _replayed(uow: SqlUnitOfWork, team_id: str, key: str | None, ctx: Context) -> Reminder | None:
    result = uow.requests.first(team_id, key, ctx.now)
    if not result:
        return None
    return uow.reminders.get(team_id, int(result.removeprefix("reminder:")))
