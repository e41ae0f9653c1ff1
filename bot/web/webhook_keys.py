"""Whose secrets sign webhook requests. Single-token mode: LEADBOT_WEBHOOK_SECRET, for the bot
token's workspace (DESIGN.md). Multi-workspace install: each workspace its own, made at install,
sealed at rest, shown to and rotated by its admins (`/lead webhook [rotate]`); a request then
belongs to the workspace whose secret signed it."""

import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from bot.workspaces.sealing import SecretBox, Unreadable
from handlers.context import UowFactory
from handlers.operations.installations import rotate_webhook_secret, webhook_secret, webhook_secrets

log = logging.getLogger(__name__)
SECRET_BYTES = 32


class Keyring(Protocol):
    # Why no request can be taken at all (503), or None when one may be.
    off: str | None

    def secrets(self) -> dict[str, bytes]:
        """Workspace id -> its webhook secret."""
        ...


class OneSecret:
    """Single-token mode: one secret, for the one workspace served."""

    def __init__(self, secret: str | None, workspace_id: str) -> None:
        self._secrets = {workspace_id: secret.encode()} if secret else {}
        self.off = None if secret else "webhooks are off: set LEADBOT_WEBHOOK_SECRET"

    def secrets(self) -> dict[str, bytes]:
        return self._secrets


class WorkspaceSecrets:
    """Multi-workspace install: each workspace's own secret, read from the database per request
    (a rotation in another process counts at once)."""

    off = None

    def __init__(
        self, uow_factory: UowFactory, box: SecretBox, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._uow_factory = uow_factory
        self._box = box
        self._clock = clock or (lambda: datetime.now(UTC))

    def secrets(self) -> dict[str, bytes]:
        opened = {}
        for team_id, sealed in webhook_secrets(self._uow_factory).items():
            try:
                opened[team_id] = self._box.open(sealed).encode()
            except Unreadable:
                log.error(
                    "the webhook secret of workspace %s opens with none of the encryption keys", team_id
                )
        return opened

    def secret_of(self, team_id: str) -> str:
        """The workspace's secret, made the first time it is asked for."""
        return self._box.open(webhook_secret(self._uow_factory, team_id, self._new_sealed, self._clock()))

    def rotate(self, team_id: str) -> str:
        """A new secret: requests signed with the old one are refused from now on."""
        new = _new_secret()
        rotate_webhook_secret(self._uow_factory, team_id, self._box.seal(new), self._clock())
        return new

    def _new_sealed(self) -> str:
        return self._box.seal(_new_secret())


def _new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)
