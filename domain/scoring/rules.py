"""Rule scores: who the lead is (fit) plus what they did (engagement, fading with a half-life),
capped per group, explained rule by rule. Pure: the caller passes `now`."""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from domain.capture.names import is_free_mail
from domain.lead import SCORED_FIELDS, Lead
from domain.scoring.config import FREE_MAIL, TEXT_FIELDS, EngagementRule, FitRule, ScoringConfig

# The lead's columns a LeadFacts starts with: the scored profile fields, then the email.
FACT_FIELDS = (*SCORED_FIELDS, "email")
SECONDS_A_DAY = 86400
# BANT answers that say the thing is missing do not count towards completeness.
EMPTY_ANSWERS = frozenset({"", "no", "none", "unknown", "n/a", "na", "-", "?"})


class Stage(StrEnum):
    """How far a lead has come by score. It only goes up: a lead that reached SQL was handed
    to sales, and a quiet month does not take that back (its score still shows the fade)."""

    LEAD = "lead"
    MQL = "mql"
    SQL = "sql"


class LeadFacts(NamedTuple):
    """What fit rules look at. A named tuple, made 100k times a recompute; the store fills
    the FACT_FIELDS straight from a row, in their order (a test holds the two together)."""

    company: str | None = None
    title: str | None = None
    source: str | None = None
    campaign: str | None = None
    country: str | None = None
    product: str | None = None
    email: str | None = None
    bant_answers: int = 0  # how many of budget, authority, need, timeline are answered
    custom: Mapping[str, Any] | None = None  # the lead's custom fields (company_size among them)


# Tuples rather than frozen dataclasses: a recompute makes a million events and several
# hundred thousand contributions, and a tuple is made several times faster.


# An event as scoring sees it: (kind, day, url), the day in days since the Unix epoch (UTC).
# A plain tuple, so the store can hand over database rows as they come (see store/scoring/scores.py).
Engagement = tuple[str, float, str | None]


class Contribution(NamedTuple):
    rule: str
    group: str
    points: float  # after decay
    undecayed: float
    times: int = 1  # events counted (1 for a fit rule)


@dataclass(frozen=True, slots=True)
class CapApplied:
    group: str
    cap: int
    cut: float  # points the cap took off the group's total


@dataclass(frozen=True, slots=True)
class ScoreBreakdown:
    total: int
    contributions: tuple[Contribution, ...] = ()
    decay: float = 0.0  # points lost to the half-life, over all rules
    capped: tuple[CapApplied, ...] = ()


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """One line of a lead's score history."""

    before: int
    after: int
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class StageReached:
    stage: Stage = Stage.LEAD
    mql_at: datetime | None = None
    sql_at: datetime | None = None


def day_of(moment: datetime) -> float:
    return moment.timestamp() / SECONDS_A_DAY


def bant_count(answers: Sequence[str | None]) -> int:
    return sum(1 for a in answers if a and a.strip().lower() not in EMPTY_ANSWERS)


def stage_for(total: int, config: ScoringConfig) -> Stage:
    if total >= config.sql:
        return Stage.SQL
    return Stage.MQL if total >= config.mql else Stage.LEAD


_RANK = {Stage.LEAD: 0, Stage.MQL: 1, Stage.SQL: 2}


def reached(before: Stage, total: int, config: ScoringConfig) -> Stage:
    """The stage after a new total: the higher of where the lead was and where the total is."""
    now = stage_for(total, config)
    return now if _RANK[now] > _RANK[before] else before


class CompiledRules:
    """The config's rules made ready to run against 100k leads: regexes built once,
    engagement rules indexed by event kind."""

    def __init__(self, config: ScoringConfig) -> None:
        self.config = config
        self.rate = 1 / config.half_life_days  # half-lives per day
        self.fit = [(rule, _fit_matcher(rule)) for rule in config.fit]
        self.by_kind: dict[str, list[tuple[int, str | None]]] = {}
        for index, rule in enumerate(config.engagement):
            pattern = rule.url_contains.lower() if rule.url_contains else None
            self.by_kind.setdefault(str(rule.event), []).append((index, pattern))
        # Kinds whose first rule has no URL condition: that rule takes every such event.
        self.sure = {kind: rules[0][0] for kind, rules in self.by_kind.items() if rules[0][1] is None}

    def rule_for(self, kind: str, url: str | None) -> int | None:
        """The first engagement rule an event matches, by its place in the config."""
        for index, pattern in self.by_kind.get(kind, ()):
            if pattern is None or (url is not None and pattern in url.lower()):
                return index
        return None


def score(
    facts: LeadFacts, events: Sequence[Engagement], now: datetime, rules: CompiledRules
) -> ScoreBreakdown:
    """Fit points plus engagement points faded by age (`points * 0.5 ** (age / half-life)`),
    each group's total held to its cap. Every rule that counted is listed with its share."""
    parts = contributions(facts, events, day_of(now), rules)
    capped = _caps(parts, rules.config.caps)
    total = sum(p.points for p in parts) - sum(c.cut for c in capped)
    decay = sum(p.undecayed - p.points for p in parts)
    return ScoreBreakdown(round(total), tuple(parts), decay, tuple(capped))


