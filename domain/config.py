"""Pydantic models of the TOML configuration (parsing only; the root reads the file)."""

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from domain.closing import DEFAULT_LOST_REASONS
from domain.errors import ConfigError
from domain.permissions import Actor, Role
from domain.scoring_config import ScoringConfig

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

    _check_tz = field_validator("timezone")(lambda cls, v: _valid_tz(v))


class ConsoleUser(_Strict):
    id: str = Field(pattern=SLACK_USER_ID)
    name: str
    tz: str = "UTC"

    _check_tz = field_validator("tz")(lambda cls, v: _valid_tz(v))


class LeadbotConfig(_Strict):
    default_region: str = "US"
    default_timezone: str = "UTC"
    admins: tuple[str, ...] = ()
    teams: tuple[SalesTeam, ...] = (SalesTeam(key="sales", name="Sales"),)
    console_users: tuple[ConsoleUser, ...] = ()
    # Why a lead was lost, as `/lead lost L-1 <reason>` takes it; "other" needs a note.
    lost_reasons: tuple[str, ...] = DEFAULT_LOST_REASONS
    # Rule scores, MQL and SQL thresholds (domain/scoring_config.py; `[scoring]` in the TOML).
    scoring: ScoringConfig = ScoringConfig()

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

    def actor(self, workspace_id: str, user_id: str) -> Actor:
        """Role and sales teams of a Slack user; anyone unknown is a rep of the first team."""
        managed = tuple(t.key for t in self.teams if user_id in t.managers)
        member_of = tuple(t.key for t in self.teams if user_id in t.members)
        teams = managed + tuple(k for k in member_of if k not in managed)
        role = Role.ADMIN if user_id in self.admins else Role.MANAGER if managed else Role.REP
        return Actor(workspace_id, user_id, role, teams or (self.teams[0].key,))

    def team(self, key: str | None) -> SalesTeam:
        return next((t for t in self.teams if t.key == key), self.teams[0])

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
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"{origin} is not a valid Leadbot config: {problems}") from exc


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
