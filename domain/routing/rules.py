"""Routing, decided without I/O: which team a lead goes to (the first rule that matches)
and which of its reps takes it (round robin, weighted or load-balanced), with the reasons.

Fairness: round robin and weighted give the lead to the rep with the fewest turns
(weighted: turns per unit of weight). A rep skipped while out of office or at capacity
keeps their low count, so they are owed, and get, the next turns when they have room
again ("credited later"). Ties go to the rep who waited longest since their last lead;
reps who never had one are ordered by a shuffle seeded per decision (the lead's id),
so no rep wins ties by the order of the config file (Odoo's seniority bias)."""

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from domain.custom_fields import CustomField, condition, field_named
from domain.routing.config import Capacity, Routing, RoutingRule, Strategy


@dataclass(frozen=True, slots=True)
class LeadFacts:
    """What rules look at."""

    country: str | None
    product: str | None
    source: str | None
    score: int
    custom: Mapping[str, Any] = field(default_factory=dict)  # the lead's custom field values


@dataclass(frozen=True, slots=True)
class TeamChoice:
    team: str
    rule: str | None  # None: no rule matched, the fallback team


def choose_team(
    routing: Routing, facts: LeadFacts, fallback: str, fields: tuple[CustomField, ...] = ()
) -> TeamChoice:
    """The first rule whose every condition holds; else the fallback team."""
    for rule in routing.rules:
        if _matches(rule, facts, routing.regions) and _fields_match(rule, facts, fields):
            return TeamChoice(rule.team, rule.name)
    return TeamChoice(routing.fallback_team or fallback, None)


def _fields_match(rule: RoutingRule, facts: LeadFacts, fields: tuple[CustomField, ...]) -> bool:
    """Each custom field the rule names holds one of its values (as a list filter reads them;
    the config checked them at start, so every one reads)."""
    for key, values in rule.fields.items():
        declared = field_named(fields, key)
        if declared is None or not condition(declared, list(values)).holds(facts.custom.get(key)):
            return False
    return True


def _matches(rule: RoutingRule, facts: LeadFacts, regions: dict[str, tuple[str, ...]]) -> bool:
    countries = {c.lower() for name in rule.countries for c in regions.get(name, (name,))}
    return (
        _one_of(facts.country, countries)
        and _one_of(facts.product, {p.lower() for p in rule.products})
        and _one_of(facts.source, {s.lower() for s in rule.sources})
        and (rule.score_min is None or facts.score >= rule.score_min)
        and (rule.score_max is None or facts.score <= rule.score_max)
    )


def _one_of(value: str | None, allowed: set[str]) -> bool:
    # An empty condition matches everything; a condition never matches an unknown value.
    return not allowed or (value is not None and value.strip().lower() in allowed)


@dataclass(frozen=True, slots=True)
class RepState:
    user_id: str
    capacity: Capacity
    open_leads: int = 0  # owned and open, plus proposals awaiting a manager
    today: int = 0  # leads given today (the team's day)
    turns: int = 0  # leads routing gave them in this team, ever
    last_turn: int = 0  # the team's decision number of their last lead; 0: never
    away_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class RepNote:
    """One line of the explanation: `<rep> has 4 of 10 open` or `<rep> skipped: out of office`."""

    user_id: str
    skipped: bool
    detail: str


@dataclass(frozen=True, slots=True)
class RepChoice:
    rep: str | None  # None: nobody has room
    notes: tuple[RepNote, ...]


def choose_rep(strategy: Strategy, reps: list[RepState], now: datetime, seed: int) -> RepChoice:
    """The rep with room who is owed the lead most under `strategy`; every rep explained."""
    shuffle = random.Random(seed).sample(range(len(reps)), len(reps))
    notes: list[RepNote] = []
    best: tuple[tuple[Fraction, int, int], RepState] | None = None
    for order, rep in zip(shuffle, reps, strict=True):
        why_not = _unavailable(rep, now)
        notes.append(RepNote(rep.user_id, why_not is not None, why_not or _load(rep)))
        key = (_owed(strategy, rep), rep.last_turn, order)
        if why_not is None and (best is None or key < best[0]):
            best = (key, rep)
    return RepChoice(best[1].user_id if best else None, tuple(notes))


def _owed(strategy: Strategy, rep: RepState) -> Fraction:
    """Lower is more owed the next lead."""
    if strategy is Strategy.LOAD_BALANCED:
        return Fraction(rep.open_leads, rep.capacity.open)
    if strategy is Strategy.WEIGHTED:
        return Fraction(rep.turns, rep.capacity.weight)
    return Fraction(rep.turns)


def _unavailable(rep: RepState, now: datetime) -> str | None:
    if rep.away_until is not None and rep.away_until > now:
        return f"out of office until {rep.away_until:%Y-%m-%d}"
    if rep.open_leads >= rep.capacity.open:
        return f"at capacity ({rep.open_leads} of {rep.capacity.open} open)"
    if rep.today >= rep.capacity.per_day:
        return f"had {rep.today} of {rep.capacity.per_day} new leads today"
    return None


def _load(rep: RepState) -> str:
    return f"has {rep.open_leads} of {rep.capacity.open} open, {rep.today} of {rep.capacity.per_day} today"


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a lead stands for routing, read without the whole lead (an import's many)."""

    lead_id: int
    number: int
    sales_team: str | None
    owner_id: str | None
    open: bool


def proposal_key(assignment_id: int) -> str:
    """The outbox dedupe key of a proposal's channel message."""
    return f"routing:proposal:{assignment_id}"


def decided_key(assignment_id: int) -> str:
    """The outbox dedupe key of a decision's message (the proposal updated, or a new post)."""
    return f"routing:decided:{assignment_id}"
