"""A lead's conversion chance: the model's prediction with its top factors, a chance set by
hand, or how far the workspace is from enough history. `/lead show` puts it on the card;
`chance_of` serves any command that wants it alone (such as `/lead score`)."""

from datetime import datetime

from domain.lead import Lead
from domain.lifecycle import OPEN_STATUSES
from domain.permissions import Action
from domain.scoring.logistic import LogisticModel, Weights
from domain.scoring.predictive import as_percent, features
from handlers.context import Context, load_lead
from handlers.results import ChanceView
from store.unit_of_work import SqlUnitOfWork


def conversion_chance(uow: SqlUnitOfWork, lead: Lead, now: datetime) -> ChanceView | None:
    """Inside an open unit of work. None for a closed lead: its outcome is known."""
    if lead.status not in OPEN_STATUSES:
        return None
    hand = uow.predictive.hand_set(lead)
    if hand is not None:
        return ChanceView(hand.percent, set_by=hand.set_by)
    stored = uow.predictive.model_for(lead.team_id, lead.sales_team)
    if stored is None or stored.params is None:
        return ChanceView(None, history=stored.n if stored else 0)
    weights = Weights.from_json(stored.params)
    seen = features(lead, uow.predictive.engagement(lead, now), now)
    prediction = LogisticModel({stored.sales_team: weights}).predict(seen, stored.sales_team)
    return ChanceView(
        as_percent(prediction.probability), prediction.factors, history=weights.n, scope=stored.sales_team
    )


def chance_of(number: int, uow: SqlUnitOfWork, ctx: Context) -> ChanceView | None:
    """The chance of a lead the actor may see, in a transaction of its own."""
    with uow:
        lead = load_lead(uow, ctx, number, Action.VIEW)
        return conversion_chance(uow, lead, ctx.now)
