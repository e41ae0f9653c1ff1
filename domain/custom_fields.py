"""Custom fields: what a workspace declares in its config (`[[fields]]`: key, label, type,
choices) and the one reading of their values that every surface uses: `/lead add key:value`,
the capture form, the web-form webhook, the import, the export, list filters, scoring and
routing rules. Pure: a value in, a typed value or a sentence naming the field, its type and
what to write out.

Values are held as JSON: text and choices as strings (a choice spelt as the config spells
it), numbers as numbers, dates as `YYYY-MM-DD` strings (which sort as dates do), booleans as
true and false."""

import difflib
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.errors import InvalidInput
from domain.lead import CONTACT_FIELDS, PROFILE_FIELDS

MAX_TEXT = 500  # as a profile field's column
MAX_CHOICES = 100  # a Slack static_select holds at most 100 options
MAX_CHOICE = 75  # an option's text: at most 75 characters
MAX_LABEL = 40
KEY = r"^[a-z][a-z0-9_]{0,39}$"

FieldValue = str | int | float | bool


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    CHOICE = "choice"
    DATE = "date"
    BOOL = "bool"


# Words a custom key must not take: a lead's own fields, the words of `key:value` in commands
# and list filters, the export's columns and the import's own columns. A clash would make one
# word mean two things in a command, a CSV or a JSON lead.
RESERVED = frozenset(
    {
        "name",
        *CONTACT_FIELDS,
        *PROFILE_FIELDS,
        # /lead list filters and sort (domain/book/filters.py)
        "status", "owner", "team", "score", "created", "stale", "stage", "sort", "tag", "tags",
        # the export's and the webhook's other fields
        "id", "duplicate_of", "contact_id", "cycle", "external_id", "origin_url", "created_at",
        "do_not_contact_since",
        # the import's own columns (handlers/importing/columns.py) and the forecast's words
        "first_name", "last_name", "email2", "phone2", "notes", "note", "deal", "value", "close",
        # scoring's built-in facts (domain/scoring/config.py); company_size is left free on
        # purpose: the default "Company of 200+" rule reads the custom field of that key
        "email_domain", "bant",
    }
)  # fmt: skip
TRUE_WORDS = frozenset({"yes", "y", "true", "1", "on"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "off"})
_NUMBER = re.compile(r"[-+]?(\d[\d_,]*)?(\.\d+)?")
_COMPARE = re.compile(r"([<>])(.+)")
_RANGE = re.compile(r"(.+?)\.\.(.+)")


