"""SQLAlchemy 2.x typed tables; every row carries the Slack workspace (team_id)."""
# https://docs.sqlalchemy.org/en/20/orm/declarative_tables.html

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from store.types import BigId, UTCDateTime

TeamId = sa.String(32)
UserId = sa.String(32)


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
        }
    )


class LeadCounterRow(Base):
    """Per-workspace lead numbers: L-1, L-2... bumped with UPDATE ... RETURNING."""

    __tablename__ = "lead_counters"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    last_number: Mapped[int] = mapped_column(sa.Integer, default=0)


# Leads that hold their email and phone: not merged away, and not converted (a converted
# person is a contact; their next interest is a new lead with the same address).
# Queries repeat it word for word (a literal, not a bound value) so PostgreSQL's generic
# plans can still use the partial indexes.
HOLDS_IDENTITY = sa.text("merged_into_id IS NULL AND status <> 'converted'")


class LeadRow(Base):
    __tablename__ = "leads"
    __table_args__ = (
        sa.UniqueConstraint("team_id", "number"),
        sa.UniqueConstraint("team_id", "external_id"),
        # One live lead per email: the database settles a race between two captures of
        # the same person (merged and converted leads keep theirs). A phone may be shared by
        # several people (a switchboard: domain.matching.identity), so its index only finds them.
        sa.Index(
            "uq_leads_live_email",
            "team_id",
            "email",
            unique=True,
            sqlite_where=HOLDS_IDENTITY,
            postgresql_where=HOLDS_IDENTITY,
        ),
        sa.Index(
            "ix_leads_live_phone",
            "team_id",
            "phone",
            sqlite_where=HOLDS_IDENTITY,
            postgresql_where=HOLDS_IDENTITY,
        ),
        sa.Index(None, "team_id", "owner_id", "status"),
        sa.Index(None, "contact_id"),
        # The predictive score's sweep counts closed leads per workspace every few seconds:
        # from this index alone, without reading the table.
        sa.Index(None, "status", "team_id", "closed_at"),
        # `/lead list` for a manager (their teams) or with team:, hottest first: the team's
        # leads off the index instead of the workspace's (bench/list_page.py).
        sa.Index(None, "team_id", "sales_team", "score"),
        # `/lead forecast`: the workspace's open deals by close month, not its whole book.
        sa.Index(None, "team_id", "expected_close"),
        # `/lead report`: the period's cohort by capture time. Without it SQLite (no
        # statistics) walked the workspace through another team_id index, row by row: 0.5 s
        # for a 30-day cohort's ids at 100k leads (bench/report_forecast.py).
        sa.Index(None, "team_id", "created_at"),
        # The Home tab's counts of a team's live leads (pool by age, each rep's open leads, the
        # month's funnel) from this index alone, never the rows (bench/home_tab.py). Not a
        # partial index: SQLite would take one whose condition a list shares (`merged_into_id
        # IS NULL`) for a whole workspace's `/lead list`, and read every row through it.
        sa.Index(
            "ix_leads_home_counts",
            "team_id",
            "sales_team",
            "status",
            "owner_id",
            "created_at",
            "merged_into_id",
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    number: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(320))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    company: Mapped[str | None] = mapped_column(sa.String(500))
    title: Mapped[str | None] = mapped_column(sa.String(500))
    source: Mapped[str | None] = mapped_column(sa.String(500))
    campaign: Mapped[str | None] = mapped_column(sa.String(500))
    country: Mapped[str | None] = mapped_column(sa.String(500))
    product: Mapped[str | None] = mapped_column(sa.String(500))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(16))
    owner_id: Mapped[str | None] = mapped_column(UserId)
    sales_team: Mapped[str | None] = mapped_column(sa.String(64))
    score: Mapped[int] = mapped_column(sa.Integer, default=0)
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leads.id"))
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leads.id"))
    external_id: Mapped[str | None] = mapped_column(sa.String(255))
    origin_url: Mapped[str | None] = mapped_column(sa.String(1000))
    # field -> {"source": ..., "method": ...} for values Leadbot filled in, not a person
    enriched: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    search_text: Mapped[str] = mapped_column(sa.String(1200), default="")
    deal_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    deal_product: Mapped[str | None] = mapped_column(sa.String(500))
    lost_reason: Mapped[str | None] = mapped_column(sa.String(64))
    lost_note: Mapped[str | None] = mapped_column(sa.String(1000))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The forecast: an open lead's expected value and close month (its first day).
    expected_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    expected_close: Mapped[date | None] = mapped_column(sa.Date)
    # use_alter: contacts also point at leads (the lead converted), a cycle of foreign keys.
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contacts.id", use_alter=True))
    cycle: Mapped[int] = mapped_column(sa.Integer, default=1, server_default=sa.text("1"))
    # When the person unsubscribed (an `unsubscribed` engagement event): cadences leave them be.
    do_not_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(UserId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The workspace's own fields (domain/custom_fields.py), key -> typed JSON value: one
    # column read with the row for the card, the export and scoring; lists filter on it with
    # JSON extraction (bench/list_page.py measures it at 100k leads).
    custom: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # The lead's tags as shown (card, export); lead_tags holds them again for `tag:` filters.
    tags: Mapped[list[str] | None] = mapped_column(sa.JSON)


class LeadTagRow(Base):
    """One tag on one lead: `/lead list tag:hot` reads the leads of a tag off the primary
    key (team, tag, lead) instead of looking into every lead's tags."""

    __tablename__ = "lead_tags"
    __table_args__ = (sa.Index(None, "lead_id"),)
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    tag: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True)


