"""The installation's life in Slack: an admin's `/lead webhook [rotate]`, and the events that
end an installation (app_uninstalled, tokens_revoked), whose tokens are deleted at once."""
# https://api.slack.com/events/app_uninstalled  https://api.slack.com/events/tokens_revoked

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks.webhook import not_allowed_message, single_workspace_message, webhook_secret_message
from bot.deps import Deps
from bot.grammar import CommandSyntaxError, ParseEnv, parse
from bot.grammar.webhook import WebhookSecretRequest, asks_for_webhook
from bot.listeners.commands import SLASH_COMMAND
from bot.listeners.errors import message_for
from bot.listeners.only_when import on_text
from bot.listeners.reply import ephemeral
from bot.web.webhook_keys import Keyring, WorkspaceSecrets
from bot.workspaces.installation_store import LATEST, place_of
from bot.workspaces.tenancy import workspace_of
from domain.permissions import Action, can
from handlers.operations.installations import forget, uninstall

log = logging.getLogger(__name__)


class WebhookCommand:
    def __init__(self, deps: Deps, keyring: Keyring, public_url: str | None) -> None:
        self.deps, self.keyring, self.public_url = deps, keyring, public_url

    def on_command(self, ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        ctx = self.deps.context(workspace_of(command, context), command["user_id"])
        try:
            request = parse(command.get("text", ""), ParseEnv(ctx.now, self.deps.timezone(ctx)))
        except CommandSyntaxError as error:
            ack(**ephemeral(message_for(error)))
            return
        assert isinstance(request, WebhookSecretRequest)  # asks_for_webhook routed it here
        if not can(ctx.actor, Action.CONFIGURE):
            ack(**ephemeral(not_allowed_message()))
        elif not isinstance(self.keyring, WorkspaceSecrets):
            ack(**ephemeral(single_workspace_message()))
        else:
            team = ctx.actor.team_id
            secret = self.keyring.rotate(team) if request.rotate else self.keyring.secret_of(team)
            if request.rotate:
                log.info("webhook secret rotated by %s", ctx.actor.user_id)
            ack(**ephemeral(webhook_secret_message(self.public_url, secret, request.rotate)))


class EndOfInstallation:
    """Slack says the app is gone, or some of its tokens are: they are deleted before the ack,
    so nothing after it can use them."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_uninstalled(self, ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        place = place_of(context.enterprise_id, context.team_id, context.is_enterprise_install)
        uninstall(self.deps.uow_factory, place, context.team_id or body.get("team_id") or "")
        log.info("app uninstalled: its tokens and webhook secret are deleted")
        ack()

    def on_tokens_revoked(self, ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        place = place_of(context.enterprise_id, context.team_id, context.is_enterprise_install)
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            forget(self.deps.uow_factory, place, user_id=LATEST, bot=True)
        for user_id in tokens.get("oauth") or ():
            forget(self.deps.uow_factory, place, user_id=str(user_id), bot=False)
        log.info(
            "tokens revoked: %d bot, %d user", len(tokens.get("bot") or ()), len(tokens.get("oauth") or ())
        )
        ack()


def register(app: App, deps: Deps, keyring: Keyring, public_url: str | None) -> None:
    app.command(SLASH_COMMAND, middleware=[on_text(asks_for_webhook)])(
        WebhookCommand(deps, keyring, public_url).on_command
    )
    ends = EndOfInstallation(deps)
    app.event("app_uninstalled")(ends.on_uninstalled)
    app.event("tokens_revoked")(ends.on_tokens_revoked)
