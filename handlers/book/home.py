"""The Home tab: what a rep, a manager or an admin needs to run the day, read in one
read-only transaction of a few aggregate queries (store/book/home.py), every section capped."""

from datetime import datetime

from domain.book import home
from domain.book.home import (
    Day,
    RepLoad,
    Shown,
    Speed,
    median_minutes,
)
from domain.config import LeadbotConfig
from domain.permissions import Role
from domain.routing.sla import SlaStatus
from handlers.commands import ShowHome
from handlers.context import Context
from handlers.results import HomeTab, MyDesk, Oversight
from store.unit_of_work import HomeReads, SqlUnitOfWork


def show_home(cmd: ShowHome, uow: SqlUnitOfWork, ctx: Context) -> HomeTab:
    actor, day = ctx.actor, Day.of(ctx.now, cmd.tz)
    with uow:
        reads = uow.home_reads(actor.team_id)
        followups = reads.followups(actor.user_id, day.end_of_today, home.FOLLOWUPS_SHOWN)
        if actor.role is Role.REP:
            return HomeTab(
                actor.user_id, actor.role, cmd.tz, ctx.now, followups, _desk(reads, ctx, day), None, None
            )
        teams = None if actor.role is Role.ADMIN else actor.sales_teams
        oversight = _oversight(reads, ctx, teams, day)
        alerts = reads.delivery_alerts(home.ALERTS_SHOWN) if actor.role is Role.ADMIN else None
    return HomeTab(actor.user_id, actor.role, cmd.tz, ctx.now, followups, None, oversight, alerts)


def _desk(reads: HomeReads, ctx: Context, day: Day) -> MyDesk:
    me = ctx.actor.user_id
    by_status, by_stage = reads.pipeline(me)
    return MyDesk(
        reads.new_leads(me, home.LEADS_SHOWN),
        reads.hottest(me, home.LEADS_SHOWN),
        tuple(by_status),
        tuple(by_stage),
        _speed(reads.handed(me, day.week_start)),
    )


def _speed(handed: list[tuple[datetime | None, datetime | None, str | None]]) -> Speed:
    spans = [contact - given for given, contact, _ in handed if contact is not None and given is not None]
    breached = sum(1 for _, _, status in handed if status == SlaStatus.BREACHED)
    return Speed(len(handed), len(spans), median_minutes(spans), breached)


def _oversight(reads: HomeReads, ctx: Context, teams: tuple[str, ...] | None, day: Day) -> Oversight:
    config, now = ctx.config, ctx.now
    return Oversight(
        teams,
        tuple(team.name for team in config.teams if teams is None or team.key in teams),
        reads.proposals(teams, home.PROPOSALS_SHOWN),
        reads.slas_at_risk(teams, now + home.SLA_AT_RISK, home.SLAS_SHOWN),
        tuple(reads.pool_by_age(teams, now)),
        _loads(config, teams, reads.open_by_owner(teams), reads.away(now)),
        tuple(reads.funnel(teams, day.month_start)),
    )


def _loads(
    config: LeadbotConfig,
    teams: tuple[str, ...] | None,
    open_leads: dict[str, int],
    away: dict[str, datetime],
) -> Shown[RepLoad]:
    """Each rep of the teams against their open-lead capacity, the fullest first."""
    loads: dict[str, RepLoad] = {}
    for team in config.teams:
        if teams is not None and team.key not in teams:
            continue
        for rep in team.members:
            capacity = team.routing.capacity_of(rep).open
            loads.setdefault(rep, RepLoad(rep, open_leads.get(rep, 0), capacity, away.get(rep)))
    ordered = sorted(loads.values(), key=lambda r: (-r.open / r.capacity, r.rep_id))
    return Shown(tuple(ordered[: home.REPS_SHOWN]), len(ordered))
