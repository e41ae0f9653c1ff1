"""The Home tab: each person's working view, and when it is published again.

A change that matters to someone (a lead given to them, a proposal for their team, a
follow-up done) asks for their Home tab to be refreshed through the outbox. The refresh is
keyed on the person and a window of REFRESH_SECONDS and falls due when the window closes, so
however many changes land in one window, and however many replicas record them, the tab is
published once, after the last of them (a trailing debounce)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from domain.delivery.messages import HomeRefresh, OutboxMessage

T = TypeVar("T")
REFRESH_SECONDS = 5  # at most one publish per person in this many seconds
SLA_AT_RISK = timedelta(hours=1)  # a first-contact deadline this close is shown to managers
# Rows shown per section: Slack allows 100 blocks in a Home tab, and a row with buttons
# takes two. "View all" leads to `/lead list` for the rest.
FOLLOWUPS_SHOWN = 6
PROPOSALS_SHOWN = 6
LEADS_SHOWN = 5
SLAS_SHOWN = 10
REPS_SHOWN = 30
ALERTS_SHOWN = 5
POOL_AGES = (("today", 1), ("1-7 days", 7), ("7-30 days", 30), ("older", None))  # (label, up to days)


def refresh_message(team_id: str, user_id: str, now: datetime) -> tuple[OutboxMessage, datetime]:
    """The refresh of one person's Home tab and when it falls due: the end of the window `now`
    is in. Keyed on that window, so a second change in it adds nothing."""
    window = int(now.timestamp()) // REFRESH_SECONDS
    due = datetime.fromtimestamp((window + 1) * REFRESH_SECONDS, UTC)
    key = f"home:{team_id}:{user_id}:{window}"
    return OutboxMessage(team_id, key, HomeRefresh(viewer=user_id)), due


@dataclass(frozen=True, slots=True)
class Day:
    """The viewer's calendar, as UTC instants: the end of today, the start of the week
    (Monday) and of the month, all at local midnight."""

    end_of_today: datetime
    week_start: datetime
    month_start: datetime

    @classmethod
    def of(cls, now: datetime, tz: str) -> "Day":
        zone = ZoneInfo(tz)
        today = now.astimezone(zone).date()

        def midnight(day: date) -> datetime:
            return datetime.combine(day, time(), zone).astimezone(UTC)

        return cls(
            end_of_today=midnight(today + timedelta(days=1)),
            week_start=midnight(today - timedelta(days=today.weekday())),
            month_start=midnight(today.replace(day=1)),
        )


# --- what the Home tab shows, as read (handlers/book/home.py fills it, bot/blocks/home.py draws it)


@dataclass(frozen=True, slots=True)
class LeadLine:
    number: int
    name: str
    company: str | None
    status: str
    score: int
    owner_id: str | None
    sales_team: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Followup:
    reminder_id: int
    lead: LeadLine
    text: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Proposal:
    assignment_id: int
    lead: LeadLine
    rep_id: str
    sales_team: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SlaAtRisk:
    lead: LeadLine
    rep_id: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Shown(Generic[T]):
    """The first rows of a section and how many there are in all."""

    rows: tuple[T, ...]
    total: int

    @property
    def hidden(self) -> int:
        return max(0, self.total - len(self.rows))


@dataclass(frozen=True, slots=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class RepLoad:
    rep_id: str
    open: int
    capacity: int
    away_until: datetime | None  # out of office until then


@dataclass(frozen=True, slots=True)
class Speed:
    """A rep's speed-to-lead over a week: leads given, contacted, median minutes to first
    contact, first-contact SLAs met and breached."""

    given: int
    contacted: int
    median_minutes: float | None
    breached: int


@dataclass(frozen=True, slots=True)
class DeliveryAlert:
    kind: str
    error: str
    count: int
    last_at: datetime


def median_minutes(spans: list[timedelta]) -> float | None:
    ordered = sorted(span.total_seconds() / 60 for span in spans)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
