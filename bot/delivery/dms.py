"""Where each person's DM with the bot is, and when Slack lets us ask (conversations.open)."""

import time
from dataclasses import dataclass
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


class DmChannels(Protocol):
    """Where each person's DM channel is remembered (handlers/delivery/dm_channels.py)."""

    def channel_of(self, team_id: str, user_id: str) -> str | None: ...

    def remember(self, team_id: str, user_id: str, channel_id: str) -> None: ...


class Unremembered:
    """No memory: every DM is addressed to the person, and Slack finds the channel."""

    def channel_of(self, team_id: str, user_id: str) -> str | None:
        return None

    def remember(self, team_id: str, user_id: str, channel_id: str) -> None:
        pass


class OpenLimit:
    """When Slack last said conversations.open is over its limit, until when (monotonic)."""

    def __init__(self) -> None:
        self.until = 0.0

    def resting(self) -> bool:
        return time.monotonic() < self.until

    def rest(self, seconds: float) -> None:
        self.until = max(self.until, time.monotonic() + seconds)


@dataclass(frozen=True, slots=True)
class Dms:
    remembered: DmChannels
    opening: OpenLimit


def open_dm(client: WebClient, limit: OpenLimit, user_id: str) -> str | None:
    if limit.resting():
        return None
    try:
        return str(client.conversations_open(users=user_id)["channel"]["id"])
    except SlackApiError as exc:
        if exc.response.status_code != 429:
            raise
        limit.rest(float(exc.response.headers.get("Retry-After") or 1))
        return None
