"""Commands: validated requests to change or read leads, independent of transport."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal
from urllib.parse import quote

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from domain.book.bulk import BulkKind
from domain.book.filters import LeadFilter
from domain.closing.outcomes import MAX_DEAL_VALUE, MAX_NOTE
from domain.followups.activity import MAX_ACTIVITY_TEXT, ActivityKind
from domain.lifecycle import LeadStatus
from domain.reporting.report import DEFAULT_DAYS, MAX_DAYS
from domain.routing.assignment import Decision
from domain.scoring.config import WEBHOOK_KINDS, EngagementKind


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CaptureChannel(StrEnum):
    """Where a lead came in; reps' own captures are theirs, the rest go to the pool."""

    SLASH = "slash command"
    MODAL = "form"
    SHORTCUT = "message"
    WEBHOOK = "web form"
    IMPORT = "import"


# A field's value as sent: text typed in Slack or a CSV cell, or JSON's number or boolean
# (a custom field of type number or bool, domain/custom_fields.py).
FieldInput = str | int | float | bool


class AddLead(Command):
    name: str | None = Field(default=None, max_length=200)
    email: str | None = None
    phone: str | None = None
    # Profile fields (domain/lead.PROFILE) and the workspace's custom fields, by key.
    fields: dict[str, FieldInput] = Field(default_factory=dict)
    tags: tuple[str, ...] = Field(default=(), max_length=100)
    request_key: str | None = None
    external_id: str | None = Field(default=None, max_length=255)
    origin_url: str | None = Field(default=None, max_length=1000)
    channel: CaptureChannel = CaptureChannel.SLASH
    sales_team: str | None = None

    @property
    def owned_by_sender(self) -> bool:
        return self.channel in (CaptureChannel.SLASH, CaptureChannel.MODAL, CaptureChannel.SHORTCUT)


class ShowLead(Command):
    number: int = Field(gt=0)


class FindLeads(Command):
    query: str = Field(min_length=1, max_length=200)
    limit: int = Field(default=10, gt=0, le=50)


class ListLeads(Command):
    """`/lead list [filters] [sort:...]`: one page of the leads the filter matches."""

    filter: LeadFilter = LeadFilter()
    page: int = Field(default=1, gt=0, le=100_000)
    saved: str | None = Field(default=None, max_length=40)  # `/lead list <name>`: that saved filter


class SaveList(Command):
    """`/lead list save <name> <filters> [share:<team>]`: the person's own named filter (one
    name, one filter), or one shared with a sales team (its managers and admins)."""

    name: str = Field(min_length=1, max_length=40)
    filter: LeadFilter
    team: str | None = Field(default=None, min_length=1, max_length=64)  # share:<team>


class DeleteList(Command):
    """`/lead list delete <name> [share:<team>]`: forget a saved list, one's own first."""

    name: str = Field(min_length=1, max_length=40)
    team: str | None = Field(default=None, min_length=1, max_length=64)


class ShowSavedLists(Command):
    """`/lead list saved`: the person's own lists and those shared with their teams."""


class MyLeads(Command):
    include_closed: bool = False
    limit: int = Field(default=50, gt=0, le=200)


class TagLead(Command):
    """`/lead tag L-42 hot enterprise -cold`: tags to add and to take off (domain/book/tags.py)."""

    number: int = Field(gt=0)
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()


class SetFields(Command):
    """`/lead set L-42 industry:retail company_size:250`: the lead's custom fields."""

    number: int = Field(gt=0)
    fields: dict[str, FieldInput] = Field(min_length=1)


class AddNote(Command):
    number: int = Field(gt=0)
    text: str = Field(min_length=1, max_length=MAX_ACTIVITY_TEXT)
    request_key: str | None = None


class LogActivity(Command):
    number: int = Field(gt=0)
    kind: ActivityKind
    text: str = Field(default="", max_length=MAX_ACTIVITY_TEXT)
    request_key: str | None = None


class SetReminder(Command):
    number: int = Field(gt=0)
    due_at: datetime
    text: str = Field(default="", max_length=1000)
    request_key: str | None = None


