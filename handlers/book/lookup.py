"""Reading leads: one lead in full, a fuzzy search, and a rep's own list."""

from domain.book.filters import ListQuery, Sort
from domain.book.search import rank
from domain.capture.normalize import looks_like_phone, normalize_phone
from domain.errors import InvalidInput
from domain.followups.activity import Activity
from domain.lead import Lead
from domain.lifecycle import OPEN_STATUSES, LeadStatus
from domain.permissions import Action, visibility
from domain.scoring.config import WEBHOOK_KINDS
from handlers.capture.cycles import contact_of
from handlers.commands import FindLeads, MyLeads, ShowLead
from handlers.context import Context, load_lead
from handlers.results import LeadDetails, LeadList, LeadMergedAway, LeadView
from handlers.scoring.predictive import conversion_chance
from store.unit_of_work import SqlUnitOfWork

TIMELINE_LENGTH = 10
FIND_HINT = "No lead matches. Try part of a name, a company, an email, `@domain.com` or a phone number."


def show_lead(cmd: ShowLead, uow: SqlUnitOfWork, ctx: Context) -> LeadDetails | LeadMergedAway:
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.VIEW, merged_away=True)
        if lead.merged_into is not None:
            return where_it_went(uow, lead)
        activities = timeline(uow, lead)
        reminders = uow.reminders.pending_for_lead(lead.team_id, lead.id or 0)
        qualification = uow.qualifications.latest(lead)
        contact = contact_of(uow, lead)
        chance = conversion_chance(uow, lead, ctx.now)
        speed = uow.sla.speed_of(lead.team_id, lead.id or 0)
    details = (tuple(activities), tuple(reminders), qualification, contact, chance, speed)
    return LeadDetails(LeadView.of(lead, ctx.config.fields), *details)


def timeline(uow: SqlUnitOfWork, lead: Lead) -> list[Activity]:
    """The latest of what people did with the lead and what the lead did (webinar attended,
    pricing page visited: the events webhook), newest first."""
    done = uow.activities.latest(lead, TIMELINE_LENGTH)
    engaged = uow.engagement.latest(lead.team_id, lead.id or 0, WEBHOOK_KINDS, TIMELINE_LENGTH)
    return sorted([*done, *engaged], key=lambda line: line.created_at, reverse=True)[:TIMELINE_LENGTH]


def where_it_went(uow: SqlUnitOfWork, lead: Lead) -> LeadMergedAway:
    """Not a card: its history and reminders are the kept lead's now, and showing its old
    status would make it look live."""
    survivor = uow.leads.survivor(lead)
    merge = uow.merges.open_merge_of(lead.team_id, lead.id or 0)
    by, at = (merge.merged_by, merge.merged_at) if merge else (None, None)
    return LeadMergedAway(LeadView.of(lead), survivor.number if survivor else None, by, at)


def find_leads(cmd: FindLeads, uow: SqlUnitOfWork, ctx: Context) -> LeadList:
    """A phone number (any format) finds the leads with that number, `@acme.com` those with
    an address there; anything else is a fuzzy search over name, company and email, best
    match first. Only leads the actor may see, and how many more match than are shown."""
    exact = exact_query(cmd.query, ctx)
    with uow:
        if exact is not None:
            found = uow.lead_lists.page(ctx.actor.team_id, exact, 0, cmd.limit)
            leads, total = found.leads, found.total
        else:
            corpus = uow.lead_lists.search_corpus(ctx.actor.team_id, visibility(ctx.actor))
            ranked = [number for number, _ in rank(cmd.query, corpus, limit=len(corpus))]
            leads, total = uow.leads.by_numbers(ctx.actor.team_id, ranked[: cmd.limit]), len(ranked)
    return LeadList(
        title=f"Leads matching “{cmd.query}”",
        leads=tuple(LeadView.of(lead) for lead in leads),
        empty_hint=FIND_HINT,
        more=total - len(leads),
    )


def exact_query(text: str, ctx: Context) -> ListQuery | None:
    """A search that is an exact match, newest first: a phone number normalised as leads'
    numbers are, or an email domain. None: search fuzzily."""
    scope = visibility(ctx.actor)
    words = text.strip()
    if words.startswith("@") and "." in words and " " not in words:
        return ListQuery(scope, email_domain=words[1:].lower(), sort=Sort.CREATED)
    if looks_like_phone(words):
        try:
            phone = normalize_phone(words, ctx.config.default_region)
        except InvalidInput:
            return None
        return ListQuery(scope, phone=phone, sort=Sort.CREATED)
    return None


def my_leads(cmd: MyLeads, uow: SqlUnitOfWork, ctx: Context) -> LeadList:
    statuses = list(LeadStatus) if cmd.include_closed else sorted(OPEN_STATUSES)
    with uow:
        leads = uow.leads.owned_by(ctx.actor.team_id, ctx.actor.user_id, statuses, cmd.limit)
    return LeadList(
        title="Your open leads" if not cmd.include_closed else "All your leads",
        leads=tuple(LeadView.of(lead) for lead in leads),
        empty_hint="You have no open leads. `/lead add <name> [email]` captures one.",
    )
