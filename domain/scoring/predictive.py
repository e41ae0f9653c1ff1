"""The predictive score's inputs and outputs: what a lead looks like to a model (its features),
which closed leads teach it (the outcome rule), how a prediction explains itself, and when
the workspace's model is worth retraining. The models are in domain/scoring/logistic.py (the one
Leadbot uses) and domain/scoring/naive_bayes.py (Odoo's, the baseline it must beat)."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from domain.lead import Lead
from domain.lifecycle import LeadStatus
from domain.matching.dedupe import is_free_mail

# Nothing is shown below this many closed leads in a workspace, and a sales team gets its own
# weights only from this many of its own (else it uses all teams').
MIN_HISTORY = 30
ALL_TEAMS = "*"
# "Lost for timing" says "not now", not "no": the person may well buy later, so counting them
# as losses would teach the model that good leads lose. They are left out of training.
NOT_NOW_REASONS = frozenset({"timing"})
MISSING = "none"

# Feature -> how a factor names it. Order matters: it is the order of the model's terms.
# Features, not the lead's fields (domain/lead.PROFILE): which facts the models read, and
# how (a title as its seniority, the email as its kind), is the model's own choice.
FIELD_LABELS = {
    "source": "source",
    "campaign": "campaign",
    "country": "country",
    "product": "product",
    "seniority": "title",
    "email": "email",
    "phone": "phone",
    "calls": "calls",
    "emails": "emails",
    "meetings": "meetings",
    "last_touch": "last touch",
}
FIELDS = tuple(FIELD_LABELS)
PROFILE_FEATURES = FIELDS[:7]  # who the lead is; the rest is what reps logged
# Fields that are always known (Odoo's naive Bayes skips a missing value except for these).
ALWAYS_KNOWN = frozenset({"email", "phone", "calls", "emails", "meetings", "last_touch"})

Features = dict[str, str]

_SENIORITY = (
    ("c-level", re.compile(r"\b(chief|c[eftomirs]o|(co-?)?founder|owner|president|managing director)\b")),
    ("vp", re.compile(r"\b(vp|svp|evp|vice president)\b")),
    ("director", re.compile(r"\b(director|head)\b")),
    ("manager", re.compile(r"\b(manager|lead|supervisor)\b")),
)


@dataclass(frozen=True, slots=True)
class Engagement:
    """What reps logged on a lead up to a moment (a closed lead's close, an open lead's now)."""

    calls: int = 0
    emails: int = 0
    meetings: int = 0
    last_touch: datetime | None = None


class Profile(Protocol):
    """What the models read of a lead: a Lead has it, and so has the forecast's OpenDeal, which
    reads only these columns of thousands of leads rather than whole rows."""

    @property
    def source(self) -> str | None: ...
    @property
    def campaign(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def product(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...


def features(lead: Profile, engagement: Engagement, as_of: datetime) -> Features:
    """The lead as the models see it: one short categorical value per field."""
    return {
        "source": _text(lead.source),
        "campaign": _text(lead.campaign),
        "country": _text(lead.country).upper() if lead.country else MISSING,
        "product": _text(lead.product),
        "seniority": seniority(lead.title),
        "email": email_kind(lead.email),
        "phone": "given" if lead.phone else MISSING,
        "calls": _band(engagement.calls, (1, 2, 4)),
        "emails": _band(engagement.emails, (1, 3)),
        "meetings": _band(engagement.meetings, (1, 2)),
        "last_touch": _since(engagement.last_touch, as_of),
    }


def seniority(title: str | None) -> str:
    text = (title or "").lower()
    if not text.strip():
        return MISSING
    return next((band for band, pattern in _SENIORITY if pattern.search(text)), "staff")


def email_kind(email: str | None) -> str:
    if not email or "@" not in email:
        return MISSING
    return "free mail" if is_free_mail(email.rsplit("@", 1)[1].lower()) else "company address"


def _text(value: str | None) -> str:
    # Case and spacing vary by who typed it; a long value is a sentence, not a category.
    words = " ".join((value or "").split()).lower()[:60]
    return words or MISSING


def _band(n: int, starts: tuple[int, ...]) -> str:
    """Counts in a few bands, each named from its first count: starts (1, 2, 4) give none, 1,
    2-3 and 4+. A tenth call says little more than a fourth."""
    if n < starts[0]:
        return MISSING
    for low, high in zip(starts, starts[1:], strict=False):
        if n < high:
            return str(low) if high == low + 1 else f"{low}-{high - 1}"
    return f"{starts[-1]}+"


def _since(last: datetime | None, as_of: datetime) -> str:
    if last is None:
        return "never"
    days = (as_of - last).days
    if days < 7:
        return "this week"
    if days < 30:
        return "1-4 weeks ago"
    return "1-3 months ago" if days < 90 else "over 3 months ago"


def outcome(lead: Lead) -> bool | None:
    """True converted, False lost, None when the lead teaches nothing: still open (a reopened
    lead counts by how it finally closes), merged away, or lost only for timing."""
    if lead.merged_into is not None:
        return None
    if lead.status is LeadStatus.CONVERTED:
        return True
    if lead.status is LeadStatus.LOST and lead.lost_reason not in NOT_NOW_REASONS:
        return False
    return None


@dataclass(frozen=True, slots=True)
class Example:
    """One closed lead: its features as of its close, its sales team, and how it ended."""

    features: Features
    team: str | None
    won: bool


def example_of(lead: Lead, engagement: Engagement) -> Example | None:
    """A closed lead as it stood when it closed, if it teaches the model anything."""
    won = outcome(lead)
    if won is None or lead.closed_at is None:
        return None
    return Example(features(lead, engagement, lead.closed_at), lead.sales_team, won)


def as_percent(probability: float) -> int:
    """Whole percent, never 0 or 100: a model is never that sure."""
    return min(99, max(1, round(probability * 100)))


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason for a prediction: the field values it is about and their pull in log-odds.
    A pair of values is an interaction the model learned (webinars work in Germany)."""

    parts: tuple[tuple[str, str], ...]  # (field, value)
    weight: float

    def labelled(self) -> list[tuple[str, str]]:
        return [(FIELD_LABELS.get(f, f), v) for f, v in self.parts]

    def words(self) -> str:
        return " with ".join(f"{label}: {value}" for label, value in self.labelled())

    def __str__(self) -> str:
        return f"{self.words()} {signed(self.weight)}"