class MergeLeads(Command):
    """Fold `duplicate` into `keep`: one lead remains, with both histories."""

    duplicate: int = Field(gt=0)
    keep: int = Field(gt=0)
    request_key: str | None = None
    confirmed: bool = False  # the person saw how the two differ and said merge anyway


class KeepBoth(Command):
    """Two leads flagged alike are different people: clear the flag."""

    number: int = Field(gt=0)
    request_key: str | None = None


class LinkReturning(Command):
    """A lead flagged as alike a customer's (a converted lead) is that customer back: link it
    to their contact as their next cycle, instead of merging new interest into a won deal."""

    number: int = Field(gt=0)


class UndoMerge(Command):
    number: int = Field(gt=0)  # the lead that was merged away
    request_key: str | None = None


# --- qualify and close (handlers/scoring/qualify.py, handlers/closing/outcomes.py) ----------------------


class QualifyLead(Command):
    """BANT answers by name (budget, authority, need, timeline); an empty one clears it."""

    number: int = Field(gt=0)
    answers: dict[str, str] = Field(min_length=1)
    request_key: str | None = None


class OpenQualification(Command):
    """Read the latest answers, to fill the qualification form with."""

    number: int = Field(gt=0)


class ConvertLead(Command):
    number: int = Field(gt=0)
    value: Decimal | None = Field(default=None, ge=0, le=MAX_DEAL_VALUE)
    product: str | None = Field(default=None, max_length=500)
    request_key: str | None = None


class LoseLead(Command):
    number: int = Field(gt=0)
    reason: str = Field(default="", max_length=64)  # empty: the handler lists the reasons
    note: str = Field(default="", max_length=MAX_NOTE)
    request_key: str | None = None


class ReopenLead(Command):
    number: int = Field(gt=0)
    status: LeadStatus | None = None  # default: domain.closing.outcomes.REOPEN_DEFAULT
    request_key: str | None = None


# --- reports ---------------------------------------------------------------------------


class ShowHome(Command):
    """The viewer's Home tab, its times read in `tz` (their zone)."""

    tz: str = Field(default="UTC", min_length=1, max_length=64)


class ShowReport(Command):
    """The pipeline of the last `days` days; `team` a sales team's key (managers, admins)."""

    days: int = Field(default=DEFAULT_DAYS, ge=1, le=MAX_DAYS)
    team: str | None = Field(default=None, min_length=1, max_length=64)
    output: Literal["csv", "chart"] | None = None  # the figures as a file, in the asker's DM


# --- follow-ups ------------------------------------------------------------------------


class ListTasks(Command):
    """The actor's open follow-ups, overdue first."""

    limit: int = Field(default=40, gt=0, le=200)


class CompleteReminder(Command):
    reminder_id: int = Field(gt=0)


class SnoozeReminder(Command):
    reminder_id: int = Field(gt=0)
    until: datetime
    tz: str  # the clicker's zone: the snoozed reminder resurfaces on their mornings
    request_key: str | None = None


class LogReminderCall(Command):
    """One click: a call logged on the reminder's lead, with the reminder's words as context."""

    reminder_id: int = Field(gt=0)
    request_key: str | None = None


# --- predictive score ------------------------------------------------------------------


class SetLeadValue(Command):
    """`/lead value L-42 12000 close:2027-03`: an open lead's expected deal value, and (if
    given) its expected close month; the month alone when `value` is None."""

    number: int = Field(gt=0)
    value: Decimal | None = Field(default=None, ge=0, le=MAX_DEAL_VALUE)
    close: date | None = None
    request_key: str | None = None


class ShowForecast(Command):
    """`/lead forecast [month|quarter] [team]`: the months ahead of the open pipeline."""

    horizon: Literal["month", "quarter"] = "quarter"
    team: str | None = Field(default=None, min_length=1, max_length=64)


class SetProbability(Command):
    """A conversion chance set by hand, which no retraining overwrites; None gives the lead
    back to the model."""

    number: int = Field(gt=0)
    percent: int | None = Field(ge=0, le=100)
    request_key: str | None = None


# --- routing ---------------------------------------------------------------------------


class RouteLead(Command):
    """Choose a team and rep for a lead and propose it (or only show the choice: dry_run)."""

    number: int = Field(gt=0)
    dry_run: bool = False
    request_key: str | None = None


