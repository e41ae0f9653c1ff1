"""Clicks on a routing proposal: Approve, Reassign (a user picker) and Reject. The message
itself changes through the outbox (chat.update at the ts its delivery recorded); here the
clicker only hears why nothing happened: not a manager of the team, or decided already. A
click in the Home tab republishes the clicker's tab at once (other managers' tabs follow
through the outbox's debounced refresh)."""

from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.routing import decided_answer
from bot.deps import Deps
from bot.ids import ProposalBlock, RoutingAction
from bot.listeners.actions import LeadButtons, click_key
from bot.listeners.answers import answer_to
from bot.listeners.errors import answering_errors
from bot.reporting.home import came_from_home, publish_home
from bot.workspaces.tenancy import workspace_of
from domain.routing.assignment import Decision
from handlers.commands import DecideRouting
from handlers.results import RoutingDecided

DECISIONS = {
    RoutingAction.APPROVE: Decision.APPROVE,
    RoutingAction.REASSIGN: Decision.REASSIGN,
    RoutingAction.REJECT: Decision.REJECT,
}


class ProposalButtons:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_proposal_clicked(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        """After the ack (lazy): the decision may wait on another manager's, row-locked."""
        answer = answer_to(body, client, respond)
        team, user = workspace_of(body, context), body["user"]["id"]
        with answering_errors(answer):
            result = self.deps.dispatch(command_for(action, body), self.deps.context(team, user))
            if isinstance(result, RoutingDecided) and result.settled_by_other:
                answer(decided_answer(result))
            if came_from_home(body):  # decided from the Home tab: it shows the proposal gone now
                publish_home(self.deps, client, team, user)


def command_for(action: dict[str, Any], body: dict[str, Any]) -> DecideRouting:
    assignment_id = ProposalBlock.decode(action["block_id"]).assignment_id
    decision, rep = DECISIONS[RoutingAction(action["action_id"])], action.get("selected_user")
    # The proposal and the rep picked belong to the key: a click on another proposal, or a pick
    # of another rep, is another request, also where Slack sent no message ts.
    key = f"{click_key(body, action)}:{assignment_id}:{rep or ''}"
    return DecideRouting(assignment_id=assignment_id, decision=decision, rep=rep, request_key=key)


def register(app: App, deps: Deps) -> None:
    buttons = ProposalButtons(deps)
    for action_id in RoutingAction:
        app.action(action_id.value)(ack=LeadButtons.on_click_ack, lazy=[buttons.on_proposal_clicked])
