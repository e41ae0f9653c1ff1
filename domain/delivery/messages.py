"""Messages to Slack that must not be lost: one model per kind the outbox holds, the
envelope it stores them in, and what delivery returns.

A model's fields are the keys of the JSON its outbox row stores, named as they always were,
so rows queued by earlier versions read back as the same models (no data migration)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, TypeAdapter, ValidationError

from domain.routing.assignment import Decision
from domain.routing.rules import RepNote

# Longer than any send with its retries takes; a claimer that dies holds its messages this
# long before another process takes them over.
LEASE = timedelta(minutes=5)


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
    HOME_REFRESH = "home_refresh"  # a person's Home tab published again (domain/book/home.py), debounced


# Stored as `datetime.isoformat()` wrote it before the models: old and new rows read alike.
IsoDatetime = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str, when_used="json")]


class _Model(BaseModel):
    # Keys a newer version added are ignored, so an older process mid-deploy still reads its rows.
    model_config = ConfigDict(frozen=True, extra="ignore")


class LeadBrief(_Model):
    """A lead as a message shows it. Writers give the keys their message needs; only those
    are stored (see `Message.to_json`)."""

    ref: str
    name: str
    email: str | None = None
    company: str | None = None
    source: str | None = None
    status: str | None = None
    country: str | None = None
    product: str | None = None
    score: int | None = None


class Message(_Model):
    """One kind of outbox message; `kind` is fixed by each model and keys the union below."""

    kind: MessageKind

    def to_json(self) -> dict[str, Any]:
        """What the outbox row's payload column stores: the fields its writer set, no kind
        (the row has a column for it), dates as ISO text."""
        return self.model_dump(mode="json", exclude={"kind"}, exclude_unset=True)


class ToChannel(Message):
    channel: str


class ToPerson(Message):
    user: str


class AboutLead(Message):
    lead: LeadBrief


class ReminderDue(ToPerson, AboutLead):
    kind: Literal[MessageKind.REMINDER_DUE] = MessageKind.REMINDER_DUE
    text: str
    # None: queued before follow-ups had state (no Done / Snooze buttons of their own)
    reminder_id: int | None = None
    due_at: IsoDatetime | None = None
    tz: str = "UTC"
    nudge: int = 0  # 0: the reminder itself; n: the n-th "still open"


class ChannelPost(ToChannel):
    kind: Literal[MessageKind.CHANNEL_POST] = MessageKind.CHANNEL_POST
    text: str


class LeadAnnounced(ToChannel, AboutLead):
    kind: Literal[MessageKind.LEAD_ANNOUNCED] = MessageKind.LEAD_ANNOUNCED
    via: str | None = None


class MentionReply(ToChannel):
    kind: Literal[MessageKind.MENTION_REPLY] = MessageKind.MENTION_REPLY
    thread_ts: str
    user: str = ""


class CommandReply(ToPerson):
    kind: Literal[MessageKind.COMMAND_REPLY] = MessageKind.COMMAND_REPLY
    message: dict[str, Any]  # the Slack message body the command's answer was rendered to
    response_url: str | None = None  # while Slack takes it; else the answer goes to the DM


class _Routed(ToChannel, AboutLead):
    assignment_id: int
    team: str
    rule: str | None
    rep: str
    notes: tuple[RepNote, ...]


class RoutingProposal(_Routed):
    kind: Literal[MessageKind.ROUTING_PROPOSAL] = MessageKind.ROUTING_PROPOSAL


class ProposalDecided(_Routed):
    kind: Literal[MessageKind.ROUTING_DECIDED] = MessageKind.ROUTING_DECIDED
    ts: str | None = None  # the proposal's message; None: never posted, so the decision is a new one
    decision: Decision
    by: str | None


class LeadAssignedDm(ToPerson, AboutLead):
    kind: Literal[MessageKind.LEAD_ASSIGNED_DM] = MessageKind.LEAD_ASSIGNED_DM
    by: str


class LeadTakenDm(ToPerson, AboutLead):
    kind: Literal[MessageKind.LEAD_TAKEN_DM] = MessageKind.LEAD_TAKEN_DM
    rep: str
    by: str


class BulkOwnersDm(ToPerson):
    kind: Literal[MessageKind.BULK_OWNERS_DM] = MessageKind.BULK_OWNERS_DM
    by: str
    action: int
    count: int
    gained: bool
    undone: bool
    filter: str | None = None
    to: str | None = None  # one rep for them all (reassign), else None


class SlaBreached(ToChannel, AboutLead):
    kind: Literal[MessageKind.SLA_BREACHED] = MessageKind.SLA_BREACHED
    thread_ts: str | None = None  # the proposal's thread; None: a new post in the team channel
    rep: str
    minutes: int
    managers: tuple[str, ...]
    reroute: bool
    rerouted_to: str | None
    team: str


class TeamDigest(ToChannel):
    kind: Literal[MessageKind.TEAM_DIGEST] = MessageKind.TEAM_DIGEST
    digest: dict[str, Any]  # domain/reporting/digest.Digest.payload()


class WeeklyChart(ToChannel):
    kind: Literal[MessageKind.WEEKLY_CHART] = MessageKind.WEEKLY_CHART
    chart: dict[str, Any]  # handlers/reporting/weekly_chart.chart_summary()
    filename: str


class AwayItem(_Model):
    reminder_id: int | None
    text: str
    due_at: IsoDatetime
    lead: LeadBrief


class AwaySummary(ToPerson):
    kind: Literal[MessageKind.AWAY_SUMMARY] = MessageKind.AWAY_SUMMARY
    reminders: tuple[AwayItem, ...]


class QuietLeads(ToPerson):
    kind: Literal[MessageKind.QUIET_LEADS] = MessageKind.QUIET_LEADS
    days: int
    total: int
    leads: tuple[LeadBrief, ...]


class ReadyForSales(ToChannel, AboutLead):
    kind: Literal[MessageKind.READY_FOR_SALES] = MessageKind.READY_FOR_SALES
    owner: str | None
    score: int
    sql: int


class AdminAlert(ToPerson):
    kind: Literal[MessageKind.ADMIN_ALERT] = MessageKind.ADMIN_ALERT
    channel_id: str | None = None  # where the dead messages went: a channel...
    person: str | None = None  # ...or a person's DM
    error: str = ""
    count: int = 1
    kinds: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()


class HomeRefresh(Message):
    kind: Literal[MessageKind.HOME_REFRESH] = MessageKind.HOME_REFRESH
    viewer: str


MessageBody = Annotated[
    ReminderDue
    | ChannelPost
    | LeadAnnounced
    | MentionReply
    | CommandReply
    | RoutingProposal
    | ProposalDecided
    | LeadAssignedDm
    | LeadTakenDm
    | BulkOwnersDm
    | SlaBreached
    | TeamDigest
    | WeeklyChart
    | AwaySummary
    | QuietLeads
    | ReadyForSales
    | AdminAlert
    | HomeRefresh,
    Field(discriminator="kind"),
]
_BODY: TypeAdapter[MessageBody] = TypeAdapter(MessageBody)


class Unreadable(Message):
    """A stored payload that does not fit its kind's model (hand-edited, or from a version
    that wrote it differently): delivery fails it like any broken message, and the rest go."""

    payload: dict[str, Any]
    error: str

    def to_json(self) -> dict[str, Any]:
        return self.payload


def message_body(kind: MessageKind | str, payload: dict[str, Any]) -> MessageBody:
    """The model of a stored message; ValidationError if the payload does not fit it."""
    return _BODY.validate_python({**payload, "kind": kind})


def read_body(kind: MessageKind, payload: dict[str, Any]) -> "MessageBody | Unreadable":
    """As message_body, but a payload that does not fit comes back as Unreadable, so one
    broken row cannot stop the others being read."""
    try:
        return message_body(kind, payload)
    except ValidationError as exc:
        reason = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in exc.errors())
        return Unreadable(kind=kind, payload=payload, error=reason)


@dataclass(slots=True, frozen=True)
class OutboxMessage:
    team_id: str
    dedupe_key: str
    body: "MessageBody | Unreadable"
    id: int | None = None
    attempts: int = 0

    @property
    def kind(self) -> MessageKind:
        return self.body.kind

    @property
    def payload(self) -> dict[str, Any]:
        """The JSON the outbox row stores."""
        return self.body.to_json()


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
