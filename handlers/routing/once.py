"""Routing requests keyed on the request (`/lead route`, `assign`, `claim`, a manager's click
on a proposal): a repeat answers as the first did, from the assignment the first one made,
instead of assigning again or being refused because the lead is taken now."""

from domain.errors import NotFound
from domain.routing.assignment import Decision
from handlers.context import Context
from handlers.results import LeadView, RoutingDecided
from store.unit_of_work import SqlUnitOfWork

LATE = "late"  # the first request found the proposal decided by someone else


def replayed(uow: SqlUnitOfWork, ctx: Context, key: str | None) -> RoutingDecided | None:
    """None for a first request (its key now held by this transaction); else its answer."""
    earlier = uow.requests.first(ctx.actor.team_id, key, ctx.now)
    if earlier is None:
        return None
    assignment_id, _, verdict = earlier.removeprefix("assignment:").partition(":")
    assignment = uow.routing.get(ctx.actor.team_id, int(assignment_id))
    lead = uow.leads.by_id(ctx.actor.team_id, assignment.lead_id) if assignment else None
    if assignment is None or lead is None:
        raise NotFound("The lead of that request no longer exists.")
    decision = Decision(verdict) if verdict and verdict != LATE else None
    return RoutingDecided(LeadView.of(lead), assignment, decision, settled_by_other=verdict == LATE)


def settled(uow: SqlUnitOfWork, ctx: Context, key: str | None, result: RoutingDecided) -> RoutingDecided:
    """Settle the request's key with what replayed() needs to answer a repeat the same way."""
    verdict = LATE if result.settled_by_other else (result.decision or "")
    uow.requests.settle(ctx.actor.team_id, key, f"assignment:{result.assignment.id}:{verdict}")
    return result
