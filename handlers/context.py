"""What every handler is given besides its command: who, when, and the workspace's rules."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.config import LeadbotConfig
from domain.errors import InvalidInput, NotFound
from domain.lead import Lead, lead_ref
from domain.permissions import Action, Actor, require
from store.unit_of_work import SqlUnitOfWork
from store.unit_of_work import UowFactory as UowFactory  # for the Slack side: it never imports store


@dataclass(frozen=True, slots=True)
class Context:
    actor: Actor
    now: datetime  # aware UTC; handlers never read the clock
    config: LeadbotConfig


def load_lead(
    uow: SqlUnitOfWork, ctx: Context, number: int, action: Action, *, merged_away: bool = False
) -> Lead:
    """The lead, if it exists in the actor's workspace and the actor may act on it.
    Another workspace's lead is reported as missing, not as forbidden. A lead merged into
    another is not live: only `show`, a merge and its undo ask for one (merged_away=True);
    anything else is refused with the lead that holds its history now."""
    lead = find_lead(uow, ctx, number)
    require(ctx.actor, action, lead)
    if lead.merged_into is not None and not merged_away:
        raise InvalidInput("lead", use_survivor(uow, lead))
    return lead


def find_lead(uow: SqlUnitOfWork, ctx: Context, number: int) -> Lead:
    """The lead of that number in the actor's workspace, merged away or not; no permission
    is checked: the caller checks its own rule."""
    lead = uow.leads.get(ctx.actor.team_id, number)
    if lead is None:
        raise NotFound(f"There is no lead {lead_ref(number)}. `/lead find <name>` finds one.")
    return lead


def use_survivor(uow: SqlUnitOfWork, lead: Lead) -> str:
    survivor = uow.leads.survivor(lead)
    if survivor is None:  # a chain of merges too long to follow
        return f"{lead.ref} was merged into another lead: `/lead find` finds the one to use."
    return f"{lead.ref} was merged into {survivor.ref}: use {survivor.ref}."


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