class DecideRouting(Command):
    """A manager's click on a proposal: approve, reassign to `rep`, or reject."""

    assignment_id: int = Field(gt=0)
    decision: Decision
    rep: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]{2,}$")
    request_key: str | None = None


class AssignLead(Command):
    number: int = Field(gt=0)
    rep: str = Field(pattern=r"^[UW][A-Z0-9]{2,}$")
    request_key: str | None = None


class ClaimLead(Command):
    number: int = Field(gt=0)
    request_key: str | None = None


class SetAway(Command):
    """`/lead ooo until <date>` (routing skips the rep until then) or `/lead back` (None)."""

    until: datetime | None = None
    last_day: date | None = None  # as the person wrote it, to say it back to them


# --- nurture cadences ------------------------------------------------------------------


class EnrollLead(Command):
    """Put a lead in a cadence (None: the configured default)."""

    number: int = Field(gt=0)
    cadence: str | None = Field(default=None, max_length=64)
    request_key: str | None = None


class StopNurture(Command):
    number: int = Field(gt=0)
    request_key: str | None = None


# --- scoring (handlers/scoring/engagement.py, handlers/scoring/explain.py) -----------------------------


MAX_URL = 2000
URL_SAFE = "/:?#[]@!$&'()*+,;=%-._~"  # RFC 3986 reserved and unreserved marks: kept as they are


class EngagementIn(BaseModel):
    """One engagement event as the events webhook takes it (DESIGN.md: email, event, url?,
    at?, external_id?); `occurred_at` and `event_id` are accepted as other names."""

    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)

    email: str = Field(min_length=1, max_length=320)
    event: EngagementKind
    url: str | None = Field(default=None, max_length=MAX_URL)
    at: datetime | None = Field(default=None, validation_alias=AliasChoices("at", "occurred_at"))
    external_id: str | None = Field(
        default=None, max_length=255, validation_alias=AliasChoices("external_id", "event_id")
    )

    @field_validator("url", mode="after")
    @classmethod
    def _ascii_url(cls, value: str | None) -> str | None:
        """Non-ASCII written as %XX, as browsers send it: the stored URL stays within the
        bytes an index entry may hold (it is part of the index scores are read through)."""
        if value is None:
            return None
        encoded = quote(value.strip(), safe=URL_SAFE)
        if len(encoded) > MAX_URL:
            raise ValueError(f"the url is longer than {MAX_URL} characters once encoded")
        return encoded

    @field_validator("event", mode="before")
    @classmethod
    def _from_outside(cls, value: object) -> object:
        # Calls, emails and meetings are logged by reps with /lead log, not posted.
        if value not in WEBHOOK_KINDS:
            raise ValueError(f"`{value}` is not an event; send one of: {', '.join(WEBHOOK_KINDS)}")
        return value


class RecordEngagement(Command):
    events: tuple[EngagementIn, ...] = Field(min_length=1, max_length=500)


class ExplainScore(Command):
    number: int = Field(gt=0)
    history: int = Field(default=8, gt=0, le=30)


# --- bulk actions and the audit trail --------------------------------------------------


class PrepareBulk(Command):
    """`/lead bulk <action> <filters>` or `/lead reassign @from @to [filters]`: counted and
    shown for confirmation; nothing changes until Confirm. `params` are the kind's own: `rep`,
    `reason` (+ `note`), `cadence`; `from` for a departing rep's leads."""

    kind: BulkKind
    params: dict[str, str] = Field(default_factory=dict)
    filter: LeadFilter
    request_key: str | None = None


class ApplyBulk(Command):
    """Confirm on a bulk action's question: apply it to every lead its filter matches now."""

    action_id: int = Field(gt=0)


class CancelBulk(Command):
    action_id: int = Field(gt=0)


class UndoBulk(Command):
    """Undo on a bulk action's result (that action), or `/lead undo` (the actor's latest)."""

    action_id: int | None = Field(default=None, gt=0)
    request_key: str | None = None


class ShowHistory(Command):
    """`/lead history L-42`: the lead's audit trail, a page at a time, newest first."""

    number: int = Field(gt=0)
    page: int = Field(default=1, gt=0, le=10_000)
