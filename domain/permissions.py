"""Who may do what: one pure check used at every choke point."""

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import PermissionDenied
from domain.lead import Lead


class Role(StrEnum):
    REP = "rep"
    MANAGER = "manager"
    ADMIN = "admin"


class Action(StrEnum):
    CAPTURE = "capture"
    VIEW = "view"
    WORK = "work"  # note, log, remind, edit, qualify
    CLOSE = "close"  # convert, lose, reopen
    ASSIGN = "assign"
    CONFIGURE = "configure"
    IMPORT = "import leads"  # many leads at once, into the pool: managers and admins
    BULK = "act on many leads at once"  # a bulk action on a list: managers and admins
    AUDIT = "read the audit trail of"  # `/lead history`: managers of the lead's team and admins


@dataclass(slots=True, frozen=True)
class Actor:
    team_id: str  # the Slack workspace
    user_id: str
    role: Role = Role.REP
    sales_teams: tuple[str, ...] = ()


def system_actor(workspace_id: str, name: str) -> Actor:
    """Leadbot itself acting for a channel with no Slack user behind it (a web
    form, an import): it may capture and update any lead of that workspace."""
    return Actor(workspace_id, name, Role.ADMIN)


def can(actor: Actor, action: Action, lead: Lead | None = None) -> bool:
    """Reps work and close their own leads (and may see the unassigned pool of their teams);
    managers see, work and close every lead of the teams they manage; admins everything
    in their workspace. Nothing crosses workspaces."""
    if lead is not None and lead.team_id != actor.team_id:
        return False
    if actor.role is Role.ADMIN:
        return True
    if action is Action.CAPTURE:
        return True
    if action in (Action.IMPORT, Action.BULK):
        return actor.role is Role.MANAGER
    if action is Action.CONFIGURE or lead is None:
        return False
    in_my_teams = lead.sales_team in actor.sales_teams
    if actor.role is Role.MANAGER:
        return in_my_teams
    if action is Action.AUDIT:
        # A rep's own lead's trail names who else changed it, and why a manager moved it:
        # that is the managers' view of their team, not a rep's (they have the timeline).
        return False
    if lead.owner_id == actor.user_id:
        return action in (Action.VIEW, Action.WORK, Action.CLOSE)
    return action is Action.VIEW and lead.owner_id is None and in_my_teams


REFUSALS = {
    Action.BULK: "Bulk actions are for managers and admins: ask a manager of your team to run it.",
    Action.AUDIT: "The audit trail is for managers and admins: `/lead show {ref}` shows the lead's timeline.",
}


def require(actor: Actor, action: Action, lead: Lead | None = None) -> None:
    if not can(actor, action, lead) and action in REFUSALS:
        raise PermissionDenied(REFUSALS[action].format(ref=lead.ref if lead else "L-42"))
    if not can(actor, action, lead):
        what = f" {lead.ref}" if lead is not None else ""
        raise PermissionDenied(
            f"You can't {action}{what}: reps work their own leads, managers their team's. "
            "Ask a manager to reassign it if you should have it."
        )


@dataclass(slots=True, frozen=True)
class Visibility:
    """Which leads of the workspace an actor may see, as `can(actor, VIEW, lead)` decides one
    by one, stated once for a query over many: every lead (`everything`), the leads of
    `teams`, and the actor's own plus the unassigned ones of `pool_teams`."""

    everything: bool = False
    teams: tuple[str, ...] = ()
    owner: str | None = None
    pool_teams: tuple[str, ...] = ()


def visibility(actor: Actor) -> Visibility:
    """The rule of `can` for VIEW, for lists: a test holds the two together."""
    if actor.role is Role.ADMIN:
        return Visibility(everything=True)
    if actor.role is Role.MANAGER:
        return Visibility(teams=actor.sales_teams)
    return Visibility(owner=actor.user_id, pool_teams=actor.sales_teams)


# --- follow-ups ------------------------------------------------------------------------


def can_handle_reminder(actor: Actor, reminder_owner: str, lead: Lead) -> bool:
    """A reminder is its owner's to-do: only they, a manager of the lead's team or an
    admin may mark it done, snooze it or log the call it asked for."""
    if lead.team_id != actor.team_id:
        return False
    if actor.user_id == reminder_owner or actor.role is Role.ADMIN:
        return True
    return actor.role is Role.MANAGER and lead.sales_team in actor.sales_teams


def require_reminder_handler(actor: Actor, reminder_owner: str, lead: Lead) -> None:
    if not can_handle_reminder(actor, reminder_owner, lead):
        raise PermissionDenied(
            f"This reminder about {lead.ref} is someone else's: only its owner or a manager "
            "of their team can mark it done, snooze it or log its call."
        )


# --- routing ---------------------------------------------------------------------------


def can_decide_routing(actor: Actor, sales_team: str) -> bool:
    """A proposal is decided by the managers of the team it was routed to (or an admin);
    a rep, or a manager of another team, may not approve, reassign or reject it."""
    if actor.role is Role.ADMIN:
        return True
    return actor.role is Role.MANAGER and sales_team in actor.sales_teams


def require_routing_decider(actor: Actor, sales_team: str, team_name: str) -> None:
    if not can_decide_routing(actor, sales_team):
        raise PermissionDenied(
            f"Only a manager of {team_name} can approve, reassign or reject this proposal. "
            "If the lead should be yours, ask one of them."
        )


# --- saved lists ----------------------------------------------------------------------


def can_keep_shared_list(actor: Actor, sales_team: str) -> bool:
    """A list shared with a team is saved, replaced and deleted by whoever decides that team's
    routing: its managers and admins; never a rep (their lists are their own)."""
    return can_decide_routing(actor, sales_team)


# --- reports ----------------------------------------------------------------------------


def can_see_team_report(actor: Actor, sales_team: str) -> bool:
    """A team's pipeline report (its reps' numbers side by side): whoever decides its routing,
    its managers and admins. A rep's own report needs no check: it counts only their leads."""
    return can_decide_routing(actor, sales_team)


def require_team_report(actor: Actor, sales_team: str, team_name: str) -> None:
    if not can_see_team_report(actor, sales_team):
        raise PermissionDenied(
            f"Only a manager of {team_name} or an admin sees its report. `/lead report` shows yours."
        )


# --- merges -----------------------------------------------------------------------------


def can_undo_merge(actor: Actor, merged_by: str, *leads: Lead) -> bool:
    """A merge is undone by whoever made it (a wrong merge is theirs to take back, without
    waiting for a manager), by a manager of the leads' team, or by an admin."""
    if any(lead.team_id != actor.team_id for lead in leads):
        return False
    if actor.user_id == merged_by or actor.role is Role.ADMIN:
        return True
    return actor.role is Role.MANAGER and all(lead.sales_team in actor.sales_teams for lead in leads)


def require_merge_undoer(actor: Actor, merged_by: str, merged: Lead, kept: Lead) -> None:
    if not can_undo_merge(actor, merged_by, merged, kept):
        raise PermissionDenied(
            f"Only the person who merged {merged.ref} into {kept.ref}, a manager of its team "
            "or an admin can undo that merge."
        )
