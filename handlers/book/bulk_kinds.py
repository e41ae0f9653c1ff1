"""What each kind of bulk action does to one lead and how it is undone: a table keyed by
kind. A new kind plugs in by adding an entry here, and a word to the grammar
(bot/grammar/bulk.py); the engine (handlers/book/bulk.py) records, pages and undoes it.

`apply` changes the lead (not saved: the engine saves and records it) and returns the fields
it changed, before and after, or a sentence saying why the lead was left as it was. `undo`
is called only when the lead still holds `after` (nobody changed it since) and puts `before`
back. `line` is the lead's timeline entry for the change."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.book.bulk import BulkKind
from domain.book.tags import TagChange, applied
from domain.closing import outcomes as closing
from domain.errors import InvalidInput
from domain.lead import Lead
from domain.lifecycle import LeadStatus
from domain.permissions import Action, Role
from domain.routing.assignment import AssignmentState
from handlers.context import Context
from handlers.nurture import cadences as nurture
from handlers.routing.route import plan_route
from store.unit_of_work import SqlUnitOfWork

Fields = dict[str, Any]
Params = dict[str, str]
Change = tuple[Fields, Fields] | str  # (before, after), or why the lead was skipped


@dataclass(frozen=True, slots=True)
class BulkOps:
    verb: str  # "Reassign": the confirmation's and the summary's word
    permission: Action  # what the actor must be allowed on each lead
    check: Callable[[Params, Context], None]  # the kind's params, before anything is counted
    apply: Callable[[SqlUnitOfWork, Context, Lead, Params], Change]
    undo: Callable[[SqlUnitOfWork, Context, Lead, Fields, Fields], None]
    line: Callable[[Fields, Fields], str]  # the timeline's words for before -> after
    holds: Callable[[SqlUnitOfWork, Lead, Fields], bool] = lambda uow, lead, after: all(
        _current(lead, key) == value for key, value in after.items()
    )


def _current(lead: Lead, key: str) -> Any:
    value = getattr(lead, key)
    return str(value) if isinstance(value, LeadStatus) else value


# --- reassign and re-route ------------------------------------------------------------


def _check_rep(params: Params, ctx: Context) -> None:
    """The rep is someone a lead of the actor's teams can go to (any team for an admin)."""
    rep = params["rep"]
    teams = [t for t in ctx.config.teams if ctx.actor.role is Role.ADMIN or t.key in ctx.actor.sales_teams]
    if not any(rep in team.members + team.managers for team in teams):
        names = ", ".join(team.name for team in teams) or "none"
        raise InvalidInput(
            "rep", f"The rep you named is not in your teams ({names}): pick one of their reps."
        )


def _reassign(uow: SqlUnitOfWork, ctx: Context, lead: Lead, params: Params) -> Change:
    rep = params["rep"]
    if lead.owner_id == rep:
        return f"already <@{rep}>'s"
    team = ctx.config.team(lead.sales_team)
    if rep not in team.members + team.managers:
        return f"<@{rep}> is not in {team.name}"
    before = {"owner_id": lead.owner_id}
    _give(uow, ctx, lead, rep)
    return before, {"owner_id": rep}


def _route(uow: SqlUnitOfWork, ctx: Context, lead: Lead, params: Params) -> Change:
    """The routing engine picks the team and rep, as for a new lead; the manager's Confirm is
    the approval, so no proposal is posted per lead."""
    plan = plan_route(uow, ctx, lead)
    rep = plan.reps.rep
    if rep is None:
        return f"nobody in {plan.team.name} has room"
    if rep == lead.owner_id and plan.team.key == lead.sales_team:
        return f"routing picks its owner <@{rep}> again"
    before = {"owner_id": lead.owner_id, "sales_team": lead.sales_team}
    uow.routing.take_turn(lead.team_id, plan.team.key, rep, plan.decision)
    lead.sales_team = plan.team.key
    _give(uow, ctx, lead, rep)
    return before, {"owner_id": rep, "sales_team": plan.team.key}


def _give(uow: SqlUnitOfWork, ctx: Context, lead: Lead, rep: str) -> None:
    """A proposal still waiting for the lead would hand it out again: the bulk action takes it
    over (a manager's later click hears so), and its rep gets the turn back."""
    pending = uow.routing.pending_for(lead.team_id, lead.id or 0)
    if pending is not None and uow.routing.decide(
        pending, AssignmentState.SUPERSEDED, pending.rep_id, ctx.actor.user_id, ctx.now
    ):
        uow.routing.return_turn(pending.team_id, pending.sales_team, pending.rep_id)
    lead.owner_id = rep
    nurture.follow_owner(uow, ctx, lead)  # waiting cadence steps remind the new owner


def _restore_owner(uow: SqlUnitOfWork, ctx: Context, lead: Lead, before: Fields, after: Fields) -> None:
    lead.owner_id = before["owner_id"]
    lead.sales_team = before.get("sales_team", lead.sales_team)
    nurture.follow_owner(uow, ctx, lead)


def _owner_line(before: Fields, after: Fields) -> str:
    team = f" in team {after['sales_team']}" if after.get("sales_team") != before.get("sales_team") else ""
    was = f"<@{before['owner_id']}>" if before.get("owner_id") else "unassigned"
    now = f"<@{after['owner_id']}>" if after.get("owner_id") else "unassigned"
    return f"Reassigned from {was} to {now}{team}"


# --- close as lost ------------------------------------------------------------------------


