"""`/lead probability L-12 70`: a conversion chance set by hand, shown instead of the model's
and never overwritten by retraining; `auto` gives the lead back to the model."""

from domain.closing.outcomes import require_open
from domain.followups.activity import Activity, ActivityKind
from domain.permissions import Action
from domain.scoring.predictive import HandSet
from handlers.commands import SetProbability
from handlers.context import Context, audit, load_lead
from handlers.results import LeadView, ProbabilitySet
from handlers.scoring.predictive import conversion_chance
from store.unit_of_work import SqlUnitOfWork


def set_probability(cmd: SetProbability, uow: SqlUnitOfWork, ctx: Context) -> ProbabilitySet:
    """Only an open lead has a chance to set (a closed one's outcome is known)."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.WORK)
        if uow.requests.seen_before(lead.team_id, cmd.request_key, ctx.now):
            return ProbabilitySet(LeadView.of(lead), cmd.percent, conversion_chance(uow, lead, ctx.now), True)
        require_open(lead)
        before = uow.predictive.hand_set(lead)
        hand = HandSet(cmd.percent, ctx.actor.user_id, ctx.now) if cmd.percent is not None else None
        uow.predictive.set_by_hand(lead, hand)
        body = (
            f"Conversion chance set by hand to {cmd.percent}%"
            if cmd.percent is not None
            else "Conversion chance given back to the model"
        )
        uow.activities.add(lead, Activity(ActivityKind.SYSTEM, body, ctx.actor.user_id, ctx.now))
        was = {"percent": before.percent if before else None}
        audit(uow, ctx, "lead.probability", lead, was, {"percent": cmd.percent})
        uow.requests.settle(lead.team_id, cmd.request_key, "probability")
        result = ProbabilitySet(LeadView.of(lead), cmd.percent, conversion_chance(uow, lead, ctx.now))
        uow.commit()
    return result
