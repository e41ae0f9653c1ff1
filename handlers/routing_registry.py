"""The routing commands' handlers, merged into handlers.registry.COMMAND_HANDLERS."""

from collections.abc import Callable
from typing import Any

from handlers.away import set_away
from handlers.commands import AssignLead, ClaimLead, DecideRouting, RouteLead, SetAway
from handlers.context import Context
from handlers.results import Result
from handlers.routing import route_lead
from handlers.routing_decide import assign_lead, claim_lead, decide_routing
from store.unit_of_work import SqlUnitOfWork

ROUTING_HANDLERS: dict[type, Callable[[Any, SqlUnitOfWork, Context], Result]] = {
    RouteLead: route_lead,
    DecideRouting: decide_routing,
    AssignLead: assign_lead,
    ClaimLead: claim_lead,
    SetAway: set_away,
}
