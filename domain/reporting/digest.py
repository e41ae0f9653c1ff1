"""The daily team digest: when it is due, and what it holds.

One digest per sales team per local working day, at the team's `digest_time`, only inside
working hours. A digest missed while Leadbot was down goes out late the same day; once
the next day has come, that day's digest covers the whole gap instead (it reports
everything since the last digest), so an outage never produces a burst of old digests."""

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from domain.working_hours import WorkingHours

FIRST_DIGEST_COVERS = timedelta(days=1)  # a team's first digest looks back one day
LATE_AFTER = timedelta(minutes=15)  # later than this, the digest says it is late and why


def digest_date(now: datetime, hours: WorkingHours, digest_time: time) -> date | None:
    """The local day whose digest is due at `now`, or None (not a working moment, or
    before today's digest time). Only today counts: a missed day is covered by the next."""
    if not hours.contains(now):
        return None
    today = now.astimezone(hours.tz).date()
    return today if hours.at(today, digest_time) <= now else None


def is_late(now: datetime, day: date, hours: WorkingHours, digest_time: time) -> bool:
    return now - hours.at(day, digest_time) > LATE_AFTER


@dataclass(frozen=True, slots=True)
class DigestLead:
    ref: str
    name: str
    company: str | None = None
    score: int = 0
    detail: str | None = None  # why it is listed, e.g. the deal value
    owner: str | None = None  # Slack user id


@dataclass(frozen=True, slots=True)
class Tally:
    label: str  # a source, a lost reason, a Slack user id
    count: int


@dataclass(frozen=True, slots=True)
class Digest:
    team_key: str
    team_name: str
    local_date: date
    since: datetime
    until: datetime
    late: bool = False
    new_by_source: tuple[Tally, ...] = ()
    unassigned: tuple[DigestLead, ...] = ()
    unassigned_total: int = 0
    overdue_by_rep: tuple[Tally, ...] = ()
    hot: tuple[DigestLead, ...] = ()
    converted: tuple[DigestLead, ...] = ()
    converted_total: int = 0
    lost_by_reason: tuple[Tally, ...] = ()
    # Filled by routing when it lands: shown only when there is something in them.
    awaiting_approval: tuple[DigestLead, ...] = ()
    sla_breaches: tuple[DigestLead, ...] = ()  # first-contact SLAs that ran out in the period
    sla_breaches_total: int = 0

    def payload(self) -> dict[str, Any]:
        """JSON-able, for the outbox: the digest is rendered when it is sent."""
        data = asdict(self)
        for key in ("local_date", "since", "until"):
            data[key] = data[key].isoformat()
        return data


@dataclass(frozen=True, slots=True)
class DailyRun:
    id: int
    team_id: str  # the workspace
    job: str
    scope: str  # the sales team
    local_date: date
