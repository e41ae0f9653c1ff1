"""Results handlers return: plain frozen views, no Slack types, no mrkdwn."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.book.bulk import BulkAction
from domain.book.filters import LeadFilter
from domain.book.home import (
    Count,
    DeliveryAlert,
    Followup,
    LeadLine,
    Proposal,
    RepLoad,
    Shown,
    SlaAtRisk,
    Speed,
)
from domain.book.saved_lists import SavedList
from domain.custom_fields import CustomField
from domain.delivery.messages import LeadBrief
from domain.followups.activity import Activity
from domain.followups.reminder import Reminder
from domain.lead import Lead
from domain.matching.merging import Difference
from domain.permissions import Role
from domain.reporting.forecast import Forecast
from domain.reporting.report import PipelineReport
from domain.routing.assignment import Assignment, Decision
from domain.routing.rules import RepNote
from domain.routing.sla import LeadSpeed
from domain.scoring.predictive import MIN_HISTORY, Factor
from domain.scoring.qualification import Qualification
from domain.scoring.rules import ScoreBreakdown, ScoreChange, StageReached


@dataclass(frozen=True, slots=True)
class LeadView:
    ref: str
    number: int
    name: str
    email: str | None
    phone: str | None
    company: str | None
    title: str | None
    source: str | None
    status: str
    owner_id: str | None
    sales_team: str | None
    score: int
    created_at: datetime
    deal_value: Decimal | None = None
    deal_product: str | None = None
    lost_reason: str | None = None
    lost_note: str | None = None
    closed_at: datetime | None = None
    contact_id: int | None = None
    cycle: int = 1
    # The rest of the profile (domain/lead.PROFILE): last, so a view made by position keeps its meaning.
    campaign: str | None = None
    country: str | None = None
    product: str | None = None
    website: str | None = None
    expected_value: Decimal | None = None  # the forecast's: an open lead's expected deal...
    expected_close: date | None = None  # ...and its close month
    # Custom fields as shown: (label, value as text), in the config's order; and tags.
    fields: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()
    do_not_contact_at: datetime | None = None  # unsubscribed: no cadence contacts them

    def brief(self) -> LeadBrief:
        """As an outbox message shows it."""
        return LeadBrief.model_validate(self.as_payload())

    def as_payload(self) -> dict[str, str | int | None]:
        """JSON-able, for outbox messages rendered later."""
        return {
            "ref": self.ref,
            "name": self.name,
            "email": self.email,
            "company": self.company,
            "source": self.source,
            "status": self.status,
        }

    @classmethod
    def of(cls, lead: Lead, fields: tuple[CustomField, ...] = ()) -> "LeadView":
        """`fields`: the workspace's custom fields, to show by label in their order; without
        them, the lead's custom values are shown by key."""
        return cls(
            ref=lead.ref,
            number=lead.number,
            name=lead.name,
            email=lead.email,
            phone=lead.phone,
            **lead.profile(),
            status=str(lead.status),
            owner_id=lead.owner_id,
            sales_team=lead.sales_team,
            score=lead.score,
            created_at=lead.created_at,
            deal_value=lead.deal_value,
            deal_product=lead.deal_product,
            lost_reason=lead.lost_reason,
            lost_note=lead.lost_note,
            closed_at=lead.closed_at,
            contact_id=lead.contact_id,
            cycle=lead.cycle,
            expected_value=lead.expected_value,
            expected_close=lead.expected_close,
            fields=shown_fields(lead, fields),
            tags=lead.tags,
            do_not_contact_at=lead.do_not_contact_at,
        )


def shown_fields(lead: Lead, fields: tuple[CustomField, ...]) -> tuple[tuple[str, str], ...]:
    if not fields:
        return tuple((key, str(value)) for key, value in lead.custom.items())
    return tuple((f.label, f.text(lead.custom[f.key])) for f in fields if lead.custom.get(f.key) is not None)


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact, and the lead that made them one (how people know the customer)."""

    id: int
    name: str
    first_lead: str  # ref of the lead that converted first


@dataclass(frozen=True, slots=True)
class DuplicateView:
    lead: LeadView
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LeadCaptured:
    lead: LeadView
    outcome: str = "created"  # "created" | "updated" (same person known) | "replayed"
    matched_on: str | None = None  # for "updated": external_id, email or phone
    changed: tuple[str, ...] = ()  # for "updated": the fields the new data changed
    duplicate: DuplicateView | None = None  # for "created": the likely duplicate flagged
    visible: bool = True  # may the sender see the lead's details (a known person may be another rep's)
    returning: ContactView | None = None  # for "created": a contact showing new interest (a new cycle)

    @property
    def already_existed(self) -> bool:
        return self.outcome != "created"


@dataclass(frozen=True, slots=True)
class AddQueued:
    """A capture stored at the ack to be done moments later; its answer follows."""

    name: str  # as it will be stored, so the rep sees what was understood


@dataclass(frozen=True, slots=True)
class LeadDetails:
    lead: LeadView
    activities: tuple[Activity, ...]
    reminders: tuple[Reminder, ...]
    qualification: Qualification | None = None
    contact: ContactView | None = None
    chance: "ChanceView | None" = None  # the predictive score; None on a closed lead
    speed: LeadSpeed | None = None  # speed-to-lead, once the lead has been assigned


@dataclass(frozen=True, slots=True)
class LeadList:
    title: str
    leads: tuple[LeadView, ...]
    empty_hint: str
    more: int = 0  # matches beyond those listed (a search shows the best few)


@dataclass(frozen=True, slots=True)
class LeadPage:
    """One page of `/lead list`: the filter it shows (to say, and to page on), how many leads
    match in all, and this page's."""

    filter: LeadFilter
    page: int
    page_size: int
    total: int
    leads: tuple[LeadView, ...]
    saved: str | None = None  # the saved list's name, when it was asked for by name
    shared_by: str | None = None  # the team's name, when that list is one shared with it
    can_act: bool = False  # the viewer may run a bulk action on it ("Act on all N")

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True, slots=True)
class ListSaved:
    name: str
    filter: LeadFilter
    new: bool  # False: it replaced a list of that name
    team: str | None = None  # the name of the sales team it is shared with


