"""Settling a proposal: a manager's Approve, Reassign or Reject, `/lead assign`,
`/lead claim`, and the team's own approval after N minutes. However many click at once,
one decision wins (store.routing.state.RoutingRepository.decide); the others are told whose."""

from dataclasses import replace
from datetime import datetime

from domain.config import LeadbotConfig
from domain.errors import InvalidInput, NotFound, PermissionDenied
from domain.lead import Lead
from domain.permissions import Action, require_routing_decider, system_actor
from domain.routing.assignment import LEADBOT, Assignment, AssignmentState, Decision
from domain.routing.rules import RepNote
from handlers.commands import AssignLead, ClaimLead, DecideRouting
from handlers.context import Context, load_lead
from handlers.results import LeadView, RoutingDecided
from handlers.routing.messages import give_lead, queue_decided
from handlers.routing.once import replayed, settled
from store.unit_of_work import SqlUnitOfWork, UowFactory

SETTLED_STATE = {Decision.REJECT: AssignmentState.REJECTED}


def decide_routing(cmd: DecideRouting, uow: SqlUnitOfWork, ctx: Context) -> RoutingDecided:
    """A repeat of the same click (request key) answers as the first did, not "already decided"."""
    with uow:
        assignment = uow.routing.get(ctx.actor.team_id, cmd.assignment_id)
        if assignment is None:
            raise NotFound("That proposal no longer exists.")
        team = ctx.config.team(assignment.sales_team)
        require_routing_decider(ctx.actor, team.key, team.name)
        if (earlier := replayed(uow, ctx, cmd.request_key)) is not None:
            return earlier
        rep = cmd.rep or assignment.rep_id
        if cmd.decision is Decision.REASSIGN:
            _check_member(rep, team.members, team.name)
        result = settled(uow, ctx, cmd.request_key, settle(uow, ctx, assignment, cmd.decision, rep))
        uow.commit()
    return result


def settle(
    uow: SqlUnitOfWork, ctx: Context, assignment: Assignment, decision: Decision, rep: str
) -> RoutingDecided:
    """Apply a decision if the proposal is still open; else say who settled it."""
    lead = uow.leads.by_id(assignment.team_id, assignment.lead_id)
    if lead is None:
        raise NotFound("The lead of that proposal no longer exists.")
    state = SETTLED_STATE.get(decision, AssignmentState.APPROVED)
    if not uow.routing.decide(assignment, state, rep, ctx.actor.user_id, ctx.now):
        current = uow.routing.get(assignment.team_id, assignment.id)
        assert current is not None
        return RoutingDecided(LeadView.of(lead), current, None, settled_by_other=True)
    if decision is Decision.REJECT or rep != assignment.rep_id:
        uow.routing.return_turn(assignment.team_id, assignment.sales_team, assignment.rep_id)
    if state is AssignmentState.APPROVED:
        give_lead(uow, ctx, lead, rep, assignment.id)
    decided = replace(assignment, state=state, rep_id=rep, decided_by=ctx.actor.user_id, decided_at=ctx.now)
    queue_decided(uow, ctx, lead, decided, decision, ctx.actor.user_id)
    return RoutingDecided(LeadView.of(lead), decided, decision)


def assign_lead(cmd: AssignLead, uow: SqlUnitOfWork, ctx: Context) -> RoutingDecided:
    """Managers give a lead of their team to one of its reps; a waiting proposal is settled.
    A repeat of the request assigns nothing twice and tells nobody twice."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.ASSIGN)
        if (earlier := replayed(uow, ctx, cmd.request_key)) is not None:
            return earlier
        team = ctx.config.team(lead.sales_team)
        _check_member(cmd.rep, team.members + team.managers, team.name)
        result = settled(uow, ctx, cmd.request_key, _take(uow, ctx, lead, cmd.rep, Decision.ASSIGN))
        uow.commit()
    return result


def claim_lead(cmd: ClaimLead, uow: SqlUnitOfWork, ctx: Context) -> RoutingDecided:
    """Reps take an unassigned lead of their team, where the team allows claiming. A repeat of
    the request is told it claimed the lead, not that the lead has an owner now."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.VIEW)
        if (earlier := replayed(uow, ctx, cmd.request_key)) is not None:
            return earlier
        team = ctx.config.team(lead.sales_team)
        if not team.routing.claim_allowed:
            raise PermissionDenied(f"{team.name} does not let reps claim leads: ask a manager to assign it.")
        if lead.owner_id is not None:
            raise PermissionDenied(f"{lead.ref} already has an owner: only unassigned leads can be claimed.")
        _check_member(ctx.actor.user_id, team.members, team.name)
        result = settled(uow, ctx, cmd.request_key, _take(uow, ctx, lead, ctx.actor.user_id, Decision.CLAIM))
        uow.commit()
    return result


def _take(uow: SqlUnitOfWork, ctx: Context, lead: Lead, rep: str, decision: Decision) -> RoutingDecided:
    """Settle the lead's waiting proposal in `rep`'s favour, or record a direct assignment."""
    pending = uow.routing.pending_for(lead.team_id, lead.id or 0)
    if pending is not None:
        return settle(uow, ctx, pending, decision, rep)
    return RoutingDecided(LeadView.of(lead), assign_directly(uow, ctx, lead, rep), decision)


def assign_directly(
    uow: SqlUnitOfWork,
    ctx: Context,
    lead: Lead,
    rep: str,
    rule: str | None = None,
    notes: tuple[RepNote, ...] = (),
) -> Assignment:
    """Record an assignment decided at once (no proposal) and give the lead to `rep`."""
    assignment = Assignment(
        id=0,
        team_id=lead.team_id,
        lead_id=lead.id or 0,
        sales_team=lead.sales_team or ctx.config.teams[0].key,
        rep_id=rep,
        state=AssignmentState.APPROVED,
        rule=rule,
        notes=notes,
        created_at=ctx.now,
        decided_by=ctx.actor.user_id,
        decided_at=ctx.now,
    )
    stored = replace(assignment, id=uow.routing.add(assignment, ctx.actor.user_id))
    give_lead(uow, ctx, lead, rep, stored.id)
    return stored


def approve_overdue_proposals(
    now: datetime, uow_factory: UowFactory, config: LeadbotConfig, batch: int = 100
) -> int:
    """The scheduler's part: proposals nobody decided within the team's
    auto_approve_after_minutes are approved by Leadbot, so speed-to-lead does not stall."""
    with uow_factory() as uow:
        due = uow.routing.due_for_auto_approval(now, batch)
        for assignment in due:
            ctx = Context(system_actor(assignment.team_id, LEADBOT), now, config)
            settle(uow, ctx, assignment, Decision.AUTO, assignment.rep_id)
        uow.commit()
    return len(due)


def _check_member(rep: str, members: tuple[str, ...], team_name: str) -> None:
    if rep not in members:
        raise InvalidInput("rep", f"<@{rep}> is not in {team_name}: pick one of its reps.")
