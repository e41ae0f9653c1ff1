"""`/lead list`: a filtered, sorted page of the leads the actor may see."""

from datetime import datetime, timedelta

from domain.book.filters import Age, LeadFilter, ListQuery, Month, Owner, parse_filter
from domain.book.saved_lists import SavedList
from domain.capture.countries import country_terms
from domain.config import SalesTeam
from domain.errors import InvalidInput, NotFound, PermissionDenied
from domain.permissions import Action, Role, can, can_keep_shared_list, visibility
from handlers.commands import DeleteList, ListLeads, SaveList, ShowSavedLists
from handlers.context import Context
from handlers.results import LeadPage, LeadView, ListDeleted, ListSaved, SavedListsShown, SharedList
from store.unit_of_work import SqlUnitOfWork

PAGE_SIZE = 20


def list_leads(cmd: ListLeads, uow: SqlUnitOfWork, ctx: Context) -> LeadPage:
    """Reps see their own leads and their teams' unassigned ones, managers their teams',
    admins every lead (domain/permissions.visibility); merged-away leads never. A saved
    list, shared with a team or not, is only its filter: it shows what the viewer may see."""
    shared_by = None
    with uow:
        if cmd.saved:
            found = _saved(uow, ctx, cmd.saved)
            wanted = parse_filter(list(found.pairs), ctx.config.fields)
            shared_by = _team_name(ctx, found.team) if found.team else None
        else:
            wanted = cmd.filter
        query = resolve(wanted, ctx)
        page = uow.lead_lists.page(ctx.actor.team_id, query, (cmd.page - 1) * PAGE_SIZE, PAGE_SIZE)
    leads = tuple(LeadView.of(lead) for lead in page.leads)
    can_act = page.total > 0 and can(ctx.actor, Action.BULK)
    return LeadPage(
        wanted, cmd.page, PAGE_SIZE, page.total, leads, cmd.saved, can_act=can_act, shared_by=shared_by
    )


def save_list(cmd: SaveList, uow: SqlUnitOfWork, ctx: Context) -> ListSaved:
    """A person's own named filter, or (`share:<team>`, managers of the team and admins) the
    team's; saving a name again replaces its filter."""
    resolve(cmd.filter, ctx)  # a bad country is refused now, not each time the list is shown
    team = _team_to_keep(ctx, cmd.team, "share a list with") if cmd.team is not None else None
    actor, pairs = ctx.actor, cmd.filter.pairs()
    with uow:
        if team is None:
            new = uow.saved_lists.save(actor.team_id, actor.user_id, cmd.name, pairs, ctx.now)
        else:
            new = uow.saved_lists.share(actor.team_id, team.key, cmd.name, pairs, actor.user_id, ctx.now)
        uow.commit()
    return ListSaved(cmd.name, cmd.filter, new, team.name if team is not None else None)


def delete_list(cmd: DeleteList, uow: SqlUnitOfWork, ctx: Context) -> ListDeleted:
    """The person's own list of that name; else the one shared with one of their teams, if
    they keep that team's lists (managers of the team, admins). `share:<team>` names the
    team's list even when the person has one of their own by that name."""
    actor = ctx.actor
    with uow:
        if cmd.team is not None:
            team = _team_to_keep(ctx, cmd.team, "delete a list shared with")
        elif uow.saved_lists.delete(actor.team_id, actor.user_id, cmd.name):
            uow.commit()
            return ListDeleted(cmd.name)
        else:
            team = _shared_to_delete(uow, ctx, cmd.name)
        if not uow.saved_lists.unshare(actor.team_id, team.key, cmd.name):
            raise NotFound(
                f"{team.name} has no shared list `{cmd.name}`: "
                "`/lead list saved` shows the lists you can use."
            )
        uow.commit()
    return ListDeleted(cmd.name, team.name)


