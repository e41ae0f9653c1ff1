"""Pydantic models of the TOML configuration (parsing only; the root reads the file)."""

import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from domain.closing.outcomes import DEFAULT_LOST_REASONS
from domain.custom_fields import CustomField, FieldType, condition
from domain.errors import ConfigError, InvalidInput
from domain.lifecycle import LeadStatus
from domain.nurture.cadence import Cadence
from domain.permissions import Actor, Role
from domain.routing.config import Routing, TeamRouting
from domain.scoring.config import RULE_FIELDS, ScoringConfig
from domain.working_hours import WorkingHours, parse_clock, parse_days

SLACK_USER_ID = r"^[UW][A-Z0-9]{2,}$"


class _Strict(BaseModel):
    # A misspelt key must be refused, not silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class SalesTeam(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    channel: str | None = Field(default=None, pattern=r"^[CG][A-Z0-9]{2,}$")
    managers: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    timezone: str = "UTC"
    # Routing: how this team's reps are chosen for new leads.
    routing: TeamRouting = TeamRouting()
    # --- digest and working hours ------------------------------------------------------
    digest_time: str = "08:30"  # local time of the daily digest in `channel`, on working days
    working_hours: tuple[str, str] = ("08:00", "18:00")
    working_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")

    _check_tz = field_validator("timezone")(lambda cls, v: _valid_tz(v))

    @field_validator("digest_time")
    @classmethod
    def _digest_time(cls, value: str) -> str:
        parse_clock(value)
        return value

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value: tuple[str, str]) -> tuple[str, str]:
        if parse_clock(value[0]) >= parse_clock(value[1]):
            raise ValueError(f"working hours must start before they end, got {list(value)}")
        return value

    _check_days = field_validator("working_days")(lambda cls, v: (parse_days(v), v)[1])

    @model_validator(mode="after")
    def _digest_in_hours(self) -> "SalesTeam":
        start, end = (parse_clock(t) for t in self.working_hours)
        if not start <= parse_clock(self.digest_time) < end:
            raise ValueError(
                f"digest_time {self.digest_time} is outside working_hours {list(self.working_hours)}"
            )
        return self

    def hours_in(self, tz: str | None = None) -> WorkingHours:
        """The team's working hours, on the clock of `tz` (a member's own zone) or the team's."""
        start, end = (parse_clock(t) for t in self.working_hours)
        return WorkingHours(start, end, parse_days(self.working_days), ZoneInfo(tz or self.timezone))


class ConsoleUser(_Strict):
    id: str = Field(pattern=SLACK_USER_ID)
    name: str
    tz: str = "UTC"

    _check_tz = field_validator("tz")(lambda cls, v: _valid_tz(v))


