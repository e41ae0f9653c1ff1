"""Who an import's owner column names: a Slack user found by email (users.lookupByEmail, asked
once per address) or by the config's `[import.owners]` names. A name nobody knows is left to
routing: the import never fails for it."""
# https://api.slack.com/methods/users.lookupByEmail

import logging
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from domain.capture.normalize import looks_like_email
from domain.config import LeadbotConfig
from domain.importing.status import status_key

log = logging.getLogger(__name__)


@dataclass(slots=True)
class OwnerDirectory:
    """Callable as handlers.importing.pipeline.Owners: the text of an owner cell -> a Slack user id."""

    config: LeadbotConfig
    client: WebClient | None = None  # None: names from the config only (no Slack token)
    _found: dict[str, str | None] = field(default_factory=dict)

    def __call__(self, text: str) -> str | None:
        key = text.strip().casefold()
        if key not in self._found:
            self._found[key] = self._by_name(text) or self._by_email(text.strip())
        return self._found[key]

    def _by_name(self, text: str) -> str | None:
        wanted = status_key(text)
        return next(
            (user for name, user in self.config.imports.owners.items() if status_key(name) == wanted), None
        )

    def _by_email(self, text: str) -> str | None:
        if self.client is None or not looks_like_email(text):
            return None
        try:
            answer = self.client.users_lookupByEmail(email=text)
        except SlackApiError as error:
            if error.response.get("error") != "users_not_found":
                log.warning("users.lookupByEmail failed: %s", error.response.get("error"))
            return None
        except (SlackClientError, OSError) as error:
            log.warning("users.lookupByEmail failed: %s", type(error).__name__)
            return None
        user = answer.get("user") or {}
        return str(user["id"]) if user.get("id") and not user.get("deleted") else None
