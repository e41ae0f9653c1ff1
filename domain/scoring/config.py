"""The `[scoring]` section of the TOML config: fit and engagement rules, caps, decay, thresholds."""

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.custom_fields import KEY, RESERVED
from domain.lead import SCORED_FIELDS


class EngagementKind(StrEnum):
    """What a lead did (webhook events) or what a rep logged with them (`/lead log`)."""

    EMAIL_OPENED = "email_opened"
    EMAIL_CLICKED = "email_clicked"
    PAGE_VISITED = "page_visited"
    FORM_SUBMITTED = "form_submitted"
    WEBINAR_ATTENDED = "webinar_attended"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"


# The kinds the events webhook takes; calls, emails and meetings come from `/lead log`.
WEBHOOK_KINDS = tuple(k for k in EngagementKind if k not in ("call", "email", "meeting"))

# What fit rules may look at: the lead's scored profile fields (domain/lead.PROFILE), its
# email's domain, and two counts.
TEXT_FIELDS = (*SCORED_FIELDS, "email_domain")
COUNT_FIELDS = ("company_size", "bant")
RULE_FIELDS = (*TEXT_FIELDS, *COUNT_FIELDS)
FREE_MAIL = "free-mail"  # in an email_domain rule's any_of: every free-mail provider


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FitRule(_Strict):
    """Points for who the lead is. Text fields match when one of `any_of` appears in the
    value as a word or phrase (case-insensitive); `company_size` and `bant` (how many BANT
    answers are given and not "no") match within `at_least`..`at_most`."""

    name: str = Field(min_length=1, max_length=80)
    field: str
    any_of: tuple[str, ...] = ()
    at_least: int | None = Field(default=None, ge=0)
    at_most: int | None = Field(default=None, ge=0)
    points: int = Field(ge=-1000, le=1000)
    group: str = "fit"

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        # A custom field's key is checked against the config's [[fields]] by the config
        # itself (domain/config.py), which knows them; here only its shape.
        builtin_unscored = value in RESERVED and value not in RULE_FIELDS  # website, phone...
        if builtin_unscored or (value not in RULE_FIELDS and not re.fullmatch(KEY, value)):
            raise ValueError(
                f"`{value}` is not a field fit rules look at: use one of {', '.join(RULE_FIELDS)} "
                "or the key of one of your [[fields]]."
            )
        return value

    @property
    def counts(self) -> bool:
        """Matched by `at_least`/`at_most` (a number), not by words."""
        return self.at_least is not None or self.at_most is not None

    @model_validator(mode="after")
    def _matcher_fits_field(self) -> "FitRule":
        if self.field in TEXT_FIELDS and not self.any_of:
            raise ValueError(f"a `{self.field}` rule needs `any_of`, a list of words to look for")
        if self.field in COUNT_FIELDS and (self.any_of or not self.counts):
            raise ValueError(f"a `{self.field}` rule takes `at_least` and/or `at_most`, not `any_of`")
        if self.any_of and self.counts:
            raise ValueError(f"a `{self.field}` rule takes either `any_of` or `at_least`/`at_most`, not both")
        if not self.any_of and not self.counts:
            raise ValueError(
                f"a `{self.field}` rule needs `any_of` (words) or `at_least`/`at_most` (a number)"
            )
        return self


class EngagementRule(_Strict):
    """Points for each event of a kind (optionally only where the URL contains a text),
    at most `max_times` events counted. Points fade with the half-life unless `decays`
    is false (an unsubscribe does not wear off)."""

    name: str = Field(min_length=1, max_length=80)
    event: EngagementKind
    url_contains: str | None = Field(default=None, min_length=1)
    points: int = Field(ge=-1000, le=1000)
    max_times: int | None = Field(default=None, ge=1)
    decays: bool = True
    group: str = "engagement"


DEFAULT_FIT = (
    FitRule(
        name="Senior title",
        field="title",
        any_of=("vp", "vice president", "director", "head", "chief", "ceo", "cto", "cfo", "founder", "owner"),
        points=15,
    ),
    FitRule(name="Manager title", field="title", any_of=("manager",), points=5),
    FitRule(name="Company of 200+", field="company_size", at_least=200, points=10),
    FitRule(name="Referral or partner", field="source", any_of=("referral", "partner"), points=10),
    FitRule(name="BANT complete", field="bant", at_least=4, points=30),
    FitRule(name="BANT partly answered", field="bant", at_least=2, at_most=3, points=10),
    FitRule(
        name="Free-mail address", field="email_domain", any_of=(FREE_MAIL,), points=-10, group="negative"
    ),
)
DEFAULT_ENGAGEMENT = (
    EngagementRule(name="Webinar attended", event=EngagementKind.WEBINAR_ATTENDED, points=20),
    EngagementRule(
        name="Pricing page", event=EngagementKind.PAGE_VISITED, url_contains="pricing", points=10, max_times=5
    ),
    EngagementRule(name="Page visited", event=EngagementKind.PAGE_VISITED, points=2, max_times=10),
    EngagementRule(name="Form submitted", event=EngagementKind.FORM_SUBMITTED, points=15),
    EngagementRule(name="Email clicked", event=EngagementKind.EMAIL_CLICKED, points=5, max_times=5),
    EngagementRule(name="Email opened", event=EngagementKind.EMAIL_OPENED, points=1, max_times=10),
    EngagementRule(name="Meeting held", event=EngagementKind.MEETING, points=15),
    EngagementRule(name="Call logged", event=EngagementKind.CALL, points=8),
    EngagementRule(name="Email logged", event=EngagementKind.EMAIL, points=3),
    EngagementRule(
        name="Unsubscribed",
        event=EngagementKind.UNSUBSCRIBED,
        points=-40,
        max_times=1,
        decays=False,
        group="negative",
    ),
    EngagementRule(
        name="Email bounced",
        event=EngagementKind.BOUNCED,
        points=-25,
        max_times=1,
        decays=False,
        group="negative",
    ),
)


class ScoringConfig(_Strict):
    """Rule scores (domain/scoring/rules.py). An event counts for the first engagement rule it
    matches, in the order written, so a specific rule (pricing page) goes before a general
    one (any page)."""

    mql: int = Field(default=40, ge=1)
    sql: int = Field(default=70, ge=1)
    half_life_days: float = Field(default=30, gt=0, le=3650)
    # group -> the most points the group's rules can add together; groups not named are uncapped
    caps: dict[str, int] = Field(default_factory=lambda: {"fit": 60, "engagement": 60})
    fit: tuple[FitRule, ...] = DEFAULT_FIT
    engagement: tuple[EngagementRule, ...] = DEFAULT_ENGAGEMENT

    @model_validator(mode="after")
    def _consistent(self) -> "ScoringConfig":
        if self.sql <= self.mql:
            raise ValueError(f"`sql` ({self.sql}) must be above `mql` ({self.mql})")
        names = [rule.name for rule in self.fit] + [rule.name for rule in self.engagement]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"rule names must be unique, `{twice[0]}` is used twice")
        negative = [group for group, cap in self.caps.items() if cap < 0]
        if negative:
            raise ValueError(f"the cap of `{negative[0]}` must be 0 or more")
        return self