def show_saved_lists(cmd: ShowSavedLists, uow: SqlUnitOfWork, ctx: Context) -> SavedListsShown:
    actor = ctx.actor
    with uow:
        own = uow.saved_lists.own(actor.team_id, actor.user_id)
        shared = uow.saved_lists.shared(actor.team_id, _readable_teams(ctx))
    return SavedListsShown(
        tuple(own), tuple(SharedList(_team_name(ctx, found.team), found) for found in shared)
    )


def _team_name(ctx: Context, key: str | None) -> str:
    """A team the config no longer lists is named by its key (config.team() would name the
    first team, and the list would seem to be that team's)."""
    return next((team.name for team in ctx.config.teams if team.key == key), key or "")


def _readable_teams(ctx: Context) -> tuple[str, ...] | None:
    """Whose shared lists the person may run: their teams' (an admin's: every team's)."""
    return None if ctx.actor.role is Role.ADMIN else ctx.actor.sales_teams


def _saved(uow: SqlUnitOfWork, ctx: Context, name: str) -> SavedList:
    """The person's own list of that name, else one shared with their teams (theirs in the
    order the config lists them; an admin's, every team's)."""
    actor = ctx.actor
    pairs = uow.saved_lists.get(actor.team_id, actor.user_id, name)
    if pairs is not None:
        return SavedList(name, tuple(pairs), actor.user_id)
    shared = uow.saved_lists.shared(actor.team_id, _readable_teams(ctx), name)
    if shared:
        order = [team.key for team in ctx.config.teams]
        return min(shared, key=lambda found: order.index(found.team) if found.team in order else len(order))
    raise NotFound(
        f"You have no saved list `{name}`. {_yours(uow, ctx)} "
        "Save one with `/lead list save <name> <filters>`."
    )


def _yours(uow: SqlUnitOfWork, ctx: Context) -> str:
    actor = ctx.actor
    names = uow.saved_lists.names(actor.team_id, actor.user_id)
    shared = sorted({found.name for found in uow.saved_lists.shared(actor.team_id, _readable_teams(ctx))})
    yours = f"Yours: {', '.join(names)}." if names else "You have none yet."
    return yours + (f" Shared with your teams: {', '.join(shared)}." if shared else "")


def _shared_to_delete(uow: SqlUnitOfWork, ctx: Context, name: str) -> SalesTeam:
    """The one team, of those whose shared lists the person may run, whose list of that name
    they may delete."""
    actor = ctx.actor
    shared = uow.saved_lists.shared(actor.team_id, _readable_teams(ctx), name)
    if not shared:
        raise NotFound(f"You have no saved list `{name}` to delete. {_yours(uow, ctx)}")
    teams = [ctx.config.team(found.team) for found in shared]
    mine = [team for team in teams if can_keep_shared_list(actor, team.key)]
    if not mine:
        raise PermissionDenied(
            f"`{name}` is shared with {teams[0].name}: only its managers or an admin can delete it."
        )
    if len(mine) > 1:
        named = " or ".join(f"`/lead list delete {name} share:{team.key}`" for team in mine)
        raise InvalidInput("share", f"Several teams have a shared list `{name}`: say which, {named}.")
    return mine[0]


def _team_to_keep(ctx: Context, key: str, doing: str) -> SalesTeam:
    """The team of `share:<team>`, when the person keeps its shared lists."""
    team = next((team for team in ctx.config.teams if team.key == key.lower()), None)
    if team is None:
        known = ", ".join(f"`{team.key}` ({team.name})" for team in ctx.config.teams)
        raise InvalidInput("share", f"There is no team `{key}` to share with. Teams: {known}.")
    if ctx.actor.role is Role.REP:
        raise PermissionDenied(
            f"Only managers and admins can {doing} a team: a rep keeps lists of their own "
            "(`/lead list save <name> <filters>`, without `share:`)."
        )
    if not can_keep_shared_list(ctx.actor, team.key):
        raise PermissionDenied(
            f"Only the managers of {team.name} or an admin can {doing} it: "
            "you may share lists with the teams you manage."
        )
    return team


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
