"""Clicks on a follow-up (Done, Snooze, Log call): the reminder changes, and so does its message."""

from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.followups import SNOOZE_BUTTONS
from bot.blocks.render import render
from bot.deps import Deps
from bot.ids import FollowupAction, ReminderValue
from bot.listeners.actions import LeadButtons, click_key
from bot.listeners.answers import Answer, answer_to
from bot.listeners.errors import answering_errors
from bot.listeners.timezones import refresh_timezone
from bot.reporting.home import came_from_home, publish_home
from bot.workspaces.tenancy import workspace_of
from domain.followups.followup import snooze_until
from handlers.commands import Command, CompleteReminder, LogReminderCall, SnoozeReminder
from handlers.context import Context
from handlers.results import Result


class FollowupButtons:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_click(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        """After the ack (lazy): chat.update and response_url are calls to Slack."""
        team, user = workspace_of(body, context), body["user"]["id"]
        answer = answer_to(body, client, respond)
        with answering_errors(answer):
            ctx = self.deps.context(team, user)
            result = self.deps.dispatch(self.command_for(action, body, ctx), ctx)
            if came_from_home(body):  # the tab itself shows the change: no modal over it
                publish_home(self.deps, client, team, user)
            else:
                self.show(result, body, client, answer)
        refresh_timezone(self.deps, client, team, user)

    def command_for(self, action: dict[str, Any], body: dict[str, Any], ctx: Context) -> Command:
        # The reminder id in the key too: a client that sends no message ts (the console's
        # DMs) must not make clicks on two different reminders look like one.
        reminder_id = ReminderValue.decode(action["value"]).reminder_id
        key = f"{click_key(body, action)}:{reminder_id}"
        clicked = FollowupAction(action["action_id"])
        if clicked is FollowupAction.DONE:
            return CompleteReminder(reminder_id=reminder_id)
        if clicked is FollowupAction.LOG_CALL:
            return LogReminderCall(reminder_id=reminder_id, request_key=key)
        tz = self.deps.timezone(ctx)
        until = snooze_until(SNOOZE_BUTTONS[clicked], ctx.now, tz)
        return SnoozeReminder(reminder_id=reminder_id, until=until, tz=tz.key, request_key=key)

    @staticmethod
    def show(result: Result, body: dict[str, Any], client: WebClient, answer: Answer) -> None:
        """A DM is updated in place (everyone sees it changed); a click in the ephemeral
        `/lead tasks` list cannot be, so the answer goes below it (or, from a view, in a modal)."""
        message = render(result)
        container = body.get("container", {})
        if body.get("message") and not container.get("is_ephemeral"):
            where = {"channel": container["channel_id"], "ts": container["message_ts"]}
            client.chat_update(**where, text=message.text, blocks=message.blocks)
        else:
            answer(message)


def register(app: App, deps: Deps) -> None:
    buttons = FollowupButtons(deps)
    for action_id in FollowupAction:
        # The same ack-only first half as every other button (bot/listeners/actions.py).
        app.action(action_id.value)(ack=LeadButtons.on_click_ack, lazy=[buttons.on_click])