class CustomField(BaseModel):
    """One `[[fields]]` entry of the config."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=KEY)  # the key:value word, the CSV column and the JSON field
    label: str = Field(min_length=1, max_length=MAX_LABEL)  # shown on the card and the form
    type: FieldType = FieldType.TEXT
    choices: tuple[str, ...] = ()

    @field_validator("key")
    @classmethod
    def _free_word(cls, value: str) -> str:
        if value in RESERVED:
            raise ValueError(
                f"`{value}` is a built-in field or a /lead word: give the custom field another key"
            )
        return value

    @field_validator("choices")
    @classmethod
    def _readable_choices(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for choice in value:
            if not choice.strip() or len(choice) > MAX_CHOICE or "," in choice:
                raise ValueError(
                    f"choice `{choice}` must be 1 to {MAX_CHOICE} characters without commas "
                    "(a list filter separates choices with commas)"
                )
        folded = [c.casefold() for c in value]
        if len(set(folded)) != len(folded):
            raise ValueError(f"choices must differ (ignoring case), got {list(value)}")
        if len(value) > MAX_CHOICES:
            raise ValueError(f"at most {MAX_CHOICES} choices (a Slack menu's limit), got {len(value)}")
        return value

    @model_validator(mode="after")
    def _choices_fit_type(self) -> "CustomField":
        if self.type is FieldType.CHOICE and not self.choices:
            raise ValueError(f"field `{self.key}` is a choice: list its `choices`")
        if self.type is not FieldType.CHOICE and self.choices:
            raise ValueError(f'field `{self.key}` has choices but is a {self.type}: make it type = "choice"')
        return self

    # --- reading values ---------------------------------------------------------------

    def read(self, raw: Any) -> FieldValue | None:
        """A typed value from what a person or a sender gave (text, or JSON's number or
        boolean); None for an empty value. InvalidInput names the field, says what it takes
        and what was given."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        text = raw.strip() if isinstance(raw, str) else raw
        reader = _READERS[self.type]
        value = reader(self, text)
        if value is None:
            raise InvalidInput(self.key, self.refusal(raw))
        return value

    def refusal(self, raw: Any) -> str:
        given = str(raw).strip()
        shown = given if len(given) <= 60 else given[:57] + "…"
        return f"`{self.key}` {self.expects()}; got `{shown}`{self._guess(given)}."

    def expects(self) -> str:
        """What the field takes, as said in every refusal."""
        return {
            FieldType.TEXT: f"is text of at most {MAX_TEXT} characters",
            FieldType.NUMBER: "is a number, like 250",
            FieldType.CHOICE: f"is one of {', '.join(self.choices)}",
            FieldType.DATE: "is a date, written 2027-03-31",
            FieldType.BOOL: "is yes or no",
        }[self.type]

    def _guess(self, given: str) -> str:
        if self.type is not FieldType.CHOICE:
            return ""
        close = difflib.get_close_matches(
            given.casefold(), [c.casefold() for c in self.choices], n=1, cutoff=0.6
        )
        if not close:
            return ""
        return f" (did you mean {next(c for c in self.choices if c.casefold() == close[0])}?)"

    def text(self, value: Any) -> str:
        """A stored value as people read it (card, CSV, form): yes/no, 250, 2027-03-31."""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return "" if value is None else str(value)


def _text(field: CustomField, raw: Any) -> str | None:
    text = str(raw)
    return text if len(text) <= MAX_TEXT and "\x00" not in text else None


def _number(field: CustomField, raw: Any) -> int | float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return raw if raw == raw and abs(raw) < 1e15 else None  # not NaN, not absurd
    return parse_number(str(raw))


def parse_number(text: str) -> int | float | None:
    """`250`, `1,200`, `1_200`, `12.5`, `-3`; None for anything else."""
    text = text.strip().replace(" ", "")
    if not text or not _NUMBER.fullmatch(text) or not any(ch.isdigit() for ch in text):
        return None
    plain = text.replace(",", "").replace("_", "")
    number = float(plain)
    if abs(number) >= 1e15:
        return None
    return int(number) if number.is_integer() and "." not in plain else number


def _choice(field: CustomField, raw: Any) -> str | None:
    wanted = str(raw).strip().casefold()
    return next((c for c in field.choices if c.casefold() == wanted), None)


def _date(field: CustomField, raw: Any) -> str | None:
    return parse_day(str(raw))


def parse_day(text: str) -> str | None:
    try:
        return date.fromisoformat(text.strip()).isoformat() if len(text.strip()) == 10 else None
    except ValueError:
        return None