class ImportConfig(_Strict):
    """`[import]`: how a CRM's file reads into Leadbot. `statuses` names a team's own stages
    (`"Demo booked" = "qualified"`) on top of domain/importing/status.DEFAULT_STATUSES; `owners`
    maps the names an owner column writes (`"Ann Lee" = "U0REP0ANN"`) to Slack users, for
    owners Slack cannot find by email."""

    statuses: dict[str, LeadStatus] = Field(default_factory=dict)
    owners: dict[str, str] = Field(default_factory=dict)

    @field_validator("owners")
    @classmethod
    def _user_ids(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [name for name, user in value.items() if not re.fullmatch(SLACK_USER_ID, user)]
        if bad:
            raise ValueError(f"'{value[bad[0]]}' for '{bad[0]}' is not a Slack user id such as U0123ABC")
        return value


class Campaign(_Strict):
    """What a lead source costs (`[[campaigns]]`): the report's cost per lead and per customer."""

    source: str = Field(min_length=1, max_length=500)  # as leads carry it: `source:webinar`
    name: str = ""
    monthly_cost: Decimal = Field(ge=0)  # spent per month; a report's period gets its share


class LeadbotConfig(_Strict):
    default_region: str = "US"
    default_timezone: str = "UTC"
    admins: tuple[str, ...] = ()
    teams: tuple[SalesTeam, ...] = (SalesTeam(key="sales", name="Sales"),)
    console_users: tuple[ConsoleUser, ...] = ()
    # Why a lead was lost, as `/lead lost L-1 <reason>` takes it; "other" needs a note.
    lost_reasons: tuple[str, ...] = DEFAULT_LOST_REASONS
    # Routing: which team a lead goes to (rules, first match wins).
    routing: Routing = Routing()
    # Rule scores, MQL and SQL thresholds (domain/scoring/config.py; `[scoring]` in the TOML).
    scoring: ScoringConfig = ScoringConfig()
    # `[import]`: status names and owner names of the CRM a team leaves behind.
    imports: ImportConfig = Field(default=ImportConfig(), alias="import")
    # `[[campaigns]]`: what each lead source costs a month (the report's cost per lead).
    campaigns: tuple[Campaign, ...] = ()
    # Personal data of leads lost, or untouched, this many days ago is erased by the
    # scheduler (handlers/operations/retention.py). 0: kept until erased by hand (`privacy erase`).
    retention_days: int = Field(default=0, ge=0, le=36500)

    @field_validator("lost_reasons")
    @classmethod
    def _reasons(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("at least one lost reason is needed")
        bad = [r for r in value if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", r)]
        if bad:
            raise ValueError(f"'{bad[0]}' is not a reason key: lower case letters, digits and -")
        if len(set(value)) != len(value):
            raise ValueError(f"lost reasons must be unique, got {list(value)}")
        return value

    @field_validator("default_region")
    @classmethod
    def _region(cls, value: str) -> str:
        if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"'{value}' is not a two-letter region such as US, GB or DE")
        return value.upper()

    _check_tz = field_validator("default_timezone")(lambda cls, v: _valid_tz(v))

    @model_validator(mode="after")
    def _unique_team_keys(self) -> "LeadbotConfig":
        keys = [team.key for team in self.teams]
        if not keys:
            raise ValueError("at least one [[teams]] entry is needed")
        if len(set(keys)) != len(keys):
            raise ValueError(f"team keys must be unique, got {keys}")
        return self

    @model_validator(mode="after")
    def _routing_teams_exist(self) -> "LeadbotConfig":
        keys = {team.key for team in self.teams}
        named = [(f"routing.rules.{i}.team", r.team) for i, r in enumerate(self.routing.rules)]
        named += [("routing.fallback_team", self.routing.fallback_team)] if self.routing.fallback_team else []
        for where, key in named:
            if key not in keys:
                raise ValueError(f"{where}: there is no team '{key}' (teams: {', '.join(sorted(keys))})")
        return self

    # --- custom fields (domain/custom_fields.py) ----------------------------------------
    fields: tuple[CustomField, ...] = ()

    @model_validator(mode="after")
    def _unique_fields(self) -> "LeadbotConfig":
        for what in ("key", "label"):
            names = [getattr(f, what).casefold() for f in self.fields]
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise ValueError(f"fields: the {what} `{twice[0]}` is used by two [[fields]]")
        return self

    @model_validator(mode="after")
    def _rules_use_declared_fields(self) -> "LeadbotConfig":
        """A scoring or routing rule on a custom field names a declared one, matched the way
        its type allows: numbers by at_least/at_most, the rest by any_of words."""
        declared = {f.key: f for f in self.fields}
        for i, rule in enumerate(self.scoring.fit):
            where = f"scoring.fit.{i}.field: rule `{rule.name}`"
            field = declared.get(rule.field)
            if field is None:
                # company_size with no such field declared matches nothing, as before fields
                if rule.field not in RULE_FIELDS:
                    raise ValueError(
                        f"{where} looks at `{rule.field}`, which is not a field: {self._field_choice()}"
                    )
                continue
            if (field.type is FieldType.NUMBER) != rule.counts:
                how = "`at_least` and/or `at_most`" if field.type is FieldType.NUMBER else "`any_of`"
                raise ValueError(f"{where}: `{field.key}` is a {field.type} field, so the rule takes {how}")
        for i, routing_rule in enumerate(self.routing.rules):
            for key, values in routing_rule.fields.items():
                field = declared.get(key)
                if field is None:
                    raise ValueError(
                        f"routing.rules.{i} ({routing_rule.name}): `{key}` is not one of your [[fields]]"
                        f" ({', '.join(declared) or 'none declared'})"
                    )
                try:
                    condition(field, list(values))
                except InvalidInput as exc:
                    raise ValueError(f"routing.rules.{i} ({routing_rule.name}): {exc}") from exc
        return self

    def _field_choice(self) -> str:
        custom = [f.key for f in self.fields]
        return f"use one of {', '.join((*RULE_FIELDS, *custom))}"

    # --- cadences ----------------------------------------------------------------------
    cadences: tuple[Cadence, ...] = ()
    default_cadence: str | None = None  # `/lead nurture L-1` without a name
    long_term_cadence: str | None = None  # for leads lost for timing or budget
    stale_after_days: int = Field(default=14, ge=0, le=365)  # 0: never flag quiet leads

    @model_validator(mode="after")
    def _known_cadences(self) -> "LeadbotConfig":
        names = [c.name for c in self.cadences]
        if len(set(names)) != len(names):
            raise ValueError(f"cadence names must be unique, got {names}")
        for key in ("default_cadence", "long_term_cadence"):
            name = getattr(self, key)
            if name is not None and name not in names:
                raise ValueError(f"{key} '{name}' is not one of the [[cadences]]: {names or 'none'}")
        return self

    def cadence(self, name: str | None) -> Cadence | None:
        wanted = name or self.default_cadence or (self.cadences[0].name if self.cadences else None)
        return next((c for c in self.cadences if c.name == wanted), None)

    def actor(self, workspace_id: str, user_id: str) -> Actor:
        """Role and sales teams of a Slack user; anyone unknown is a rep of the first team."""
        managed = tuple(t.key for t in self.teams if user_id in t.managers)
        member_of = tuple(t.key for t in self.teams if user_id in t.members)
        teams = managed + tuple(k for k in member_of if k not in managed)
        role = Role.ADMIN if user_id in self.admins else Role.MANAGER if managed else Role.REP
        return Actor(workspace_id, user_id, role, teams or (self.teams[0].key,))

    def team(self, key: str | None) -> SalesTeam:
        return next((t for t in self.teams if t.key == key), self.teams[0])

    def configured_zone(self, workspace_id: str, user_id: str) -> str:
        """The person's zone as the config has it: their own (console users), else their
        first sales team's."""
        configured = next((u.tz for u in self.console_users if u.id == user_id), None)
        return configured or self.home_team(workspace_id, user_id).timezone

    def home_team(self, workspace_id: str, user_id: str) -> SalesTeam:
        """The sales team whose hours and zone a person keeps: their first one (anyone
        unknown: the first team)."""
        teams = self.actor(workspace_id, user_id).sales_teams
        return self.team(teams[0] if teams else None)

    def overseers(self, sales_team: str | None) -> tuple[str, ...]:
        """Whose Home tab shows a sales team's proposals, SLAs, pool and reps: its managers,
        and the admins, who see every team."""
        return self.team(sales_team).managers + self.admins

    def timezone_of(self, team_key: str | None) -> ZoneInfo:
        return ZoneInfo(self.team(team_key).timezone)


def _valid_tz(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"'{value}' is not an IANA time zone such as Europe/Berlin") from exc
    return value


def parse_config(data: dict[str, Any], origin: str) -> LeadbotConfig:
    """Validate parsed TOML; errors name the key path and the problem."""
    try:
        return LeadbotConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_problem(err["loc"], err["msg"]) for err in exc.errors())
        raise ConfigError(f"{origin} is not a valid Leadbot config: {problems}") from exc


def _problem(loc: tuple[int | str, ...], message: str) -> str:
    """`teams.0.key: ...`; a check across sections names its own keys in its message."""
    if not loc:
        return f"(top level): {message.removeprefix('Value error, ')}"
    return f"{'.'.join(str(p) for p in loc)}: {message}"


CONSOLE_WORKSPACE = "T0CONSOLE"


def default_config() -> LeadbotConfig:
    """Used when LEADBOT_CONFIG is unset: one sales team holding the console's users.
    In a real workspace these ids match nobody, so everyone is a rep of `sales`."""
    users = (
        ConsoleUser(id="U0REP0ANN", name="ann"),
        ConsoleUser(id="U0REP0BEN", name="ben", tz="Europe/Berlin"),
        ConsoleUser(id="U0MGR0MIA", name="mia"),
        ConsoleUser(id="U0ADM0ADA", name="ada"),
    )
    team = SalesTeam(
        key="sales",
        name="Sales",
        channel="C0SALES",
        managers=("U0MGR0MIA",),
        members=("U0REP0ANN", "U0REP0BEN"),
    )
    return LeadbotConfig(teams=(team,), admins=("U0ADM0ADA",), console_users=users)
