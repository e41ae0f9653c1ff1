"""The one error handler: users get a clear message, never a stack trace."""

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError
from slack_bolt import App, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.blocks.help import syntax_error_message
from bot.blocks.render import error_message
from bot.blocks.text import SlackMessage
from bot.grammar import CommandSyntaxError
from bot.ids import FormInput
from bot.listeners.answers import answer_to
from bot.listeners.reply import ephemeral, ephemeral_followup
from bot.operations.outage import DATABASE_DOWN, database_unavailable
from domain.capture.validation import describe
from domain.errors import DomainError

log = logging.getLogger(__name__)
APOLOGY = SlackMessage(text="😞 Something went wrong on our side and nothing was changed. Please try again.")


def message_for(error: Exception) -> SlackMessage:
    if isinstance(error, CommandSyntaxError):
        return syntax_error_message(error)
    if isinstance(error, DomainError):
        return error_message(error)
    if isinstance(error, SlackClientError):  # Slack refused or missed a call: not our bug
        log.warning("a call to Slack failed in a listener (%s: %s)", type(error).__name__, error)
        return APOLOGY
    if database_unavailable(error):
        log.warning("the database did not answer (%s: %s)", type(error).__name__, str(error).splitlines()[0])
        return DATABASE_DOWN
    if isinstance(error, ValidationError):
        # A command a listener built from what was sent: said in words, and logged in case
        # what was sent was our own (a button's value), which would be a bug.
        log.warning("a command built in a listener was refused", exc_info=error)
        return syntax_error_message(CommandSyntaxError(describe(error)))
    log.error("unhandled error in a listener", exc_info=error)
    return APOLOGY


@contextmanager
def answering_errors(answer: Respond | Callable[[SlackMessage], None]) -> Iterator[None]:
    """For work that runs after the ack, where app.error cannot reach the user: the same
    messages, sent where the work's own answer would have gone (`answer`: a click's, from
    bot.listeners.answers; a Respond: below the message)."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - every failure must reach the user as a message
        tell(answer, message_for(error))


def tell(answer: Respond | Callable[[SlackMessage], None], message: SlackMessage) -> None:
    """Send an error's message, and if even that fails (no response_url, a trigger id that
    expired, Slack down), say so in the log: one line, no stack trace, nothing raised."""
    try:
        if isinstance(answer, Respond):
            answer(**ephemeral_followup(message))
        else:
            answer(message)
    except Exception as failure:  # noqa: BLE001 - the last resort: nothing is left to tell
        log.warning("could not show the person an error (%s: %s)", type(failure).__name__, failure)


def on_error(error: Exception, body: dict[str, Any], client: WebClient, respond: Respond) -> BoltResponse:
    """Commands get the message as the HTTP answer; clicks (whose answer Slack
    ignores) get it where their own answer would go (bot.listeners.answers)."""
    message = message_for(error)
    if body.get("type") == "block_actions":
        tell(answer_to(body, client, respond), message)
        return BoltResponse(status=200, body="")
    if body.get("type") == "view_submission":
        # A form only shows errors next to an input; the first one is always there.
        return json_response({"response_action": "errors", "errors": {FormInput.NAME: message.text[:150]}})
    return json_response({k: v for k, v in ephemeral(message).items() if v is not None})


def json_response(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})


def register(app: App) -> None:
    app.error(on_error)
