"""A Web API client for one workspace, for what runs outside a Slack request (the outbox, an
import's child process): single-token mode has one; a multi-workspace install finds the
workspace's bot token in the installation store, renewed first if it is about to expire."""

import logging
import threading
import time
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
        self._renewing: dict[str, threading.Lock] = {}
        self._renewing_lock = threading.Lock()

    def bot_token(self, team_id: str) -> str | None:
        bot = self._bot_of(team_id)
        if bot is None:
            return None
        if self._rotator is None or not _expiring(bot):
            return bot.bot_token
        # A refresh token works once (Slack revokes it as it answers): the outbox's senders,
        # side by side, must not each renew the same token, or all but the first fail. One
        # renews; the others, in turn, read the token it saved and find nothing to do.
        with self._lock_of(team_id):
            bot = self._bot_of(team_id)
            if bot is None:
                return None
            renewed = self._rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE
            )
            if renewed is not None:
                self._store.save_bot(renewed)
                bot = renewed
        return bot.bot_token

    def _lock_of(self, team_id: str) -> threading.Lock:
        with self._renewing_lock:
            return self._renewing.setdefault(team_id, threading.Lock())

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


def _expiring(bot: Bot) -> bool:
    """Within the time before expiry in which it is renewed (as the rotator itself decides)."""
    if bot.bot_refresh_token is None or bot.bot_token_expires_at is None:
        return False
    return bot.bot_token_expires_at <= time.time() + ROTATE_MINUTES_BEFORE * 60


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