def signed(weight: float) -> str:
    return f"{weight:+.1f}".replace("-", "−")


@dataclass(frozen=True, slots=True)
class Prediction:
    probability: float
    factors: tuple[Factor, ...]  # the strongest first, at most TOP_FACTORS
    scope: str  # the sales team whose weights were used, or ALL_TEAMS


TOP_FACTORS = 3


def top_factors(contributions: list[Factor], count: int = TOP_FACTORS) -> tuple[Factor, ...]:
    """The strongest pulls either way; ties go to the simpler (one-value) reason."""
    ranked = sorted(contributions, key=lambda f: (-round(abs(f.weight), 6), len(f.parts), f.parts))
    return tuple(f for f in ranked if abs(f.weight) >= 0.05)[:count]


# --- when to retrain -----------------------------------------------------------------

# Up to this many closed leads a retrain is cheap (tens of milliseconds), and each close moves
# the model noticeably, so it is retrained right after every close; beyond it, by the sweeper.
ON_DEMAND_LIMIT = 500
RETRAIN_AFTER = timedelta(days=1)
RETRAIN_GROWTH = 0.05  # or when the closed leads changed by this share since the last training


@dataclass(frozen=True, slots=True)
class History:
    """A workspace's closed leads as a cheap aggregate: enough to see that something changed."""

    closed: int
    latest_close: datetime | None


@dataclass(frozen=True, slots=True)
class Trained:
    """What the last training saw."""

    closed: int
    at: datetime


def retrain_due(history: History, last: Trained | None, now: datetime) -> bool:
    """Retrain when the history changed: at once while it is small, else once it has grown
    by RETRAIN_GROWTH or a day has passed. An unchanged history is never retrained."""
    if last is None:
        return history.closed > 0
    changed = history.closed != last.closed or (
        history.latest_close is not None and history.latest_close > last.at
    )
    if not changed:
        return False
    if history.closed <= ON_DEMAND_LIMIT:
        return True
    grown = abs(history.closed - last.closed) >= RETRAIN_GROWTH * last.closed
    return grown or now - last.at >= RETRAIN_AFTER


@dataclass(frozen=True, slots=True)
class StoredModel:
    sales_team: str  # a team key, or ALL_TEAMS
    params: dict[str, Any] | None  # None: not enough history yet
    n: int
    closed_seen: int
    trained_at: datetime


@dataclass(frozen=True, slots=True)
class HandSet:
    percent: int
    set_by: str
    set_at: datetime