def _bool(field: CustomField, raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().casefold()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


_READERS = {
    FieldType.TEXT: _text,
    FieldType.NUMBER: _number,
    FieldType.CHOICE: _choice,
    FieldType.DATE: _date,
    FieldType.BOOL: _bool,
}


def field_named(fields: tuple[CustomField, ...], key: str) -> CustomField | None:
    return next((f for f in fields if f.key == key), None)


def read_fields(fields: tuple[CustomField, ...], given: dict[str, Any]) -> dict[str, FieldValue]:
    """Typed values of the custom fields among `given` (keys that are not custom fields are
    the caller's); empty values are left out. The first bad value raises InvalidInput."""
    found: dict[str, FieldValue] = {}
    for field in fields:
        if field.key in given:
            value = field.read(given[field.key])
            if value is not None:
                found[field.key] = value
    return found


# --- conditions: list filters and routing rules -------------------------------------------


@dataclass(frozen=True, slots=True)
class Bound:
    """A range of numbers, or of dates as ISO text (None: open on that side). `>200` is
    strictly above 200; `100..500` holds both ends."""

    low: float | str | None = None
    high: float | str | None = None
    strict: bool = False  # the end given (`>` or `<`) is itself left out

    def holds(self, value: Any) -> bool:
        if value is None or isinstance(value, bool):
            return False
        try:
            above = self.low is None or value > self.low or (not self.strict and value == self.low)
            below = self.high is None or value < self.high or (not self.strict and value == self.high)
        except TypeError:  # a value of another type (the field changed type since)
            return False
        return above and below


@dataclass(frozen=True, slots=True)
class Condition:
    """`industry:fintech,retail` or `company_size:>200`: any of `values` (text, choices and
    yes/no, compared without case) or any of `bounds` (numbers and dates)."""

    field: CustomField
    values: tuple[str, ...] = ()
    bounds: tuple[Bound, ...] = ()

    @property
    def key(self) -> str:
        return self.field.key

    def holds(self, value: Any) -> bool:
        if self.bounds:
            return any(bound.holds(value) for bound in self.bounds)
        return value is not None and self.field.text(value).casefold() in {v.casefold() for v in self.values}

    def texts(self) -> list[str]:
        """As written in a filter (`>200`, `fintech`), so the condition reads back."""
        if not self.bounds:
            return list(self.values)
        return [_bound_text(self.field, b) for b in self.bounds]


def condition(field: CustomField, values: list[str]) -> Condition:
    """A condition from a filter's or a rule's values; InvalidInput says how to write one."""
    if field.type in (FieldType.NUMBER, FieldType.DATE):
        return Condition(field, bounds=tuple(_bound(field, v) for v in values))
    if field.type is FieldType.BOOL:
        return Condition(field, values=tuple(field.text(field.read(v)) for v in values))
    if field.type is FieldType.CHOICE:
        return Condition(field, values=tuple(str(field.read(v)) for v in values))
    return Condition(field, values=tuple(values))


def condition_help(field: CustomField) -> str:
    key = field.key
    return {
        FieldType.TEXT: f"{key}:word or {key}:word,other",
        FieldType.NUMBER: f"{key}:>200, {key}:<50, {key}:100..500 or {key}:250",
        FieldType.CHOICE: f"{key}:{','.join(field.choices[:2])} (one of {', '.join(field.choices)})",
        FieldType.DATE: f"{key}:>2027-01-01, {key}:<2027-01-01 or {key}:2027-01-01..2027-03-31",
        FieldType.BOOL: f"{key}:yes or {key}:no",
    }[field.type]


def _bound(field: CustomField, text: str) -> Bound:
    text = text.strip()
    compare, span = _COMPARE.fullmatch(text), _RANGE.fullmatch(text)
    if compare:
        point = _point(field, compare[2], text)
        return Bound(low=point, strict=True) if compare[1] == ">" else Bound(high=point, strict=True)
    if span:
        low, high = _point(field, span[1], text), _point(field, span[2], text)
        if low > high:  # type: ignore[operator]
            raise InvalidInput(field.key, f"`{field.key}:{text}` runs backwards: write the lower end first.")
        return Bound(low, high)
    point = _point(field, text, text)
    return Bound(point, point)


def _point(field: CustomField, text: str, whole: str) -> float | str:
    if field.type is FieldType.NUMBER:
        number = parse_number(text)
        if number is not None:
            return number
    else:
        day = parse_day(text)
        if day is not None:
            return day
    raise InvalidInput(
        field.key, f"`{field.key}:{whole}` is not a {field.type} filter: write {condition_help(field)}."
    )


def _bound_text(field: CustomField, bound: Bound) -> str:
    low, high = (field.text(v) for v in (bound.low, bound.high))
    if bound.low is not None and bound.high is not None:
        return low if bound.low == bound.high else f"{low}..{high}"
    return f">{low}" if bound.low is not None else f"<{high}"
