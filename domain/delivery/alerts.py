"""Alerts to admins about messages Slack refused for good: one alert per channel and error,
however many messages died of it at once."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from domain.delivery.messages import AboutLead, AdminAlert, MessageKind, OutboxMessage, ToPerson, Unreadable
from domain.delivery.pacing import pace_key

# Failures for a channel and error that an admin already heard of within this window wait
# and are reported together, with their count, when it has passed: one alert, not a flood.
ALERT_WINDOW = timedelta(hours=1)
MAX_LEADS_NAMED = 5
# Never alerted on: an alert (it would alert about itself), and a Home tab refresh (the next
# opening of the tab publishes it anew; nothing is lost that a person would miss).
UNALERTED = (MessageKind.ADMIN_ALERT, MessageKind.HOME_REFRESH)


@dataclass(frozen=True, slots=True)
class Undelivered:
    """A message parked dead, with the reason its last attempt gave."""

    message: OutboxMessage
    error: str


@dataclass(frozen=True, slots=True)
class AlertGroup:
    """Dead messages of one workspace that went to the same place and failed the same way."""

    team_id: str
    target: str  # "channel:C123" or "user:U123"
    error: str  # Slack's error code ("channel_not_found"), or the whole reason
    dead: tuple[Undelivered, ...]

    @property
    def signature(self) -> str:
        """Stable across sweeps: finds earlier alerts for the same trouble."""
        return hashlib.sha256(f"{self.target}|{self.error}".encode()).hexdigest()[:16]

    def alert(self, admin: str) -> OutboxMessage:
        key = f"{alert_prefix(self.team_id, self.signature)}{self.dead[0].message.id}:{admin}"
        return OutboxMessage(self.team_id, key, self._body(admin))

    def _body(self, admin: str) -> AdminAlert:
        kind, _, where = self.target.partition(":")
        leads = {u.message.body.lead.ref for u in self.dead if isinstance(u.message.body, AboutLead)}
        to_channel = kind == "channel"
        return AdminAlert(
            user=admin,
            channel_id=where if to_channel else None,
            person=None if to_channel else where,
            error=self.error,
            count=len(self.dead),
            kinds=tuple(sorted({str(u.message.kind) for u in self.dead})),
            leads=tuple(sorted(leads)[:MAX_LEADS_NAMED]),
        )


def alert_prefix(team_id: str, signature: str) -> str:
    return f"alert:{team_id}:{signature}:"


def group_undelivered(dead: list[Undelivered]) -> list[AlertGroup]:
    """Dead messages grouped by workspace, destination and error; alerts never alert."""
    groups: dict[tuple[str, str, str], list[Undelivered]] = defaultdict(list)
    for item in dead:
        if item.message.kind in UNALERTED:
            continue
        groups[(item.message.team_id, _target(item.message), slack_error(item.error))].append(item)
    return [AlertGroup(team, target, error, tuple(items)) for (team, target, error), items in groups.items()]


def slack_error(reason: str) -> str:
    """`HTTP 200 channel_not_found` -> `channel_not_found`; other reasons stay whole."""
    words = reason.split()
    if len(words) == 3 and words[0] == "HTTP":
        return words[2]
    return reason[:200]


def _target(message: OutboxMessage) -> str:
    # A command's answer that fell back from its response_url went to the person's DM.
    body = message.body
    if isinstance(body, Unreadable):
        return _stored_target(body.payload)
    return pace_key(message) or "user:" + (body.user if isinstance(body, ToPerson) else "")


def _stored_target(payload: dict[str, object]) -> str:
    """Where a message that no longer reads as its kind was going, if its stored form still
    says; else nowhere named (the alert says so instead of naming a person `?`)."""
    for field in ("channel", "user"):
        if isinstance(value := payload.get(field), str) and value:
            return f"{field}:{value}"
    return "unknown:"
