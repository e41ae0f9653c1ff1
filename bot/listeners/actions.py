"""Button clicks on lead cards, lists and reminder DMs."""

from datetime import datetime, timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.merges import merge_cancelled_message
from bot.blocks.render import render
from bot.deps import Deps
from bot.ids import ActionId, LeadValue, MergePair, SnoozeValue
from bot.listeners.answers import answer_to
from bot.listeners.errors import answering_errors
from bot.workspaces.tenancy import workspace_of
from domain.followups.activity import ActivityKind
from handlers.commands import (
    Command,
    KeepBoth,
    LinkReturning,
    LogActivity,
    MergeLeads,
    SetReminder,
    ShowLead,
    UndoMerge,
)
from handlers.context import Context

SNOOZE = timedelta(hours=1)
MORNING_HOUR = 9


def click_key(body: dict[str, Any], action: dict[str, Any]) -> str:
    """The same button on the same message by the same user is one request:
    a double click or a Slack retry does the work once."""
    container = body.get("container", {})
    where = container.get("message_ts") or container.get("view_id") or ""
    return f"click:{action['action_id']}:{where}:{body['user']['id']}"


def next_morning(ctx_now: datetime, deps: Deps, ctx: Context) -> datetime:
    local = ctx_now.astimezone(deps.timezone(ctx)) + timedelta(days=1)
    return local.replace(hour=MORNING_HOUR, minute=0, second=0, microsecond=0).astimezone(ctx_now.tzinfo)


class LeadButtons:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @staticmethod
    def on_click_ack(ack: Ack) -> None:
        ack()

    def on_click(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        """Runs after the ack (a lazy listener): its answer (through response_url, or a modal
        for a click in the Home tab) is a network call that must not hold up the 3-second ack.
        The answer to a question (Merge anyway / Cancel) takes the question's place."""
        in_place = action["action_id"] in (ActionId.MERGE_ANYWAY, ActionId.MERGE_CANCEL)
        answer = answer_to(body, client, respond, in_place=in_place)
        with answering_errors(answer):
            if action["action_id"] == ActionId.MERGE_CANCEL:
                answer(merge_cancelled_message(MergePair.decode(action["value"])))
                return
            ctx = self.deps.context(workspace_of(body, context), body["user"]["id"])
            command = self.command_for(action, body, ctx)
            answer(render(self.deps.dispatch(command, ctx)))

    def command_for(self, action: dict[str, Any], body: dict[str, Any], ctx: Context) -> Command:
        clicked, value, key = ActionId(action["action_id"]), action["value"], click_key(body, action)
        if clicked in (ActionId.MERGE, ActionId.MERGE_ANYWAY):
            pair, confirmed = MergePair.decode(value), clicked is ActionId.MERGE_ANYWAY
            return MergeLeads(duplicate=pair.duplicate, keep=pair.keep, request_key=key, confirmed=confirmed)
        if clicked is ActionId.SNOOZE_HOUR:
            snooze = SnoozeValue.decode(value)
            return SetReminder(
                number=snooze.number, due_at=ctx.now + SNOOZE, text=snooze.text, request_key=key
            )
        return self.lead_command(clicked, LeadValue.decode(value).number, key, ctx)

    def lead_command(self, clicked: ActionId, number: int, key: str, ctx: Context) -> Command:
        """A button whose value is one lead."""
        match clicked:
            case ActionId.SHOW:
                return ShowLead(number=number)
            case ActionId.LOG_CALL:
                return LogActivity(number=number, kind=ActivityKind.CALL, request_key=key)
            case ActionId.REMIND_TOMORROW:
                return SetReminder(
                    number=number, due_at=next_morning(ctx.now, self.deps, ctx), request_key=key
                )
            case ActionId.KEEP_BOTH:
                return KeepBoth(number=number, request_key=key)
            case ActionId.LINK_RETURNING:
                return LinkReturning(number=number)
            case ActionId.UNDO_MERGE:
                return UndoMerge(number=number, request_key=key)
        raise AssertionError(f"{clicked} is not a button about one lead")


def register(app: App, deps: Deps) -> None:
    buttons = LeadButtons(deps)
    for action_id in ActionId:
        app.action(action_id.value)(ack=buttons.on_click_ack, lazy=[buttons.on_click])
