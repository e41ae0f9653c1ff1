"""Pydantic models of the routing part of the TOML config: who takes new leads, and how.

A team's `[teams.routing]` table says how its reps are chosen; `[[routing_rules]]`
(ordered, first match wins) say which team a lead goes to."""

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    # A misspelt key must be refused, not silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"  # everyone in turn; a skipped rep is owed the next turns
    WEIGHTED = "weighted"  # in turn, in proportion to each rep's weight
    LOAD_BALANCED = "load_balanced"  # the rep with the lowest share of their open-lead capacity


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
    # Speed-to-lead: the owner's first contact is due within this many minutes of working
    # time (the team's `working_hours` and `working_days`, in its `timezone`); none: no SLA.
    first_contact_sla_minutes: int | None = Field(default=None, ge=1, le=30 * 24 * 60)
    reroute_on_breach: bool = False  # at breach the lead goes to the next rep

    @model_validator(mode="before")
    @classmethod
    def _one_set_of_hours(cls, data: Any) -> Any:
        # Routing once had its own hours; the team's hours are now the only ones, so an old
        # key is named rather than silently ignored or used for half of the product.
        if isinstance(data, dict) and "working_hours" in data:
            raise ValueError(
                "working_hours moved: set the team's own working_hours and working_days "
                "(they count the first-contact SLA too)"
            )
        return data

    @model_validator(mode="after")
    def _reroute_needs_sla(self) -> "TeamRouting":
        if self.reroute_on_breach and self.first_contact_sla_minutes is None:
            raise ValueError("reroute_on_breach needs first_contact_sla_minutes")
        return self

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
    # Custom fields (`[[fields]]`), each with values as a list filter takes them:
    # `fields = { industry = ["fintech", "retail"], company_size = ">200" }`.
    fields: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @field_validator("fields", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        """One value or a list; numbers and booleans as TOML writes them, read as text."""
        if not isinstance(value, dict):
            return value
        listed = {k: v if isinstance(v, list | tuple) else [v] for k, v in value.items()}
        return {k: [_word(x) for x in v] for k, v in listed.items()}

    @model_validator(mode="after")
    def _band(self) -> "RoutingRule":
        if self.score_min is not None and self.score_max is not None and self.score_max < self.score_min:
            raise ValueError(f"score_max {self.score_max} is below score_min {self.score_min}")
        return self


def _word(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if isinstance(value, int | float) else value


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
