"""The pipeline report (`/lead report`): what a period brought in, how it converted, where it
came from, who closed what, and how fast new leads were first contacted.

Two views of a period, as sales reports keep them apart: the leads *captured* in it (a
cohort: how many, from which source, what became of them so far), and the leads *closed* in
it whenever they were captured (won, their deal value, lost and why)."""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median

from domain.config import LeadbotConfig, SalesTeam
from domain.errors import InvalidInput
from domain.lifecycle import LeadStatus
from domain.permissions import Actor, Role, can_see_team_report, require_team_report
from domain.reporting.digest import Tally
from domain.reporting.funnel import Cohort, FunnelStage, SourceEffect, SpeedLine

DEFAULT_DAYS = 30
MAX_DAYS = 366
PERIOD_WORDS = {"week": 7, "month": 30, "quarter": 91, "year": 365}
_DAYS = re.compile(r"(\d{1,3})d")


def period_days(word: str) -> int | None:
    """`7d`, `week`, `month`, `quarter` or `year` as a number of days; None if `word` is
    not a period (it may be a team). Out of range is refused, saying how to write it."""
    word = word.lower()
    if word in PERIOD_WORDS:
        return PERIOD_WORDS[word]
    found = _DAYS.fullmatch(word)
    if found is None:
        return None
    days = int(found.group(1))
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("period", f"A report covers 1 to {MAX_DAYS} days (`7d`, `90d`), not {days}.")
    return days


@dataclass(frozen=True, slots=True)
class SourceLine:
    """Leads captured in the period from one source, and how many of them converted so far."""

    source: str
    captured: int
    converted: int


@dataclass(frozen=True, slots=True)
class RepLine:
    """One owner: open leads now, closed in the period, follow-ups overdue now."""

    rep: str  # Slack user id
    open: int
    won: int
    lost: int
    overdue: int


@dataclass(frozen=True, slots=True)
class PipelineReport:
    scope: str  # "London", "London, Paris", "all teams", "your leads"
    days: int
    since: datetime
    until: datetime
    captured: int  # the cohort: leads captured in the period...
    captured_by_status: tuple[Tally, ...]  # ...by where they stand now
    by_source: tuple[SourceLine, ...]
    won: int  # closed in the period, whenever captured
    won_value: Decimal
    lost_by_reason: tuple[Tally, ...]
    by_rep: tuple[RepLine, ...]
    open_now: int
    unassigned_now: int
    won_days: tuple[float, ...] = ()  # capture to win, of each lead won in the period, sorted
    handed_over: int = 0  # cohort leads given to a rep (routed, assigned, claimed)...
    first_contact_minutes: tuple[float, ...] = ()  # ...and, for those contacted, capture to first contact
    # The cohort's deeper views (domain/reporting/funnel.py)
    funnel: tuple[FunnelStage, ...] = ()
    sources: tuple[SourceEffect, ...] = ()
    speed_by_team: tuple[SpeedLine, ...] = ()
    speed_by_rep: tuple[SpeedLine, ...] = ()
    # Closed as lost in the period: per source, the reasons (most lost first)
    lost_by_source: tuple[tuple[str, tuple[Tally, ...]], ...] = ()

    @property
    def lost(self) -> int:
        return sum(t.count for t in self.lost_by_reason)

    @property
    def win_rate(self) -> float | None:
        """Won among the leads closed in the period; None when none closed."""
        closed = self.won + self.lost
        return self.won / closed if closed else None

    @property
    def converted(self) -> int:
        """Of the cohort, converted so far."""
        return sum(t.count for t in self.captured_by_status if t.label == "converted")

    @property
    def average_deal(self) -> Decimal | None:
        return self.won_value / self.won if self.won and self.won_value else None

    @property
    def median_sales_cycle(self) -> timedelta | None:
        """From capture to the win, among the leads won in the period."""
        return timedelta(days=median(self.won_days)) if self.won_days else None

    @property
    def median_first_contact(self) -> timedelta | None:
        if not self.first_contact_minutes:
            return None
        return timedelta(minutes=median(self.first_contact_minutes))


# --- the cohort's counts (store/reporting/reports.ReportReads.cohort) -------------------------------


def captured_by_status(cohort: Cohort) -> list[Tally]:
    """In the lifecycle's order (new, contacted, ... converted, lost), whatever order the
    store returned the rows in."""
    counts: Counter[str] = Counter()
    for group in cohort.groups:
        counts[str(group.status)] += group.leads
    return [Tally(str(status), counts[str(status)]) for status in LeadStatus if counts[str(status)]]


def captured_by_source(cohort: Cohort) -> list[SourceLine]:
    """Most captured first, then by name."""
    captured: Counter[str] = Counter()
    converted: Counter[str] = Counter()
    for group in cohort.groups:
        captured[group.source] += group.leads
        converted[group.source] += group.leads if group.status is LeadStatus.CONVERTED else 0
    lines = [SourceLine(source, count, converted[source]) for source, count in captured.items()]
    return sorted(lines, key=lambda line: (-line.captured, line.source))


def first_contact_minutes(cohort: Cohort) -> tuple[int, list[float]]:
    """Leads handed to a rep (routed, assigned or claimed: a rep's own capture is not handed
    over), and for those contacted, minutes from capture to the first contact, sorted."""
    handed = sum(group.handed_over for group in cohort.groups)
    return handed, sorted(contact.minutes for contact in cohort.contacts)


@dataclass(frozen=True, slots=True)
class ReportScope:
    """Whose leads a report counts: some sales teams (None: every team), or one owner's."""

    team_id: str  # the Slack workspace
    sales_teams: tuple[str, ...] | None = None
    include_unteamed: bool = False  # leads with no team belong to the first team
    owner_id: str | None = None


def report_scope(actor: Actor, config: LeadbotConfig, team_key: str | None) -> tuple[ReportScope, str]:
    """Whose leads the report counts, and how the report names them."""
    if team_key is not None:
        team = _named_team(config, team_key)
        require_team_report(actor, team.key, team.name)
        return _teams_scope(actor, config, (team,)), team.name
    if actor.role is Role.ADMIN:
        return ReportScope(actor.team_id), "all teams"
    if actor.role is Role.MANAGER:
        teams = tuple(team for team in config.teams if can_see_team_report(actor, team.key))
        return _teams_scope(actor, config, teams), ", ".join(team.name for team in teams)
    return ReportScope(actor.team_id, owner_id=actor.user_id), "your leads"


def _teams_scope(actor: Actor, config: LeadbotConfig, teams: tuple[SalesTeam, ...]) -> ReportScope:
    keys = tuple(team.key for team in teams)
    return ReportScope(actor.team_id, keys, include_unteamed=config.teams[0].key in keys)


def _named_team(config: LeadbotConfig, key: str) -> SalesTeam:
    for team in config.teams:
        if team.key == key.lower():
            return team
    known = ", ".join(f"`{team.key}` ({team.name})" for team in config.teams)
    raise InvalidInput(
        "team", f"There is no team `{key}`, nor is it a period (`7d`, `month`). Teams: {known}."
    )
