"""The one error handler: users get a clear message, never a stack trace."""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError
from slack_bolt import App, BoltResponse, Respond

from bot.blocks.help import syntax_error_message
from bot.blocks.render import error_message
from bot.blocks.text import SlackMessage
from bot.grammar import CommandSyntaxError
from bot.ids import FormInput
from bot.listeners.reply import ephemeral, ephemeral_followup
from domain.errors import DomainError
from handlers.validation import describe

log = logging.getLogger(__name__)
APOLOGY = SlackMessage(text="😞 Something went wrong on our side and nothing was changed. Please try again.")


def message_for(error: Exception) -> SlackMessage:
    if isinstance(error, CommandSyntaxError):
        return syntax_error_message(error)
    if isinstance(error, DomainError):
        return error_message(error)
    if isinstance(error, ValidationError):
        # A command a listener built from what was sent: said in words, and logged in case
        # what was sent was our own (a button's value), which would be a bug.
        log.warning("a command built in a listener was refused", exc_info=error)
        return syntax_error_message(CommandSyntaxError(describe(error)))
    log.error("unhandled error in a listener", exc_info=error)
    return APOLOGY


@contextmanager
def answering_errors(respond: Respond) -> Iterator[None]:
    """For work that runs after the ack, where app.error cannot reach the user:
    the same messages, sent below the message the person clicked."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - every failure must reach the user as a message
        respond(**ephemeral_followup(message_for(error)))


def on_error(error: Exception, body: dict[str, Any], respond: Any) -> BoltResponse:
    """Commands get the message as the HTTP answer; clicks (whose answer Slack
    ignores) get it through response_url."""
    message = message_for(error)
    if body.get("type") == "block_actions" and body.get("response_url"):
        respond(**ephemeral_followup(message))
        return BoltResponse(status=200, body="")
    if body.get("type") == "view_submission":
        # A form only shows errors next to an input; the first one is always there.
        return _json({"response_action": "errors", "errors": {FormInput.NAME: message.text[:150]}})
    return _json({k: v for k, v in ephemeral(message).items() if v is not None})


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})


def register(app: App) -> None:
    app.error(on_error)
