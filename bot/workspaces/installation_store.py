"""slack_sdk's installation and OAuth state stores, on Leadbot's own database: what Bolt's
OAuthFlow saves after oauth.v2.access, what it authorizes each request with, and what a token
rotation rewrites. Each installation is sealed whole (bot/workspaces/sealing.py): no token, refresh token
or installer's token is ever in a column as itself."""
# https://tools.slack.dev/python-slack-sdk/oauth/  (InstallationStore, OAuthStateStore)
# Shaped after slack_sdk.oauth.installation_store.sqlalchemy, keyed the same way: an org-wide
# (Enterprise Grid) install is found by its enterprise alone, whatever workspace asks.

import json
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore

from bot.workspaces.sealing import SecretBox
from handlers.context import UowFactory
from handlers.operations.installations import (
    Place,
    consume_state,
    find_bot,
    find_installation,
    forget,
    issue_state,
    save_bot,
    save_installation,
)

log = logging.getLogger(__name__)
LATEST = ""  # the user_id key of a workspace's latest installation, whoever made it

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def place_of(enterprise_id: str | None, team_id: str | None, org_wide: bool | None) -> Place:
    """An org-wide install lives at its enterprise, whichever of its workspaces asks."""
    return Place(enterprise_id or "", "" if org_wide or not team_id else team_id)


class SealedInstallationStore(InstallationStore):
    def __init__(self, uow_factory: UowFactory, box: SecretBox, clock: Clock = _utc_now) -> None:
        self._uow_factory = uow_factory
        self._box = box
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    def save(self, installation: Installation) -> None:
        place = place_of(installation.enterprise_id, installation.team_id, installation.is_enterprise_install)
        users = (LATEST, installation.user_id) if installation.user_id else (LATEST,)
        org_wide = bool(installation.is_enterprise_install)
        sealed = self._seal(vars(installation))
        save_installation(self._uow_factory, place, users, org_wide, sealed, self._clock())
        if installation.bot_token is not None:
            self.save_bot(installation.to_bot())

    def save_bot(self, bot: Bot) -> None:
        place = place_of(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        sealed = self._seal(vars(bot))
        save_bot(self._uow_factory, place, bool(bot.is_enterprise_install), sealed, self._clock())

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        sealed = find_bot(self._uow_factory, place_of(enterprise_id, team_id, is_enterprise_install))
        return Bot(**self._open(sealed)) if sealed else None

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        place = place_of(enterprise_id, team_id, is_enterprise_install)
        sealed = find_installation(self._uow_factory, place, user_id or LATEST)
        if sealed is None:
            return None
        installation = Installation(**self._open(sealed))
        # The bot is kept apart (bot-only authorize reads it alone); a rotation renews it there.
        bot = self.find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        if bot is not None:
            _take_bot(installation, bot)
        return installation

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        forget(self._uow_factory, place_of(enterprise_id, team_id, None), user_id=LATEST, bot=True)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        forget(self._uow_factory, place_of(enterprise_id, team_id, None), user_id=user_id, bot=False)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        forget(self._uow_factory, place_of(enterprise_id, team_id, None), user_id=None, bot=True)

    def _seal(self, fields: dict[str, Any]) -> str:
        return self._box.seal(json.dumps(fields, default=str))

    def _open(self, sealed: str) -> dict[str, Any]:
        fields: dict[str, Any] = json.loads(self._box.open(sealed))
        return fields


def _take_bot(installation: Installation, bot: Bot) -> None:
    installation.bot_token = bot.bot_token
    installation.bot_refresh_token = bot.bot_refresh_token
    installation.bot_token_expires_at = bot.bot_token_expires_at
    installation.bot_scopes = bot.bot_scopes


class DatabaseStateStore(OAuthStateStore):
    """OAuth `state` values, each good once, for ten minutes (Slack's own example's lifetime)."""

    def __init__(
        self, uow_factory: UowFactory, expiration_seconds: int = 600, clock: Clock = _utc_now
    ) -> None:
        self._uow_factory = uow_factory
        self._lifetime = timedelta(seconds=expiration_seconds)
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        issue_state(self._uow_factory, state, self._clock() + self._lifetime)
        return state

    def consume(self, state: str) -> bool:
        return bool(state) and consume_state(self._uow_factory, state, self._clock())
