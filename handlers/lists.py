"""`/lead list`: a filtered, sorted page of the leads the actor may see."""

from datetime import datetime, timedelta

from domain.countries import country_terms
from domain.errors import NotFound
from domain.lead_filter import Age, LeadFilter, ListQuery, Month, Owner, parse_filter
from domain.permissions import Action, can, visibility
from handlers.commands import ListLeads, SaveList
from handlers.context import Context
from handlers.results import LeadPage, LeadView, ListSaved
from store.unit_of_work import SqlUnitOfWork

PAGE_SIZE = 20


def list_leads(cmd: ListLeads, uow: SqlUnitOfWork, ctx: Context) -> LeadPage:
    """Reps see their own leads and their teams' unassigned ones, managers their teams',
    admins every lead (domain/permissions.visibility); merged-away leads never."""
    with uow:
        wanted = _saved(uow, ctx, cmd.saved) if cmd.saved else cmd.filter
        query = resolve(wanted, ctx)
        found = uow.lead_lists.page(ctx.actor.team_id, query, (cmd.page - 1) * PAGE_SIZE, PAGE_SIZE)
    leads = tuple(LeadView.of(lead) for lead in found.leads)
    can_act = found.total > 0 and can(ctx.actor, Action.BULK)
    return LeadPage(wanted, cmd.page, PAGE_SIZE, found.total, leads, cmd.saved, can_act)


def save_list(cmd: SaveList, uow: SqlUnitOfWork, ctx: Context) -> ListSaved:
    """A person's own named filter; saving a name again replaces its filter."""
    resolve(cmd.filter, ctx)  # a bad country is refused now, not each time the list is shown
    with uow:
        new = uow.saved_lists.save(
            ctx.actor.team_id, ctx.actor.user_id, cmd.name, cmd.filter.pairs(), ctx.now
        )
        uow.commit()
    return ListSaved(cmd.name, cmd.filter, new)


def _saved(uow: SqlUnitOfWork, ctx: Context, name: str) -> LeadFilter:
    pairs = uow.saved_lists.get(ctx.actor.team_id, ctx.actor.user_id, name)
    if pairs is not None:
        return parse_filter(pairs, ctx.config.fields)
    names = uow.saved_lists.names(ctx.actor.team_id, ctx.actor.user_id)
    yours = f"Yours: {', '.join(names)}." if names else "You have none yet."
    raise NotFound(
        f"You have no saved list `{name}`. {yours} Save one with `/lead list save <name> <filters>`."
    )


def resolve(wanted: LeadFilter, ctx: Context) -> ListQuery:
    """The filter as the store applies it: `me` is the actor, a country every spelling of
    it (a region its members), ages instants before now. Bad countries raise InvalidInput."""
    owners = tuple(ctx.actor.user_id if o == Owner.ME else o for o in wanted.owners if o != Owner.NONE)
    regions = ctx.config.routing.regions
    return ListQuery(
        visibility=visibility(ctx.actor),
        statuses=tuple(str(s) for s in wanted.statuses),
        owners=owners,
        unowned=Owner.NONE in wanted.owners,
        teams=wanted.teams,
        sources=wanted.sources,
        campaigns=wanted.campaigns,
        countries=country_terms(wanted.countries, regions) if wanted.countries else (),
        products=wanted.products,
        scores=wanted.scores,
        created_since=_created(wanted, ctx.now)[0],
        created_before=_created(wanted, ctx.now)[1],
        touched_since=_since(wanted.stale, ctx.now, older=False),
        untouched_since=_since(wanted.stale, ctx.now, older=True),
        stages=tuple(str(s) for s in wanted.stages),
        tags=wanted.tags,
        custom=wanted.custom,
        sort=wanted.sort,
    )


def _created(wanted: LeadFilter, now: datetime) -> tuple[datetime | None, datetime | None]:
    """From when and until when the leads were created: a calendar month, or a number of days."""
    if isinstance(wanted.created, Month):
        return wanted.created.bounds()
    return _since(wanted.created, now, older=False), _since(wanted.created, now, older=True)


def _since(age: Age | None, now: datetime, *, older: bool) -> datetime | None:
    """The instant `age` days before now, when the age looks that way (older or newer)."""
    if age is None or age.older is not older:
        return None
    return now - timedelta(days=age.days)