def _check_reason(params: Params, ctx: Context) -> None:
    probe = Lead(ctx.actor.team_id, "probe", ctx.now, ctx.actor.user_id)
    closing.mark_lost(
        probe, reason=params["reason"], note=params.get("note"), reasons=ctx.config.lost_reasons, now=ctx.now
    )
    params["reason"], params["note"] = probe.lost_reason or params["reason"], probe.lost_note or ""


def _lose(uow: SqlUnitOfWork, ctx: Context, lead: Lead, params: Params) -> Change:
    before = {"status": str(lead.status), "lost_reason": lead.lost_reason, "lost_note": lead.lost_note}
    reasons = ctx.config.lost_reasons
    closing.mark_lost(lead, reason=params["reason"], note=params.get("note"), reasons=reasons, now=ctx.now)
    nurture.on_closed(uow, ctx, lead, "lost")
    return before, {
        "status": str(LeadStatus.LOST),
        "lost_reason": lead.lost_reason,
        "lost_note": lead.lost_note,
    }


def _unlose(uow: SqlUnitOfWork, ctx: Context, lead: Lead, before: Fields, after: Fields) -> None:
    """Back to the status it had; a long-term cadence the loss started stops again."""
    nurture.stop_cadences(uow, ctx, lead, "the loss was undone")
    lead.status = LeadStatus(before["status"])
    lead.lost_reason, lead.lost_note, lead.closed_at = before["lost_reason"], before["lost_note"], None


def _lost_line(before: Fields, after: Fields) -> str:
    if after["status"] == str(LeadStatus.LOST):
        note = f" ({after['lost_note']})" if after.get("lost_note") else ""
        return f"Lost: {after['lost_reason']}{note}"
    return f"Back to {after['status']} (the loss undone)"


# --- enrol in a cadence -------------------------------------------------------------------


def _check_cadence(params: Params, ctx: Context) -> None:
    params["cadence"] = nurture.cadence_named(ctx, params.get("cadence") or None).name


def _enrol(uow: SqlUnitOfWork, ctx: Context, lead: Lead, params: Params) -> Change:
    if lead.do_not_contact_at is not None:
        return "marked do not contact (unsubscribed)"
    if lead.owner_id is None:
        return "no owner for the cadence to remind"
    active = uow.cadences.active(lead.team_id, lead.id or 0)
    if active:
        return f"already in cadence {active[0].cadence}"
    nurture.enroll(uow, ctx, lead, nurture.cadence_named(ctx, params["cadence"]))
    return {"cadence": None}, {"cadence": params["cadence"]}


def _in_cadence(uow: SqlUnitOfWork, lead: Lead, after: Fields) -> bool:
    active = uow.cadences.active(lead.team_id, lead.id or 0)
    return any(enrolment.cadence == after["cadence"] for enrolment in active)


def _unenrol(uow: SqlUnitOfWork, ctx: Context, lead: Lead, before: Fields, after: Fields) -> None:
    nurture.stop_cadences(uow, ctx, lead, "the enrolment was undone")


def _cadence_line(before: Fields, after: Fields) -> str:
    if after.get("cadence"):
        return f"Enrolled in cadence {after['cadence']}"
    return f"Taken out of cadence {before['cadence']} (the enrolment undone)"


# --- add and remove tags -------------------------------------------------------------------


def _change(params: Params) -> TagChange:
    return TagChange(*(tuple(t for t in params.get(key, "").split(",") if t) for key in ("add", "remove")))


def _check_tags(params: Params, ctx: Context) -> None:
    change = _change(params)
    if not change.add and not change.remove:
        raise InvalidInput("tag", "Name a tag to add or, with a leading -, to remove: `hot -cold`.")


def _retag(uow: SqlUnitOfWork, ctx: Context, lead: Lead, params: Params) -> Change:
    try:
        after = applied(lead.tags, _change(params))
    except InvalidInput as too_many:
        return str(too_many)
    if after == lead.tags:
        return "tagged so already"
    before = {"tags": list(lead.tags)}
    lead.tags = after
    return before, {"tags": list(after)}


def _tags_hold(uow: SqlUnitOfWork, lead: Lead, after: Fields) -> bool:
    return list(lead.tags) == list(after["tags"])


def _untag(uow: SqlUnitOfWork, ctx: Context, lead: Lead, before: Fields, after: Fields) -> None:
    lead.tags = tuple(before["tags"])


def _tags_line(before: Fields, after: Fields) -> str:
    added = [t for t in after["tags"] if t not in before["tags"]]
    removed = [t for t in before["tags"] if t not in after["tags"]]
    parts = [f"Tagged {', '.join(added)}"] * bool(added) + [f"untagged {', '.join(removed)}"] * bool(removed)
    return "; ".join(parts) or "Tags unchanged"


def _nothing(params: Params, ctx: Context) -> None:
    """The kind takes no parameters."""


BULK_KINDS: dict[BulkKind, BulkOps] = {
    BulkKind.REASSIGN: BulkOps("Reassign", Action.ASSIGN, _check_rep, _reassign, _restore_owner, _owner_line),
    BulkKind.ROUTE: BulkOps("Re-route", Action.ASSIGN, _nothing, _route, _restore_owner, _owner_line),
    BulkKind.LOSE: BulkOps("Close as lost", Action.CLOSE, _check_reason, _lose, _unlose, _lost_line),
    BulkKind.NURTURE: BulkOps(
        "Enrol in a cadence", Action.WORK, _check_cadence, _enrol, _unenrol, _cadence_line, _in_cadence
    ),
    BulkKind.TAG: BulkOps("Tag", Action.WORK, _check_tags, _retag, _untag, _tags_line, _tags_hold),
}
