"""`/lead tasks`: a rep's open follow-ups, overdue first."""

from handlers.commands import ListTasks
from handlers.context import Context
from handlers.results import LeadView, TaskList, TaskView
from store.unit_of_work import SqlUnitOfWork


def list_tasks(cmd: ListTasks, uow: SqlUnitOfWork, ctx: Context) -> TaskList:
    """Sorted by due time, so what is overdue (longest first) comes before what is not."""
    team, user = ctx.actor.team_id, ctx.actor.user_id
    with uow:
        reminders = uow.reminders.open_for_user(team, user, cmd.limit)
        leads = {r.lead_id: uow.leads.by_id(team, r.lead_id) for r in reminders}
        tz = uow.timezones.zone_name(ctx.actor.team_id, ctx.actor.user_id, ctx.config)
    tasks = tuple(
        TaskView(LeadView.of(lead), reminder, reminder.is_overdue(ctx.now))
        for reminder in reminders
        if (lead := leads[reminder.lead_id]) is not None
    )
    return TaskList(tasks, tz, ctx.now)