@dataclass(frozen=True, slots=True)
class ListDeleted:
    name: str
    team: str | None = None  # the name of the sales team it was shared with


@dataclass(frozen=True, slots=True)
class SharedList:
    """A list shared with a team, as the person may run it."""

    team: str  # the sales team's name
    saved: SavedList


@dataclass(frozen=True, slots=True)
class SavedListsShown:
    own: tuple[SavedList, ...]
    shared: tuple[SharedList, ...]  # with the person's teams (an admin's: every team)


@dataclass(frozen=True, slots=True)
class LeadTagged:
    lead: LeadView
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldsSet:
    lead: LeadView
    changed: tuple[str, ...]  # keys whose value changed (none: they already held those)


@dataclass(frozen=True, slots=True)
class ActivityAdded:
    lead: LeadView
    activity: Activity
    already_recorded: bool = False  # a repeated request: nothing new was logged


@dataclass(frozen=True, slots=True)
class ReminderSet:
    lead: LeadView
    reminder: Reminder


@dataclass(frozen=True, slots=True)
class LeadsMerged:
    kept: LeadView
    merged: LeadView
    filled: tuple[str, ...]
    already_done: bool = False


@dataclass(frozen=True, slots=True)
class MergeToConfirm:
    """Nothing merged yet: the two leads name different emails or phones, so the person is
    asked first, with what differs."""

    duplicate: LeadView
    keep: LeadView
    differences: tuple[Difference, ...]


@dataclass(frozen=True, slots=True)
class LeadMergedAway:
    """`show` of a lead merged into another: it is not live, its history is in `kept`."""

    lead: LeadView
    kept: int | None  # the number of the live lead holding its history (None: a chain too long)
    merged_by: str | None
    merged_at: datetime | None


@dataclass(frozen=True, slots=True)
class ReturningLinked:
    lead: LeadView
    contact: ContactView
    already_done: bool = False


@dataclass(frozen=True, slots=True)
class DuplicateDismissed:
    lead: LeadView
    was_flagged_as: str | None  # ref of the lead it had been flagged against


@dataclass(frozen=True, slots=True)
class MergeUndone:
    restored: LeadView
    kept: LeadView


@dataclass(frozen=True, slots=True)
class LeadQualified:
    lead: LeadView
    qualification: Qualification | None
    changed: tuple[str, ...]  # the answers this request changed; none: nothing new
    repeated: bool = False  # a Slack retry or double submit: nothing was recorded twice


@dataclass(frozen=True, slots=True)
class QualificationDraft:
    """What the qualification form opens with."""

    lead: LeadView
    latest: Qualification | None


@dataclass(frozen=True, slots=True)
class LeadClosed:
    lead: LeadView
    action: str  # "converted" | "lost" | "reopened"
    contact: ContactView | None = None
    repeated: bool = False


# --- follow-ups ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskView:
    lead: LeadView
    reminder: Reminder
    overdue: bool


@dataclass(frozen=True, slots=True)
class TaskList:
    tasks: tuple[TaskView, ...]
    tz: str  # the viewer's zone, for times written out in text
    now: datetime


@dataclass(frozen=True, slots=True)
class ReminderChanged:
    """Done, snoozed or its call logged; `unchanged` when a repeat found it already so."""

    lead: LeadView
    reminder: Reminder
    change: str  # "done" | "snoozed" | "call_logged"
    by: str  # who clicked
    at: datetime
    tz: str  # the clicker's zone
    unchanged: bool = False


# --- predictive score ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChanceView:
    """A lead's conversion chance: the model's with its top factors, one set by hand, or
    (percent None) how much closed history the workspace still lacks."""

    percent: int | None
    factors: tuple[Factor, ...] = ()
    history: int = 0  # closed leads the model learned from (or has so far)
    needed: int = MIN_HISTORY
    set_by: str | None = None  # a chance set by hand: who set it
    scope: str | None = None  # the sales team whose weights were used, or "*" for all teams


