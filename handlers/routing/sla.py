"""Speed-to-lead: the sweep that escalates first-contact SLA breaches (and re-routes where
the team wants it), and the figures reports and digests read."""

from dataclasses import dataclass
from datetime import datetime

from domain.config import LeadbotConfig, SalesTeam
from domain.delivery.messages import OutboxMessage, SlaBreached
from domain.lead import Lead
from domain.lifecycle import OPEN_STATUSES
from domain.permissions import system_actor
from domain.routing.assignment import LEADBOT, Assignment
from domain.routing.rules import choose_rep
from domain.routing.sla import DueSla, SlaStatus, SpeedFigures
from handlers.context import Context
from handlers.results import LeadView
from handlers.routing.decide import assign_directly
from handlers.routing.route import rep_states
from store.unit_of_work import SqlUnitOfWork, UowFactory


@dataclass(frozen=True, slots=True)
class SlaSweep:
    settled: int  # clocks taken out of `running` (breached or voided): 0 means done
    breached: int


def escalate_breaches(
    now: datetime, uow_factory: UowFactory, config: LeadbotConfig, batch: int = 100
) -> SlaSweep:
    """One batch of running clocks past their deadline: a lead still open and still with
    that rep is breached (once, however many processes sweep) and escalated; one that
    closed or changed hands meanwhile just stops its clock."""
    breached = 0
    with uow_factory() as uow:
        due = uow.sla.due(now, batch)
        for item in due:
            ctx = Context(system_actor(item.assignment.team_id, LEADBOT), now, config)
            breached += _settle(uow, ctx, item)
        uow.commit()
    return SlaSweep(len(due), breached)


def _settle(uow: SqlUnitOfWork, ctx: Context, item: DueSla) -> int:
    assignment = item.assignment
    lead = uow.leads.by_id(assignment.team_id, assignment.lead_id)
    if lead is None or not _still_owed(lead, assignment):
        uow.sla.settle(assignment.id, SlaStatus.VOID)
        return 0
    if not uow.sla.settle(assignment.id, SlaStatus.BREACHED):
        return 0  # another process breached it first
    team = ctx.config.team(assignment.sales_team)
    uow.refresh_homes(lead.team_id, (lead.owner_id, *ctx.config.overseers(team.key)), ctx.now)
    rerouted = _reroute(uow, ctx, lead, assignment, team) if team.routing.reroute_on_breach else None
    _queue_escalation(uow, ctx, lead, item, team, rerouted)
    return 1


def _still_owed(lead: Lead, assignment: Assignment) -> bool:
    """The clock still measures a contact someone owes: the lead is live (not merged into
    another, whose own clock counts), open, and still that rep's."""
    live = lead.merged_into is None and lead.status in OPEN_STATUSES
    return live and lead.owner_id == assignment.rep_id


def _reroute(uow: SqlUnitOfWork, ctx: Context, lead: Lead, late: Assignment, team: SalesTeam) -> str | None:
    """The next rep as routing would choose them, the late rep left out; None if nobody
    else has room (the lead then stays with the late rep)."""
    decision = uow.routing.next_decision(lead.team_id, team.key)  # the team's routing lock
    reps = [r for r in rep_states(uow, ctx, team) if r.user_id != late.rep_id]
    choice = choose_rep(team.routing.strategy, reps, ctx.now, seed=decision)
    if choice.rep is None:
        return None
    uow.routing.take_turn(lead.team_id, team.key, choice.rep, decision)
    assign_directly(uow, ctx, lead, choice.rep, late.rule, choice.notes)
    return choice.rep


def _queue_escalation(
    uow: SqlUnitOfWork, ctx: Context, lead: Lead, item: DueSla, team: SalesTeam, rerouted: str | None
) -> None:
    """Into the thread where the lead was proposed (a new team-channel post if it has none)."""
    thread = uow.sla.thread_of(lead.team_id, item.assignment.lead_id)
    channel, ts = thread if thread else (team.channel, None)
    if channel is None:
        return  # no channel, no thread: the managers see it in the figures
    body = SlaBreached(
        channel=channel,
        thread_ts=ts,
        lead=LeadView.of(lead).brief(),
        rep=item.assignment.rep_id,
        minutes=item.minutes,
        managers=tuple(team.managers),
        reroute=team.routing.reroute_on_breach,
        rerouted_to=rerouted,
        team=team.name,
    )
    key = f"sla:breach:{item.assignment.id}"
    uow.outbox.add(OutboxMessage(lead.team_id, key, body), ctx.now)


def speed_figures(uow: SqlUnitOfWork, team_id: str, sales_team: str, since: datetime) -> SpeedFigures:
    """Median time to assignment and to first contact, and SLA breaches, of the team's
    leads first assigned since `since`: what reports and the digest show."""
    with uow:
        return SpeedFigures.of(sales_team, uow.sla.speeds(team_id, sales_team, since))
