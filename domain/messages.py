"""Messages to Slack that must not be lost: what the outbox holds and delivery returns."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class MessageKind(StrEnum):
    REMINDER_DUE = "reminder_due"  # a DM to the rep who set the reminder
    CHANNEL_POST = "channel_post"  # a plain notice to a team channel
    LEAD_ANNOUNCED = "lead_announced"  # a lead nobody typed in (web form, import) for its team
    MENTION_REPLY = "mention_reply"  # a pointer to /lead, in the thread that mentioned the bot
    COMMAND_REPLY = "command_reply"  # the answer to a command that was queued when it came in
    # routing
    ROUTING_PROPOSAL = "routing_proposal"  # a lead proposed to a rep, for the team's managers
    ROUTING_DECIDED = "routing_decided"  # the proposal's message updated, the decision in its thread
    LEAD_ASSIGNED_DM = "lead_assigned_dm"  # the rep hears a lead is theirs
    LEAD_TAKEN_DM = "lead_taken_dm"  # its previous owner hears a lead was given to someone else
    BULK_OWNERS_DM = "bulk_owners_dm"  # a rep's leads changed hands in a bulk action (or its undo)
    SLA_BREACHED = "sla_breached"  # first contact overdue: in the proposal's thread, managers named
    # --- digests and nurture -----------------------------------------------------------
    TEAM_DIGEST = "team_digest"  # the daily digest, to a team channel
    WEEKLY_CHART = "weekly_chart"  # Mondays: last week's funnel and sources as a PNG, to a team channel
    AWAY_SUMMARY = "away_summary"  # many overdue follow-ups after downtime, as one DM per person
    QUIET_LEADS = "quiet_leads"  # an owner's leads with no activity for a while, once a day
    READY_FOR_SALES = "ready_for_sales"  # a lead whose score crossed SQL, for its team channel
    ADMIN_ALERT = "admin_alert"  # a DM to an admin: messages Slack refused for good (never alerted on)
    HOME_REFRESH = "home_refresh"  # a person's Home tab published again (domain/home.py), debounced


@dataclass(slots=True, frozen=True)
class OutboxMessage:
    team_id: str
    kind: MessageKind
    dedupe_key: str
    payload: dict[str, Any]
    id: int | None = None
    attempts: int = 0


@dataclass(slots=True, frozen=True)
class DeliveryReceipt:
    channel: str
    ts: str


@dataclass(slots=True)
class DeliveryFailed(Exception):
    """Slack did not take the message; `retry_after` comes from a 429's header."""

    reason: str
    retry_after: float | None = None
    permanent: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.reason