@dataclass(frozen=True, slots=True)
class ValueSet:
    """`/lead value`: the lead's expected value and close month now, and before."""

    lead: LeadView
    before_value: Decimal | None
    before_close: date | None
    repeated: bool = False


@dataclass(frozen=True, slots=True)
class ProbabilitySet:
    lead: LeadView
    percent: int | None  # None: given back to the model
    chance: ChanceView | None
    repeated: bool = False


# --- routing ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """Which team and rep routing chose for a lead, and why (a dry run stops here)."""

    lead: LeadView
    team: str  # the team's key
    team_name: str
    rule: str | None  # None: no rule matched, the fallback team
    rep: str | None  # None: nobody in the team has room
    notes: tuple[RepNote, ...]
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class RoutingDecided:
    """A proposal made, or settled (approved, reassigned, rejected, assigned, claimed).
    `settled_by_other`: the actor was too late; `assignment` says who decided and how."""

    lead: LeadView
    assignment: Assignment
    decision: Decision | None  # None: a proposal now waiting for a manager
    settled_by_other: bool = False


@dataclass(frozen=True, slots=True)
class AwayChanged:
    user_id: str
    until: datetime | None  # None: back
    last_day: date | None = None
    was_away: bool = False  # before this change: `back` from no absence welcomes nobody back


# --- nurture cadences ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NurtureChanged:
    lead: LeadView
    cadence: str
    action: str  # "enrolled" | "stopped"
    steps: tuple[Reminder, ...]  # for "enrolled": the follow-ups, in order
    cancelled: int = 0  # for "stopped": waiting steps cancelled
    repeated: bool = False


# --- scoring ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EngagementRecorded:
    """What the events webhook did with a body: events stored, events for nobody we know
    (nothing created), resends (same external id) ignored; and the leads they touched."""

    received: int
    matched: int
    unknown: int
    duplicates: int
    leads: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScoreExplained:
    lead: LeadView
    breakdown: ScoreBreakdown
    reached: StageReached
    history: tuple[ScoreChange, ...]
    mql: int
    sql: int
    half_life_days: float
    now: datetime


# --- bulk actions and the audit trail --------------------------------------------------


@dataclass(frozen=True, slots=True)
class BulkToConfirm:
    """A bulk action counted and waiting for Confirm: how many open leads, which filter."""

    action: BulkAction
    filter: LeadFilter


@dataclass(frozen=True, slots=True)
class BulkDone:
    """A bulk action applied (or undone, or cancelled): how many leads changed and which
    were left as they were, with why (`repeated`: a second click, nothing done again)."""

    action: BulkAction
    changed: int = 0
    skipped: tuple[tuple[str, str], ...] = ()  # (lead ref, why)
    repeated: bool = False


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor_id: str
    action: str
    changes: tuple[tuple[str, str, str], ...]  # (field, before, after), as text


@dataclass(frozen=True, slots=True)
class AuditPage:
    lead: LeadView
    entries: tuple[AuditEntry, ...]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True, slots=True)
class MyDesk:
    """A rep's own leads."""

    new_leads: Shown[LeadLine]
    hottest: Shown[LeadLine]
    by_status: tuple[Count, ...]
    by_stage: tuple[Count, ...]
    speed: Speed


@dataclass(frozen=True, slots=True)
class Oversight:
    """A manager's teams (an admin's: all of them)."""

    teams: tuple[str, ...] | None  # sales team keys; None: every team
    team_names: tuple[str, ...]
    proposals: Shown[Proposal]
    slas: Shown[SlaAtRisk]
    pool: tuple[Count, ...]
    reps: Shown[RepLoad]
    funnel: tuple[Count, ...]  # leads captured this month, by where they stand now


@dataclass(frozen=True, slots=True)
class HomeTab:
    viewer: str
    role: Role
    tz: str
    now: datetime
    followups: Shown[Followup]
    desk: MyDesk | None  # a rep's
    oversight: Oversight | None  # a manager's or an admin's
    alerts: Shown[DeliveryAlert] | None  # an admin's
    # a manager's teams' (an admin's: every team's) forecast this quarter, and as of when
    forecast: Forecast | None = None
    forecast_at: datetime | None = None


Result = (
    LeadCaptured
    | LeadDetails
    | LeadList
    | LeadPage
    | ListSaved
    | ListDeleted
    | SavedListsShown
    | LeadTagged
    | FieldsSet
    | ActivityAdded
    | ReminderSet
    | LeadsMerged
    | MergeToConfirm
    | LeadMergedAway
    | DuplicateDismissed
    | ReturningLinked
    | MergeUndone
    | LeadQualified
    | QualificationDraft
    | LeadClosed
    | TaskList
    | ReminderChanged
    | ProbabilitySet
    | ValueSet
    | RoutePlan
    | RoutingDecided
    | AwayChanged
    | NurtureChanged
    | ScoreExplained
    | EngagementRecorded
    | PipelineReport
    | Forecast
    | BulkToConfirm
    | BulkDone
    | AuditPage
    | HomeTab
)
