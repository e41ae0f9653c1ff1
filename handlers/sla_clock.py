"""The first-contact clock: started when a lead gets an owner, stopped by the owner's
first contact. Called inside the transactions that assign, log activity and convert."""

from domain.lead import Lead
from domain.sla import deadline
from handlers.context import Context
from store.unit_of_work import SqlUnitOfWork


def start_clock(uow: SqlUnitOfWork, ctx: Context, lead: Lead, assignment_id: int) -> None:
    """The deadline is counted in the team's own working hours, in its time zone (the
    hours its digests and cadences keep), so there is one notion of when a team works."""
    team = ctx.config.team(lead.sales_team)
    minutes = team.routing.first_contact_sla_minutes
    due = deadline(ctx.now, minutes, team.hours_in()) if minutes else None
    uow.sla.start(assignment_id, minutes, due)


def on_contact(uow: SqlUnitOfWork, ctx: Context, lead: Lead) -> None:
    """Only the owner's own touch counts: a manager's note is not the rep reaching out."""
    if lead.id is not None and lead.owner_id == ctx.actor.user_id:
        uow.sla.record_contact(lead.team_id, lead.id, ctx.actor.user_id, ctx.now)


def on_converted(uow: SqlUnitOfWork, ctx: Context, lead: Lead) -> None:
    """A buyer who signs on the first call was reached, though nobody logged the call: the
    conversion is the owner's first contact, whoever records it (a manager closing for the
    rep included). Once the owner has been in touch, nothing changes."""
    if lead.id is not None and lead.owner_id is not None:
        uow.sla.record_contact(lead.team_id, lead.id, lead.owner_id, ctx.now)
