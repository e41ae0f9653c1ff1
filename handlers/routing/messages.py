"""What routing changes on a lead and tells Slack (through the outbox): the proposal in
the team channel, its decision (message updated, reply in its thread), the rep's DM."""

from typing import Any

from domain.config import SalesTeam
from domain.delivery.messages import (
    LeadAssignedDm,
    LeadBrief,
    LeadTakenDm,
    OutboxMessage,
    ProposalDecided,
    RoutingProposal,
)
from domain.followups.activity import Activity, ActivityKind
from domain.lead import Lead
from domain.routing.assignment import Assignment, Decision
from domain.routing.rules import decided_key, proposal_key
from handlers.context import Context, audit
from handlers.results import LeadView
from store.unit_of_work import SqlUnitOfWork


def give_lead(
    uow: SqlUnitOfWork, ctx: Context, lead: Lead, rep: str, assignment_id: int, tell: bool = True
) -> None:
    """The lead becomes `rep`'s through assignment `assignment_id`; their first-contact
    clock starts now. The rep hears of it by DM, unless `tell` is off (an import's leads
    are summed up in the team channel instead of a DM each)."""
    before = lead.snapshot()
    tell_previous_owner(uow, ctx, lead, rep, assignment_id)
    line = f"Reassigned from <@{lead.owner_id}> to <@{rep}>" if lead.owner_id else f"Assigned to <@{rep}>"
    # the rep's leads, the previous owner's, and the team's pool and load all moved
    people = (rep, lead.owner_id, *ctx.config.overseers(lead.sales_team))
    uow.refresh_homes(lead.team_id, people, ctx.now)
    lead.owner_id, lead.updated_at = rep, ctx.now
    uow.leads.save(lead)
    uow.activities.add(lead, Activity(ActivityKind.SYSTEM, line, ctx.actor.user_id, ctx.now))
    audit(uow, ctx, "lead.assigned", lead, before, lead.snapshot())
    uow.sla.start_clock(assignment_id, ctx.config.team(lead.sales_team), ctx.now)
    if not tell:
        return
    body = LeadAssignedDm(user=rep, lead=_lead(lead), by=ctx.actor.user_id)
    uow.outbox.add(OutboxMessage(lead.team_id, f"routing:dm:{lead.id}:{rep}:{ctx.now}", body), ctx.now)


def tell_previous_owner(uow: SqlUnitOfWork, ctx: Context, lead: Lead, rep: str, assignment_id: int) -> None:
    """A rep whose lead someone else gives away hears of it (once per assignment), so
    nobody keeps calling a lead that is no longer theirs."""
    previous = lead.owner_id
    if previous is None or previous in (rep, ctx.actor.user_id):
        return
    body = LeadTakenDm(user=previous, lead=_lead(lead), rep=rep, by=ctx.actor.user_id)
    key = f"routing:taken:{lead.id}:{assignment_id}"
    uow.outbox.add(OutboxMessage(lead.team_id, key, body), ctx.now)


def note_routed(
    uow: SqlUnitOfWork, ctx: Context, lead: Lead, assignment: Assignment, team: SalesTeam
) -> None:
    """The timeline's line for a proposal: where routing sent the lead, to whom, by which rule."""
    rule = f" by rule {assignment.rule}" if assignment.rule else ""
    line = f"Routed to {team.name}{rule}: proposed to <@{assignment.rep_id}>, waiting for a manager"
    uow.activities.add(lead, Activity(ActivityKind.SYSTEM, line, ctx.actor.user_id, ctx.now))


def queue_proposal(
    uow: SqlUnitOfWork, ctx: Context, lead: Lead, assignment: Assignment, team: SalesTeam
) -> None:
    """Without a team channel the proposal waits in its managers' Home tabs (and for
    `/lead assign`)."""
    uow.refresh_homes(lead.team_id, ctx.config.overseers(team.key), ctx.now)
    if not team.channel:
        return
    body = RoutingProposal(channel=team.channel, **describe(lead, assignment, team))
    uow.outbox.add(OutboxMessage(lead.team_id, proposal_key(assignment.id), body), ctx.now)


def queue_decided(
    uow: SqlUnitOfWork, ctx: Context, lead: Lead, assignment: Assignment, decision: Decision, by: str | None
) -> None:
    """The proposal's message is updated in place (at the ts its delivery recorded) and
    the decision posted in its thread; a decision with no message yet gets a new one."""
    team = ctx.config.team(assignment.sales_team)
    uow.refresh_homes(lead.team_id, ctx.config.overseers(team.key), ctx.now)  # no longer waiting
    if not team.channel:  # no channel, so the proposal was never posted either
        return
    posted = uow.routing.posted_at(assignment.id)
    channel, ts = posted if posted else (team.channel, None)
    body = ProposalDecided(
        channel=channel,
        ts=ts,
        decision=decision,
        by=by or assignment.decided_by,
        **describe(lead, assignment, team),
    )
    uow.outbox.add(OutboxMessage(lead.team_id, decided_key(assignment.id), body), ctx.now)


def describe(lead: Lead, assignment: Assignment, team: SalesTeam) -> dict[str, Any]:
    """What the proposal and its decision both show."""
    return {
        "assignment_id": assignment.id,
        "lead": _lead(lead),
        "team": team.name,
        "rule": assignment.rule,
        "rep": assignment.rep_id,
        "notes": assignment.notes,
    }


def _lead(lead: Lead) -> LeadBrief:
    shown = {**LeadView.of(lead).as_payload(), "country": lead.country, "product": lead.product}
    return LeadBrief.model_validate(shown)
