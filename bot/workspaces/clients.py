"""A Web API client for one workspace, for what runs outside a Slack request (the outbox, an
import's child process): single-token mode has one; a multi-workspace install finds the
workspace's bot token in the installation store, renewed first if it is about to expire."""

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.token_rotation import TokenRotator

from bot.workspaces.installation_store import SealedInstallationStore
from bot.workspaces.oauth import ROTATE_MINUTES_BEFORE
from handlers.context import UowFactory
from handlers.operations.installations import installed_bots

log = logging.getLogger(__name__)

# A client for the workspace (team_id), or None when the app is not installed there.
ClientFor = Callable[[str], WebClient | None]


class InstalledTokens:
    def __init__(
        self, uow_factory: UowFactory, store: SealedInstallationStore, rotator: TokenRotator | None
    ) -> None:
        self._uow_factory, self._store, self._rotator = uow_factory, store, rotator

    def bot_token(self, team_id: str) -> str | None:
        bot = self._bot_of(team_id)
        if bot is None:
            return None
        if bot.bot_refresh_token is not None and self._rotator is not None:
            renewed = self._rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE
            )
            if renewed is not None:
                self._store.save_bot(renewed)
                bot = renewed
        return bot.bot_token

    def _bot_of(self, team_id: str) -> Bot | None:
        """The workspace's own install; else the org-wide install that covers it. Which
        organisation a workspace belongs to is not kept, so with several org-wide installs
        only a workspace's own install is found."""
        places = [place for place, _ in installed_bots(self._uow_factory)]
        own = next((p for p in places if p.team_id == team_id), None)
        org_wide = [p for p in places if not p.team_id]
        place = own or (org_wide[0] if len(org_wide) == 1 else None)
        if place is None:
            return None
        org = place.team_id == ""
        return self._store.find_bot(
            enterprise_id=place.enterprise_id or None,
            team_id=place.team_id or None,
            is_enterprise_install=org,
        )


def client_for(template: WebClient, tokens: InstalledTokens) -> ClientFor:
    """Clients shaped like `template` (its address, timeout, retries), each with a workspace's token."""

    def make(team_id: str) -> WebClient | None:
        token = tokens.bot_token(team_id)
        if token is None:
            return None
        return WebClient(
            token=token,
            base_url=template.base_url,
            timeout=template.timeout,
            retry_handlers=list(template.retry_handlers),
            logger=template.logger,
        )

    return make