def fit_of(lead: Lead) -> LeadFacts:
    """What fit rules read of a lead not stored yet: nothing answered, no events."""
    return LeadFacts._make((*(getattr(lead, name) for name in FACT_FIELDS), 0, lead.custom))


def score_total(facts: LeadFacts, events: Sequence[Engagement], today: float, rules: CompiledRules) -> int:
    """score(...).total without the explanation: what a bulk recompute needs (`today` as
    day_of(now), computed once for the batch)."""
    parts = contributions(facts, events, today, rules)
    return round(sum(p.points for p in parts) - sum(c.cut for c in _caps(parts, rules.config.caps)))


def contributions(
    facts: LeadFacts, events: Sequence[Engagement], today: float, rules: CompiledRules
) -> list[Contribution]:
    parts = [
        Contribution(rule.name, rule.group, rule.points, rule.points) for rule, hit in rules.fit if hit(facts)
    ]
    if events:
        parts += _engagement(events, today, rules)
    return parts


def _engagement(events: Sequence[Engagement], today: float, rules: CompiledRules) -> list[Contribution]:
    # The hot loop of a recompute (about ten events a lead): plain locals, no calls for
    # the usual event whose kind has one unconditional rule.
    ages: dict[int, list[float]] = {}
    sure, rule_for = rules.sure, rules.rule_for
    for kind, day, url in events:
        index = sure.get(kind)
        if index is None and (index := rule_for(kind, url)) is None:
            continue
        bucket = ages.get(index)
        if bucket is None:
            ages[index] = bucket = []
        bucket.append(today - day if day < today else 0.0)
    engagement = rules.config.engagement
    return [_counted(engagement[i], ages[i], rules.rate) for i in sorted(ages)]


def _counted(rule: EngagementRule, ages: list[float], rate: float) -> Contribution:
    """The most recent `max_times` events count (sorted only when some must be left out)."""
    limit = rule.max_times
    counted = sorted(ages)[:limit] if limit and len(ages) > limit else ages
    undecayed = rule.points * len(counted)
    if not rule.decays:
        return Contribution(rule.name, rule.group, undecayed, undecayed, len(counted))
    faded = rule.points * sum([0.5 ** (age * rate) for age in counted])
    return Contribution(rule.name, rule.group, faded, undecayed, len(counted))


def _caps(parts: list[Contribution], caps: dict[str, int]) -> list[CapApplied]:
    totals: dict[str, float] = {}
    for part in parts:
        totals[part.group] = totals.get(part.group, 0.0) + part.points
    return [
        CapApplied(group, caps[group], total - caps[group])
        for group, total in totals.items()
        if group in caps and total > caps[group]
    ]


def _fit_matcher(rule: FitRule) -> Callable[[LeadFacts], bool]:
    if rule.field == "bant":
        return lambda facts: _within(facts.bant_answers, rule)
    if rule.field == "email_domain":
        return _domain_matcher(rule.any_of)
    words = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in rule.any_of) + r")\b", re.IGNORECASE)
    field = rule.field
    if field not in TEXT_FIELDS:  # a custom field (the config checked it is declared)
        return _custom_matcher(rule, words)
    return lambda facts: bool((value := getattr(facts, field)) and words.search(value))


def _custom_matcher(rule: FitRule, words: re.Pattern[str]) -> Callable[[LeadFacts], bool]:
    """A number field by its bounds; text, choices, dates and yes/no by `any_of` words."""
    key = rule.field

    def matches(facts: LeadFacts) -> bool:
        value = facts.custom.get(key) if facts.custom else None
        if value is None:
            return False
        if rule.counts:
            return isinstance(value, int | float) and not isinstance(value, bool) and _within(value, rule)
        shown = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        return bool(words.search(shown))

    return matches


def _within(value: float, rule: FitRule) -> bool:
    low_ok = rule.at_least is None or value >= rule.at_least
    return low_ok and (rule.at_most is None or value <= rule.at_most)


def _domain_matcher(any_of: tuple[str, ...]) -> Callable[[LeadFacts], bool]:
    domains = {d.lower().lstrip("@") for d in any_of if d != FREE_MAIL}
    free = FREE_MAIL in any_of

    known: dict[str, bool] = {}  # leads share a few domains: decide each once per run

    def matches(facts: LeadFacts) -> bool:
        domain = facts.email.rpartition("@")[2].lower() if facts.email else ""
        if domain not in known:
            known[domain] = bool(domain) and (domain in domains or (free and is_free_mail(domain)))
        return known[domain]

    return matches


@dataclass(slots=True)
class Scorable:
    """One open lead as scoring sees it: its facts, its events and where it stands."""

    lead_id: int
    team_id: str
    score: int
    stage: Stage
    facts: LeadFacts
    events: list[Engagement] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NewScore:
    lead_id: int
    team_id: str
    before: int
    after: int
    reason: str
