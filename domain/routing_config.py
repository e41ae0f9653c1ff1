"""Pydantic models of the routing part of the TOML config: who takes new leads, and how.

A team's `[teams.routing]` table says how its reps are chosen; `[[routing_rules]]`
(ordered, first match wins) say which team a lead goes to."""

import re
from datetime import time
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class _Strict(BaseModel):
    # A misspelt key must be refused, not silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"  # everyone in turn; a skipped rep is owed the next turns
    WEIGHTED = "weighted"  # in turn, in proportion to each rep's weight
    LOAD_BALANCED = "load_balanced"  # the rep with the lowest share of their open-lead capacity


class WorkingHours(_Strict):
    days: tuple[str, ...] = WEEKDAYS[:5]
    start: time = time(9, 0)
    end: time = time(17, 0)

    @field_validator("days")
    @classmethod
    def _days(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [d for d in value if d.lower() not in WEEKDAYS]
        if bad or not value:
            raise ValueError(f"days are written {', '.join(WEEKDAYS)}; got {list(value)}")
        return tuple(d.lower() for d in value)

    @model_validator(mode="after")
    def _order(self) -> "WorkingHours":
        if self.end <= self.start:
            raise ValueError(f"end {self.end:%H:%M} must be after start {self.start:%H:%M}")
        return self


class Capacity(_Strict):
    """How much one rep can take; `weight` only matters to the weighted strategy."""

    open: int = Field(default=50, ge=1, le=100_000)  # open leads they own (or are proposed)
    per_day: int = Field(default=20, ge=1, le=10_000)  # new leads a day, in the team's zone
    weight: int = Field(default=1, ge=1, le=100)


class TeamRouting(_Strict):
    strategy: Strategy = Strategy.ROUND_ROBIN
    auto_approve: bool = False  # assign at once, no manager approval
    auto_approve_after_minutes: int | None = Field(default=None, ge=1, le=7 * 24 * 60)
    claim_allowed: bool = False  # reps may `/lead claim` the team's unassigned leads
    working_hours: WorkingHours = WorkingHours()
    capacity: Capacity = Capacity()  # every rep's, unless `reps` says otherwise
    reps: dict[str, Capacity] = Field(default_factory=dict)  # Slack user id -> their capacity

    @field_validator("reps")
    @classmethod
    def _rep_ids(cls, value: dict[str, Capacity]) -> dict[str, Capacity]:
        bad = [k for k in value if not re.fullmatch(r"[UW][A-Z0-9]{2,}", k)]
        if bad:
            raise ValueError(f"'{bad[0]}' is not a Slack user id (U... or W...)")
        return value

    def capacity_of(self, user_id: str) -> Capacity:
        return self.reps.get(user_id, self.capacity)


class RoutingRule(_Strict):
    """Leads matching every condition given go to `team`; a condition left out matches all.
    Text is compared without regard to case; `countries` may name a region of `[regions]`."""

    name: str = Field(min_length=1, max_length=80)
    team: str
    countries: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    score_min: int | None = None
    score_max: int | None = None

    @model_validator(mode="after")
    def _band(self) -> "RoutingRule":
        if self.score_min is not None and self.score_max is not None and self.score_max < self.score_min:
            raise ValueError(f"score_max {self.score_max} is below score_min {self.score_min}")
        return self


class Routing(_Strict):
    """`[routing]`: the ordered rules, the team of last resort, and named regions."""

    rules: tuple[RoutingRule, ...] = ()
    fallback_team: str | None = None  # default: the first team
    regions: dict[str, tuple[str, ...]] = Field(default_factory=dict)  # "EMEA" -> ("DE", "FR", ...)

    @model_validator(mode="after")
    def _unique_names(self) -> "Routing":
        names = [rule.name for rule in self.rules]
        if len(set(names)) != len(names):
            raise ValueError(f"rule names must be unique, got {names}")
        return self
