"""Reading leads: one lead in full, a fuzzy search, and a rep's own list."""

from domain.lead import Lead
from domain.lifecycle import OPEN_STATUSES, LeadStatus
from domain.permissions import Action, can
from domain.search import rank
from handlers.commands import FindLeads, MyLeads, ShowLead
from handlers.context import Context, load_lead
from handlers.cycles import contact_of
from handlers.predictive import conversion_chance
from handlers.results import LeadDetails, LeadList, LeadMergedAway, LeadView
from store.unit_of_work import SqlUnitOfWork

TIMELINE_LENGTH = 10


def show_lead(cmd: ShowLead, uow: SqlUnitOfWork, ctx: Context) -> LeadDetails | LeadMergedAway:
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.VIEW, merged_away=True)
        if lead.merged_into is not None:
            return where_it_went(uow, lead)
        activities = uow.activities.latest(lead, TIMELINE_LENGTH)
        reminders = uow.reminders.pending_for_lead(lead.team_id, lead.id or 0)
        qualification = uow.qualifications.latest(lead)
        contact = contact_of(uow, lead)
        chance = conversion_chance(uow, lead, ctx.now)
        speed = uow.sla.speed_of(lead.team_id, lead.id or 0)
    details = (tuple(activities), tuple(reminders), qualification, contact, chance, speed)
    return LeadDetails(LeadView.of(lead), *details)


def where_it_went(uow: SqlUnitOfWork, lead: Lead) -> LeadMergedAway:
    """Not a card: its history and reminders are the kept lead's now, and showing its old
    status would make it look live."""
    survivor = uow.leads.survivor(lead)
    merge = uow.merges.open_merge_of(lead.team_id, lead.id or 0)
    by, at = (merge.merged_by, merge.merged_at) if merge else (None, None)
    return LeadMergedAway(LeadView.of(lead), survivor.number if survivor else None, by, at)


def find_leads(cmd: FindLeads, uow: SqlUnitOfWork, ctx: Context) -> LeadList:
    """Best match first over name, company and email; only leads the actor may see."""
    with uow:
        corpus = uow.leads.search_corpus(ctx.actor.team_id)
        ranked = rank(cmd.query, corpus, limit=cmd.limit * 3)
        leads = uow.leads.by_numbers(ctx.actor.team_id, [number for number, _ in ranked])
    visible = [LeadView.of(lead) for lead in leads if can(ctx.actor, Action.VIEW, lead)]
    return LeadList(
        title=f"Leads matching “{cmd.query}”",
        leads=tuple(visible[: cmd.limit]),
        empty_hint="No lead matches. Try part of a name, a company or an email.",
    )


def my_leads(cmd: MyLeads, uow: SqlUnitOfWork, ctx: Context) -> LeadList:
    statuses = list(LeadStatus) if cmd.include_closed else sorted(OPEN_STATUSES)
    with uow:
        leads = uow.leads.owned_by(ctx.actor.team_id, ctx.actor.user_id, statuses, cmd.limit)
    return LeadList(
        title="Your open leads" if not cmd.include_closed else "All your leads",
        leads=tuple(LeadView.of(lead) for lead in leads),
        empty_hint="You have no open leads. `/lead add <name> [email]` captures one.",
    )
