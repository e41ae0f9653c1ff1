"""The filters of `/lead list` (DESIGN.md: `status:`, `owner:`, `team:`, `source:`, `campaign:`,
`country:`, `product:`, `score:`, `created:`, `stale:`, `stage:`, `tag:` and each custom field
by its key, with commas for several values) and its sort, read from `key:value` pairs into one
value that can be written back as the same text: a Next button carries that text and reads it again."""

import difflib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from domain.book.tags import clean_tag
from domain.custom_fields import Condition, CustomField, condition, condition_help, field_named
from domain.errors import InvalidInput
from domain.lifecycle import LeadStatus
from domain.permissions import Visibility
from domain.scoring.rules import Stage


class Sort(StrEnum):
    SCORE = "score"  # hottest first
    CREATED = "created"  # newest first
    STALE = "stale"  # longest untouched first


class Owner(StrEnum):
    """The words `owner:` takes besides a mention."""

    ME = "me"
    NONE = "none"


# Text keys and the filter's field holding their values.
TEXT_FIELDS = {
    "team": "teams",
    "source": "sources",
    "campaign": "campaigns",
    "country": "countries",
    "product": "products",
}
TEXT_KEYS = tuple(TEXT_FIELDS)
KEYS = ("status", "owner", *TEXT_KEYS, "score", "created", "stale", "stage", "tag", "sort")
HOW = {
    "status": "status:new,contacted",
    "owner": "owner:@ann, owner:me or owner:none",
    "team": "team:emea",
    "source": "source:webinar",
    "campaign": 'campaign:"spring promo"',
    "country": "country:DE, country:Germany or country:EMEA",
    "product": "product:enterprise",
    "score": "score:>40, score:<20 or score:20..60",
    "created": "created:7d (the last 7 days), created:>30d (older) or created:2026-11 (that month)",
    "stale": "stale:>14d (no note, call, email or meeting for over 14 days)",
    "stage": "stage:mql or stage:sql",
    "tag": "tag:hot or tag:hot,enterprise (any of them)",
    "sort": "sort:score, sort:created or sort:stale",
}
STAGES = (Stage.MQL, Stage.SQL)
_SCORE = re.compile(r"(?:([<>])(\d{1,4})|(\d{1,4})\.\.(\d{1,4})|(\d{1,4}))")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_DAYS = re.compile(r"([<>]?)(\d{1,4})d")
_USER_ID = re.compile(r"@?([UW][A-Z0-9]{2,})")
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Span:
    """A closed range of numbers; None: open on that side."""

    low: int | None = None
    high: int | None = None

    def text(self) -> str:
        if self.low is not None and self.high is not None:
            return str(self.low) if self.low == self.high else f"{self.low}..{self.high}"
        return f">{self.low - 1}" if self.low is not None else f"<{(self.high or 0) + 1}"


@dataclass(frozen=True, slots=True)
class Age:
    """`7d` or `<7d`: at most 7 days old; `>30d`: more than 30 days old."""

    days: int
    older: bool

    def text(self) -> str:
        return f"{'>' if self.older else ''}{self.days}d"


