"""Routing messages: the proposal (lead, rule, reasons; Approve, Reassign, Reject), its
decided form, the thread reply, the rep's DM, and the answers to routing commands."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from bot.blocks.outbox import lead_line
from bot.blocks.text import SlackMessage, safe, section, user
from bot.ids import ActionId, LeadValue, ProposalBlock, RoutingAction
from domain.delivery.messages import LeadAssignedDm, LeadTakenDm, ProposalDecided, RoutingProposal
from domain.routing.assignment import AssignmentState, Decision
from domain.routing.rules import RepNote
from handlers.results import AwayChanged, RoutePlan, RoutingDecided

MAX_LISTED = 15  # reps explained in one message: 15 lines of at most ~170 characters

OUTCOMES = {
    Decision.APPROVE: "✅ Approved by {by}: {rep} owns {ref}.",
    Decision.REASSIGN: "🔀 Reassigned by {by}: {rep} owns {ref}.",
    Decision.REJECT: "🚫 Rejected by {by}: {ref} stays in the team's unassigned pool.",
    Decision.ASSIGN: "👉 Assigned by {by}: {rep} owns {ref}.",
    Decision.CLAIM: "🙋 Claimed: {rep} owns {ref}.",
    Decision.AUTO: "⚡ Approved automatically: {rep} owns {ref}.",
}


def why(team: str, rule: str | None, notes: Iterable[RepNote]) -> str:
    """`Matched rule EMEA-enterprise`, then one line per rep: load, or why skipped. A big
    team's list is cut short so the section stays under Slack's 3,000 characters."""
    head = f"Matched rule *{safe(rule, 80)}*" if rule else "No rule matched"
    listed = list(notes)
    lines = [f"• {user(n.user_id)} {'skipped: ' if n.skipped else ''}{safe(n.detail, 120)}" for n in listed]
    more = [f"…and {len(listed) - MAX_LISTED} more reps"] if len(listed) > MAX_LISTED else []
    return "\n".join([f"{head} → {safe(team, 80)}", *lines[:MAX_LISTED], *more])


def outcome(decision: Decision, by: str | None, rep: str, ref: str) -> str:
    return OUTCOMES[decision].format(by=user(by), rep=user(rep), ref=ref)


def _card(routed: RoutingProposal | ProposalDecided, proposed: str) -> list[dict[str, Any]]:
    lead = routed.lead
    where = " · ".join(safe(v, 100) for v in (lead.country, lead.product, lead.source) if v)
    head = f"🧭 *New lead for {safe(routed.team, 80)}*: {lead_line(lead)}" + (f"\n{where}" if where else "")
    reasons = why(routed.team, routed.rule, routed.notes)
    return [section(head), section(f"{proposed}\n{reasons}")]


def proposal_message(proposal: RoutingProposal) -> SlackMessage:
    actions = proposal_actions(proposal.assignment_id)
    lead, rep = lead_line(proposal.lead), user(proposal.rep)
    text = f"New lead for {safe(proposal.team, 80)}: {lead}, proposed to {rep}"
    return SlackMessage(text=text, blocks=[*_card(proposal, f"Proposed: {rep}"), actions])


def proposal_actions(assignment_id: int) -> dict[str, Any]:
    """Approve, Reassign (a user picker) and Reject: in the team channel and the Home tab alike."""
    return {
        "type": "actions",
        "block_id": ProposalBlock(assignment_id).encode(),
        "elements": [
            _button("Approve", RoutingAction.APPROVE, assignment_id, "primary"),
            {
                "type": "users_select",
                "action_id": RoutingAction.REASSIGN.value,
                "placeholder": {"type": "plain_text", "text": "Reassign to…"},
            },
            _button("Reject", RoutingAction.REJECT, assignment_id, "danger"),
        ],
    }


def _button(label: str, action: RoutingAction, assignment_id: int, style: str) -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action.value,
        "value": str(assignment_id),  # not read back: the block_id carries it
        "style": style,
    }


def decided_outcome(decided: ProposalDecided) -> str:
    return outcome(decided.decision, decided.by, decided.rep, decided.lead.ref)


def decided_message(decided: ProposalDecided) -> SlackMessage:
    """The proposal as it reads once decided: no buttons, the outcome in their place."""
    said = decided_outcome(decided)
    blocks = [*_card(decided, f"Proposed: {user(decided.rep)}"), section(said)]
    return SlackMessage(text=said, blocks=blocks)


def thread_reply(decided: ProposalDecided) -> SlackMessage:
    return SlackMessage(text=decided_outcome(decided))


def assigned_dm(assigned: LeadAssignedDm) -> SlackMessage:
    lead = assigned.lead
    text = f"📥 {lead_line(lead)} is yours now (from {user(assigned.by)})."
    show = {
        "type": "button",
        "text": {"type": "plain_text", "text": "Show lead"},
        "action_id": ActionId.SHOW.value,
        "value": LeadValue.of_ref(lead.ref).encode(),
    }
    return SlackMessage(text=text, blocks=[{**section(text), "accessory": show}])


def taken_dm(taken: LeadTakenDm) -> SlackMessage:
    """To the rep a lead was taken from; no button: the lead may no longer be theirs to see."""
    text = f"↪️ {lead_line(taken.lead)} was given to {user(taken.rep)} by {user(taken.by)}."
    return SlackMessage(text=text, blocks=[section(text)])


# --- answers to commands and clicks ---------------------------------------------------


def plan_message(result: RoutePlan) -> SlackMessage:
    ref, team = result.lead.ref, safe(result.team_name, 80)
    if result.rep is None:
        head = f"Nobody in {team} has room for {ref} right now; it stays unassigned."
    elif result.dry_run:
        head = f"🔎 Dry run, nothing changed: {ref} would go to {user(result.rep)} in {team}."
    else:
        head = f"{ref} would go to {user(result.rep)} in {team}."
    text = f"{head}\n{why(result.team_name, result.rule, result.notes)}"
    return SlackMessage(text=text, blocks=[section(text)])


def decided_answer(result: RoutingDecided) -> SlackMessage:
    done, ref = result.assignment, result.lead.ref
    if result.settled_by_other:
        text = f"Already decided: {_verdict(done.state)} by {user(done.decided_by)}"
        text += f" ({user(done.rep_id)} owns {ref})." if done.state is AssignmentState.APPROVED else "."
    elif result.decision is None:
        text = (
            f"🧭 Proposed {ref} to {user(done.rep_id)}; a manager of {safe(done.sales_team, 64)} "
            f"decides in the team channel.\n{why(done.sales_team, done.rule, done.notes)}"
        )
    else:
        text = outcome(result.decision, done.decided_by, done.rep_id, ref)
    return SlackMessage(text=text, blocks=[section(text)])


def _verdict(state: AssignmentState) -> str:
    return {AssignmentState.REJECTED: "rejected", AssignmentState.SUPERSEDED: "taken over"}.get(
        state, "approved"
    )


def away_message(result: AwayChanged) -> SlackMessage:
    if result.until is None and not result.was_away:
        text = "You were not out of office: new leads are routed to you as usual."
    elif result.until is None:
        text = "👋 Welcome back: new leads can be routed to you again."
    else:
        last_day = result.last_day or (result.until - timedelta(seconds=1)).date()
        text = (
            f"🌴 Out of office through {last_day:%Y-%m-%d}: no new leads are routed to you. "
            "`/lead back` ends it early."
        )
    return SlackMessage(text=text, blocks=[section(text)])
