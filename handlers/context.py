"""What every handler is given besides its command: who, when, and the workspace's rules."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.config import LeadbotConfig
from domain.errors import NotFound
from domain.lead import Lead, lead_ref
from domain.permissions import Action, Actor, require
from store.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class Context:
    actor: Actor
    now: datetime  # aware UTC; handlers never read the clock
    config: LeadbotConfig


def load_lead(uow: SqlUnitOfWork, ctx: Context, number: int, action: Action) -> Lead:
    """The lead, if it exists in the actor's workspace and the actor may act on it.
    Another workspace's lead is reported as missing, not as forbidden."""
    lead = uow.leads.get(ctx.actor.team_id, number)
    if lead is None:
        raise NotFound(f"There is no lead {lead_ref(number)}. `/lead find <name>` finds one.")
    require(ctx.actor, action, lead)
    return lead


def audit(
    uow: SqlUnitOfWork,
    ctx: Context,
    action: str,
    lead: Lead,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record who did what to a lead, in the same transaction as the change."""
    uow.audit.record(
        team_id=lead.team_id,
        actor_id=ctx.actor.user_id,
        action=action,
        entity="lead",
        entity_ref=lead.ref,
        at=ctx.now,
        before=before,
        after=after,
    )