@dataclass(frozen=True, slots=True)
class Month:
    """`created:2026-11`: created in that calendar month (UTC)."""

    year: int
    month: int

    def text(self) -> str:
        return f"{self.year:04}-{self.month:02}"

    def bounds(self) -> tuple[datetime, datetime]:
        start = datetime(self.year, self.month, 1, tzinfo=UTC)
        after = datetime(self.year + self.month // 12, self.month % 12 + 1, 1, tzinfo=UTC)
        return start, after


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """What a list shows: each field a set of values any of which matches (empty: any), all
    fields together. Owners are Slack user ids, `me` or `none`; text values as typed."""

    statuses: tuple[LeadStatus, ...] = ()
    owners: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    scores: tuple[Span, ...] = ()
    created: Age | Month | None = None
    stale: Age | None = None
    stages: tuple[Stage, ...] = ()
    tags: tuple[str, ...] = ()
    custom: tuple[Condition, ...] = ()  # the workspace's own fields, by key
    sort: Sort = Sort.SCORE

    def pairs(self) -> list[tuple[str, str]]:
        """The filter as `key:value` pairs, in the grammar's order (custom fields after the
        built-in ones), sort last unless default."""
        values = {
            "status": ",".join(self.statuses),
            "owner": ",".join(o if o in tuple(Owner) else f"@{o}" for o in self.owners),
            **{key: ",".join(getattr(self, name)) for key, name in TEXT_FIELDS.items()},
            "score": ",".join(span.text() for span in self.scores),
            "created": self.created.text() if self.created else "",
            "stale": self.stale.text() if self.stale else "",
            "stage": ",".join(self.stages),
            "tag": ",".join(self.tags),
            "sort": "" if self.sort is Sort.SCORE else str(self.sort),
        }
        own = [(c.key, ",".join(c.texts())) for c in self.custom]
        found = [(key, values[key]) for key in KEYS if values[key] and key != "sort"]
        return found + own + ([("sort", values["sort"])] if values["sort"] else [])

    def text(self) -> str:
        """As typed, so parse_filter(text) gives this filter back."""
        return " ".join(f"{key}:{_quoted(value)}" for key, value in self.pairs())


def _quoted(value: str) -> str:
    return f'"{value}"' if " " in value else value


def parse_filter(pairs: list[tuple[str, str]], fields: tuple[CustomField, ...] = ()) -> LeadFilter:
    """`key:value` pairs -> a filter; InvalidInput names the key, says what was wrong and how
    to write it. A key given twice adds its values (`status:new status:contacted`). `fields`:
    the workspace's custom fields, each a filter by its key."""
    given: dict[str, list[str]] = {}
    for key, value in pairs:
        known = _known(key, fields)
        given.setdefault(known, []).extend(_values(known, value, fields))
    found: dict[str, object] = {}
    own = []
    for key, values in given.items():
        custom = field_named(fields, key)
        if custom is not None:
            own.append(condition(custom, values))
        else:
            found |= _read(key, values)
    return LeadFilter(**found, custom=tuple(own))  # type: ignore[arg-type]


def _known(key: str, fields: tuple[CustomField, ...]) -> str:
    key = key.lower()
    own = tuple(f.key for f in fields)
    if key in KEYS or key in own:
        return key
    guess = _closest(key, (*KEYS, *own))
    how = HOW.get(guess or "") or next((condition_help(f) for f in fields if f.key == guess), "")
    hint = f" Did you mean `{guess}:` ({how})?" if guess else ""
    yours = f"; your own fields: {', '.join(own)}" if own else ""
    raise InvalidInput(
        key,
        f"`{key}:` is not a list filter.{hint} Filters: {', '.join(k for k in KEYS if k != 'sort')}{yours}.",
    )


def _values(key: str, value: str, fields: tuple[CustomField, ...] = ()) -> list[str]:
    values = [v.strip() for v in value.split(",") if v.strip()]
    if not values:
        custom = field_named(fields, key)
        how = condition_help(custom) if custom else HOW[key]
        raise InvalidInput(key, f"`{key}:` needs a value: write e.g. {how}.")
    return values


def _read(key: str, values: list[str]) -> dict[str, object]:
    if key == "tag":
        return {"tags": tuple(dict.fromkeys(clean_tag(v) for v in values))}
    if key in TEXT_KEYS:
        return {TEXT_FIELDS[key]: tuple(dict.fromkeys(values))}
    if key == "status":
        return {"statuses": tuple(dict.fromkeys(_choice(key, v, tuple(LeadStatus)) for v in values))}
    if key == "stage":
        return {"stages": tuple(dict.fromkeys(_choice(key, v, STAGES) for v in values))}
    if key == "owner":
        return {"owners": tuple(dict.fromkeys(_owner(v) for v in values))}
    if key == "score":
        return {"scores": tuple(_span(v) for v in values)}
    if key == "sort":
        return {"sort": _choice(key, _one(key, values), tuple(Sort))}
    return {key: _age(key, _one(key, values))}


def _choice(key: str, value: str, options: tuple[E, ...]) -> E:
    for option in options:
        if value.lower() == option:
            return option
    names = [str(o) for o in options]
    guess = _closest(value, names)
    hint = f" Did you mean `{key}:{guess}`?" if guess else ""
    raise InvalidInput(key, f"`{value}` is not a {key} to filter on.{hint} Use one of: {', '.join(names)}.")


def _owner(value: str) -> str:
    if value.lower() in tuple(Owner):
        return value.lower()
    match = _USER_ID.fullmatch(value.strip("<>"))
    if match is None:
        raise InvalidInput("owner", f"`{value}` is not an owner: write {HOW['owner']}.")
    return match[1]


def _span(value: str) -> Span:
    match = _SCORE.fullmatch(value.replace(" ", ""))
    if match is None:
        raise InvalidInput("score", f"`{value}` is not a score filter: write {HOW['score']}.")
    sign, bound, low, high, exact = match.groups()
    if exact is not None:
        return Span(int(exact), int(exact))
    if sign is not None:
        return Span(int(bound) + 1, None) if sign == ">" else Span(None, int(bound) - 1)
    if int(low) > int(high):
        raise InvalidInput("score", f"`{value}` runs backwards: write the lower score first, e.g. 20..60.")
    return Span(int(low), int(high))


def _age(key: str, value: str) -> Age | Month:
    month = _MONTH.fullmatch(value)
    if month is not None and key == "created" and 1 <= int(month[2]) <= 12:
        return Month(int(month[1]), int(month[2]))
    match = _DAYS.fullmatch(value.lower())
    if match is None:
        raise InvalidInput(key, f"`{value}` is not a number of days: write {HOW[key]}.")
    # stale:14d means what stale:>14d says: a lead is stale for at least that long.
    older = match[1] == ">" or (key == "stale" and match[1] != "<")
    return Age(int(match[2]), older)


def _one(key: str, values: list[str]) -> str:
    if len(values) > 1:
        raise InvalidInput(key, f"`{key}:` takes one value, not {', '.join(values)}: write e.g. {HOW[key]}.")
    return values[0]


def _closest(word: str, known: tuple[str, ...] | list[str]) -> str | None:
    close = difflib.get_close_matches(word.lower(), list(known), n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A filter resolved against its viewer and the clock: ids, lower-case words, instants.
    An empty tuple (or None) filters nothing."""

    visibility: Visibility
    statuses: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()  # Slack user ids
    unowned: bool = False  # with `owners`: theirs or nobody's
    teams: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # every spelling that matches (domain/capture/countries.py)
    products: tuple[str, ...] = ()
    scores: tuple[Span, ...] = ()
    created_since: datetime | None = None
    created_before: datetime | None = None
    touched_since: datetime | None = None
    untouched_since: datetime | None = None  # no note, call, email or meeting since then
    stages: tuple[str, ...] = ()
    phone: str | None = None  # E.164, as leads hold it (`/lead find +49 30 901820`)
    email_domain: str | None = None  # lower case (`/lead find @acme.com`)
    tags: tuple[str, ...] = ()  # any of them (lead_tags' primary key finds their leads)
    custom: tuple[Condition, ...] = ()  # custom fields' conditions, all of them
    sort: Sort = Sort.SCORE
