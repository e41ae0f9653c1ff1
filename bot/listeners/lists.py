"""Previous / Next on a `/lead list` page: the next page of the same filter, in place."""

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.render import render
from bot.deps import Deps
from bot.grammar.lists import read_filter
from bot.grammar.tokens import split_words
from bot.ids import ListAction, ListPageValue
from bot.listeners.answers import answer_to
from bot.listeners.errors import answering_errors
from bot.workspaces.tenancy import workspace_of
from handlers.commands import ListLeads


class PageButtons:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @staticmethod
    def on_page_ack(ack: Ack) -> None:
        ack()

    def on_page_clicked(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        """After the ack (lazy): the page replaces the one clicked, so a list stays one message.
        The filter is read again from the button, as it was typed (a saved list by its name)."""
        answer = answer_to(body, client, respond, in_place=True)
        with answering_errors(answer):
            value = ListPageValue.decode(action["value"])
            ctx = self.deps.context(workspace_of(body, context), body["user"]["id"])
            typed = list(split_words(value.filter_text))
            command = (
                ListLeads(saved=value.saved, page=value.page)  # as saved now, under its name
                if value.saved
                else ListLeads(filter=read_filter(typed, ctx.config.fields), page=value.page)
            )
            answer(render(self.deps.dispatch(command, ctx)))


def register(app: App, deps: Deps) -> None:
    buttons = PageButtons(deps)
    for action_id in ListAction:
        app.action(action_id.value)(ack=buttons.on_page_ack, lazy=[buttons.on_page_clicked])