class ContactRow(Base):
    """A person who bought: made when a lead converts, and recognised when they come back."""

    __tablename__ = "contacts"
    __table_args__ = (sa.Index(None, "team_id", "email"), sa.Index(None, "team_id", "phone"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(320))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    company: Mapped[str | None] = mapped_column(sa.String(500))
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id"))  # the lead converted first
    created_by: Mapped[str] = mapped_column(UserId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class QualificationRow(Base):
    """BANT answers as of one moment; the newest row per lead is the current picture."""

    __tablename__ = "lead_qualifications"
    __table_args__ = (sa.Index(None, "lead_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"))
    budget: Mapped[str | None] = mapped_column(sa.String(500))
    authority: Mapped[str | None] = mapped_column(sa.String(500))
    need: Mapped[str | None] = mapped_column(sa.String(500))
    timeline: Mapped[str | None] = mapped_column(sa.String(500))
    answered_by: Mapped[str] = mapped_column(UserId)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LeadMatchKeyRow(Base):
    """Blocking keys (domain.matching.dedupe.blocking_keys): candidates for a duplicate check
    are the leads sharing a key, found by index instead of scanning the table."""

    __tablename__ = "lead_match_keys"
    # lead_id last: the oldest leads under a key come straight off the index.
    __table_args__ = (sa.Index(None, "team_id", "key", "lead_id"),)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(TeamId)


class MergeRow(Base):
    """A merge of `source` into `target`, kept so a manager can undo it."""

    __tablename__ = "lead_merges"
    __table_args__ = (sa.Index(None, "team_id", "source_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"))
    filled: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # target fields the merge filled in
    merged_by: Mapped[str] = mapped_column(UserId)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    undone_by: Mapped[str | None] = mapped_column(UserId)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ActivityRow(Base):
    __tablename__ = "activities"
    __table_args__ = (sa.Index(None, "lead_id", "created_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    body: Mapped[str] = mapped_column(sa.Text)
    actor_id: Mapped[str] = mapped_column(UserId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    moved_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leads.id"))  # by a merge


class ReminderRow(Base):
    __tablename__ = "reminders"
    __table_args__ = (
        sa.Index(None, "status", "due_at"),
        sa.Index(None, "lead_id"),
        sa.Index(None, "status", "next_nudge_at"),  # the resurfacing sweep, like the due sweep
        sa.Index(None, "team_id", "user_id", "status"),  # /lead tasks
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(UserId)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    moved_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leads.id"))  # by a merge
    tz: Mapped[str] = mapped_column(sa.String(64), server_default="UTC")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(UserId)
    next_nudge_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nudges: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    snoozes: Mapped[int] = mapped_column(sa.Integer, server_default="0")


class UserTimezoneRow(Base):
    """The last time zone Slack (users.info) gave for a person: read before an ack
    instead of asking Slack, and kept when Slack is down."""

    __tablename__ = "user_timezones"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    user_id: Mapped[str] = mapped_column(UserId, primary_key=True)
    tz: Mapped[str | None] = mapped_column(sa.String(64))  # None: Slack has no zone for them
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxRow(Base):
    """Messages to Slack written in the same transaction as the change that caused them."""

    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index(None, "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    dedupe_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(sa.String(36))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slack_channel: Mapped[str | None] = mapped_column(sa.String(32))
    slack_ts: Mapped[str | None] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # dead, and the admins told


class ChannelPacingRow(Base):
    """When each Slack conversation may take its next message (about one a second), shared
    by every process that sends; `reserved_until` is the end of the slots already handed to
    messages waiting their turn there."""

    __tablename__ = "channel_pacing"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    channel_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    next_allowed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reserved_until: Mapped[datetime] = mapped_column(UTCDateTime)
    # A message is on its way there (claimed, not yet answered): no other sender may post
    # until it lands and its pace is counted from then. Expires, should its sender die.
    in_flight_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DmChannelRow(Base):
    """A person's DM channel with the bot, as Slack named it the first time we wrote to them:
    later DMs go straight there instead of asking Slack again (conversations.open is Tier 3)."""

    __tablename__ = "dm_channels"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    user_id: Mapped[str] = mapped_column(UserId, primary_key=True)
    channel_id: Mapped[str] = mapped_column(sa.String(32))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HomeViewerRow(Base):
    """Someone who opened Leadbot's Home tab: a change that touches them refreshes it. Nobody
    else's is published (views.publish is Tier 4: about 100 calls a minute per workspace)."""

    __tablename__ = "home_viewers"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    user_id: Mapped[str] = mapped_column(UserId, primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index(None, "team_id", "entity", "entity_ref"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    actor_id: Mapped[str] = mapped_column(UserId)
    action: Mapped[str] = mapped_column(sa.String(64))
    entity: Mapped[str] = mapped_column(sa.String(32))
    entity_ref: Mapped[str] = mapped_column(sa.String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeferredCommandRow(Base):
    """A command acked at once and done moments later, because the server was busy:
    kept here from the ack on, so a crash or restart in between loses nothing."""

    __tablename__ = "deferred_commands"
    __table_args__ = (sa.UniqueConstraint("team_id", "request_key"), sa.Index(None, "status", "received_at"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    request_key: Mapped[str] = mapped_column(sa.String(255))
    user_id: Mapped[str] = mapped_column(UserId)
    command: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    response_url: Mapped[str | None] = mapped_column(sa.String(1000))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)


class RequestKeyRow(Base):
    """Idempotency: a request seen once (Slack retry, double click) returns its first result."""

    __tablename__ = "request_keys"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    result: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- predictive score ------------------------------------------------------------------


class PredictiveModelRow(Base):
    """The predictive score's weights for one workspace: one row for all its teams
    (`sales_team` "*") and one per team with enough closed leads of its own. The all-teams
    row is written even before there is enough history (`params` empty), so the card can
    say how far off the model is and the sweeper can see that nothing changed."""

    __tablename__ = "predictive_models"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    sales_team: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    params: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)  # domain.scoring.logistic.Weights.to_json
    n: Mapped[int] = mapped_column(sa.Integer)  # closed leads learned from (this scope)
    closed_seen: Mapped[int] = mapped_column(sa.Integer)  # the workspace's closed leads then
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LeadProbabilityRow(Base):
    """A conversion chance a person set by hand: shown instead of the model's, never retrained."""

    __tablename__ = "lead_probabilities"
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    percent: Mapped[int] = mapped_column(sa.Integer)
    set_by: Mapped[str] = mapped_column(UserId)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- routing ---------------------------------------------------------------------------


class RoutingStateRow(Base):
    """One row per sales team: routing locks it (UPDATE ... RETURNING) for each decision,
    so decisions in one team happen one at a time across processes, and numbers them."""

    __tablename__ = "routing_states"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    sales_team: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    decisions: Mapped[int] = mapped_column(sa.Integer, default=0)


class RoutingTurnRow(Base):
    """How many leads routing gave a rep in a team, and the decision number of the last."""

    __tablename__ = "routing_turns"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    sales_team: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(UserId, primary_key=True)
    turns: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_turn: Mapped[int] = mapped_column(sa.Integer, default=0)


class SavedListRow(Base):
    """`/lead list save <name> <filters>`: a person's named filter, as key:value pairs."""

    __tablename__ = "saved_lists"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    user_id: Mapped[str] = mapped_column(UserId, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    pairs: Mapped[list[list[str]]] = mapped_column(sa.JSON)  # [["status", "new"], ...]
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SharedListRow(Base):
    """`/lead list save <name> <filters> share:<team>`: a named filter shared with a sales
    team, one of each name per team (a manager saving the name again replaces it)."""

    __tablename__ = "shared_lists"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    sales_team: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    pairs: Mapped[list[list[str]]] = mapped_column(sa.JSON)  # [["status", "new"], ...]
    saved_by: Mapped[str] = mapped_column(UserId)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RepAbsenceRow(Base):
    """`/lead ooo until ...`: routing skips the rep until then."""

    __tablename__ = "rep_absences"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    user_id: Mapped[str] = mapped_column(UserId, primary_key=True)
    away_until: Mapped[datetime] = mapped_column(UTCDateTime)


class AssignmentRow(Base):
    """A routing decision: proposed to a team's managers, then approved, rejected or
    superseded. The state changes only from `proposed` (one decision however many click)."""

    __tablename__ = "lead_assignments"
    __table_args__ = (
        sa.Index(None, "team_id", "rep_id", "created_at"),
        sa.Index(None, "team_id", "rep_id", "state"),
        sa.Index(None, "state", "auto_approve_at"),
        # A report's cohort asks each lead's approved hand-over and first contact of the index
        # alone (store/reporting/cohort.py, migration 0026); any look-up by lead uses it too.
        sa.Index(None, "lead_id", "state", "first_contact_at"),
        sa.Index(None, "sla_status", "sla_due_at"),  # the SLA sweep: running and due
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"))
    sales_team: Mapped[str] = mapped_column(sa.String(64))
    rep_id: Mapped[str] = mapped_column(UserId)
    state: Mapped[str] = mapped_column(sa.String(16))
    rule: Mapped[str | None] = mapped_column(sa.String(80))
    reasons: Mapped[list[Any]] = mapped_column(sa.JSON)
    created_by: Mapped[str] = mapped_column(UserId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(UserId)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the team approves it by itself if no manager has (auto_approve_after_minutes).
    auto_approve_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Speed-to-lead, for an approved assignment: the rep's first contact,
    # the team's SLA when the lead became theirs, its deadline in working time, and where
    # it stands (domain.routing.sla.SlaStatus; leaves `running` once, by a conditional update).
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_minutes: Mapped[int | None] = mapped_column(sa.Integer)
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_status: Mapped[str | None] = mapped_column(sa.String(16))


# --- digests and cadences --------------------------------------------------------------


class DailyRunRow(Base):
    """One row per workspace, job (the team digest, the quiet-lead flags), sales team and
    local date: the unique key lets exactly one process do a day's run. It is inserted in
    the transaction that queues the run's messages, so a run either happened whole or not."""

    __tablename__ = "daily_runs"
    __table_args__ = (sa.UniqueConstraint("team_id", "job", "scope", "local_date"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    job: Mapped[str] = mapped_column(sa.String(16))
    scope: Mapped[str] = mapped_column(sa.String(64))  # the sales team key
    local_date: Mapped[date] = mapped_column(sa.Date)
    covers_from: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: the first run
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CadenceEnrollmentRow(Base):
    """A lead in a nurture cadence; its steps are reminders (cadence_steps links them)."""

    __tablename__ = "cadence_enrollments"
    __table_args__ = (sa.Index(None, "lead_id", "status"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"))
    cadence: Mapped[str] = mapped_column(sa.String(64))
    owner_id: Mapped[str] = mapped_column(UserId)
    status: Mapped[str] = mapped_column(sa.String(16))
    enrolled_by: Mapped[str] = mapped_column(UserId)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stop_reason: Mapped[str | None] = mapped_column(sa.String(64))
    moved_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leads.id"))  # by a merge


class CadenceStepRow(Base):
    """Which reminder carries which step of an enrolment."""

    __tablename__ = "cadence_steps"
    __table_args__ = (sa.Index(None, "reminder_id", unique=True),)
    enrollment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cadence_enrollments.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    reminder_id: Mapped[int] = mapped_column(sa.ForeignKey("reminders.id", ondelete="CASCADE"))


# --- scoring ---------------------------------------------------------------------------


class EngagementEventRow(Base):
    """What a lead did (events webhook) or a rep logged with them (`/lead log`): the
    engagement half of the rule score. A sender's external id makes a resend a no-op."""

    __tablename__ = "engagement_events"
    __table_args__ = (
        sa.UniqueConstraint("team_id", "external_id"),
        # Covering: the daily rescore reads every event by lead from the index alone, about a
        # second less at a million events than visiting each row (docs/benchmarks.md).
        sa.Index(None, "lead_id", "occurred_at", "kind", "url"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    external_id: Mapped[str | None] = mapped_column(sa.String(255))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    moved_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leads.id"))  # by a merge


class LeadScoreRow(Base):
    """How far a lead has come by score (lead, mql, sql; only up) and when it got there.
    A lead without a row is at `lead`; the number itself is `leads.score`."""

    __tablename__ = "lead_scores"
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    stage: Mapped[str] = mapped_column(sa.String(8))
    mql_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sql_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScoreChangeRow(Base):
    """Each change of a lead's score and why (an event, a call, BANT, the daily decay)."""

    __tablename__ = "lead_score_changes"
    __table_args__ = (sa.Index(None, "lead_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"))
    before: Mapped[int] = mapped_column(sa.Integer)
    after: Mapped[int] = mapped_column(sa.Integer)
    reason: Mapped[str] = mapped_column(sa.String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- forecast --------------------------------------------------------------------------


class ForecastSnapshotRow(Base):
    """The forecast of a month as it stood when the month began, per sales team and owner (so
    any scope's can be summed), kept to compare with what that month won. Written once per
    workspace and month (the primary key: replicas agree); '' stands for no team / no owner."""

    __tablename__ = "forecast_snapshots"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    sales_team: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    deals: Mapped[int] = mapped_column(sa.Integer)
    weighted: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2))
    best_case: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2))
    committed: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BulkActionRow(Base):
    """One bulk action on a list (domain/book/bulk.py): shown for confirmation, applied, undone."""

    __tablename__ = "bulk_actions"
    __table_args__ = (sa.Index(None, "team_id", "actor_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    kind: Mapped[str] = mapped_column(sa.String(32))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    filter_text: Mapped[str] = mapped_column(sa.String(2000))
    actor_id: Mapped[str] = mapped_column(UserId)
    state: Mapped[str] = mapped_column(sa.String(16))
    total: Mapped[int] = mapped_column(sa.Integer)
    done: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by: Mapped[str | None] = mapped_column(UserId)


class BulkItemRow(Base):
    """A lead a bulk action changed, with the fields before and after, for its undo."""

    __tablename__ = "bulk_items"
    action_id: Mapped[int] = mapped_column(
        BigId, sa.ForeignKey("bulk_actions.id", ondelete="CASCADE"), primary_key=True
    )
    lead_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    team_id: Mapped[str] = mapped_column(TeamId)
    number: Mapped[int] = mapped_column(sa.Integer)
    before: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


# --- multi-workspace install (OAuth v2) ----------------------------------------------------
# A workspace is keyed by (enterprise_id, team_id), "" where Slack names none: an org-wide
# (Enterprise Grid) install has no team_id, a workspace outside a Grid no enterprise_id.
# Tokens and secrets are sealed by the Slack side (bot/workspaces/sealing.py) before they come here.


class InstallationRow(Base):
    """An installation as Slack's oauth.v2.access described it, sealed whole. user_id "" is the
    workspace's latest install, whoever made it; the installer's own row carries their token."""

    __tablename__ = "installations"
    enterprise_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    user_id: Mapped[str] = mapped_column(UserId, primary_key=True)
    org_wide: Mapped[bool] = mapped_column(sa.Boolean)
    sealed: Mapped[str] = mapped_column(sa.Text)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InstalledBotRow(Base):
    """The bot of an installation, sealed: what Bolt authorizes each request with, and what a
    token rotation rewrites."""

    __tablename__ = "installed_bots"
    enterprise_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    org_wide: Mapped[bool] = mapped_column(sa.Boolean)
    sealed: Mapped[str] = mapped_column(sa.Text)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OAuthStateRow(Base):
    """An OAuth `state` handed out by /slack/install, taken back once by /slack/oauth_redirect."""

    __tablename__ = "oauth_states"
    state: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookSecretRow(Base):
    """A workspace's own webhook secret (sealed): a request it signs is that workspace's."""

    __tablename__ = "webhook_secrets"
    team_id: Mapped[str] = mapped_column(TeamId, primary_key=True)
    sealed: Mapped[str] = mapped_column(sa.Text)
    rotated_at: Mapped[datetime] = mapped_column(UTCDateTime)
