"""Pydantic's refusals in words a person can act on: what the limit is, what they gave, and
what to write instead. Every message is built here from the error's type and numbers, so
pydantic's own wording ("Input should be…", "String should have…") never reaches anyone,
whether they typed a command, filled a form, posted to a webhook or imported a file."""

import difflib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails


@dataclass(frozen=True, slots=True)
class Words:
    """How a field is named in a sentence, and what to do about a value that breaks its rule."""

    noun: str  # "a note": starts a sentence once capitalised
    advice: str = "shorten it"  # for a value too long
    rule: str | None = None  # the whole rule, said instead of a bare bound ("from 0 to 100")


# Keyed "Model.field" where one field name means different things, else by the field alone.
WORDS: dict[str, Words] = {
    "AddNote.text": Words("a note", "split it into two notes"),
    "LogActivity.text": Words("the text of what you log", "put the rest in a `/lead note`"),
    "SetReminder.text": Words("a reminder's text", "keep it short and put the details in a `/lead note`"),
    "LoseLead.note": Words("the note on a lost lead", "put the rest in a `/lead note`"),
    "LoseLead.reason": Words("a reason", "use one of the reasons `/lead lost <lead>` lists"),
    "FindLeads.query": Words("what to look for", "search for fewer words"),
    "percent": Words("a chance", rule="A chance is a percentage from 0 to 100"),
    "value": Words("a deal's value", rule="A deal's value is an amount from 0 up"),
    "days": Words("a report's period", rule="A report covers 1 to 366 days"),
    "rep": Words("the person", rule="Give one person, mentioned like @ann"),
    "answers": Words("the answers", rule="Give at least one answer, e.g. budget:yes"),
    "events": Words("the events", "send at most 500 in one request and the rest in another"),
    "number": Words("a lead's number", rule="A lead is written L-42, #42 or 42"),
    "kind": Words("what you log"),
    "name": Words("a name"),
    "email": Words("an email address"),
    "phone": Words("a phone number"),
    "team": Words("a team's key"),
    "cadence": Words("a cadence's name"),
    "product": Words("a product's name"),
    "url": Words("a URL"),
    "external_id": Words("an external id"),
    "origin_url": Words("the address of the page a lead came from"),
}

_KINDS = (  # error type prefix -> the kind of value to send instead
    ("int_", "a whole number, like 42"),
    ("float_", "a number, like 12.5"),
    ("decimal_", "a number, like 12000"),
    ("bool_", "true or false"),
    ("string_type", "text"),
    ("string_unicode", "text"),
    ("datetime_", "a date and time, like 2026-12-01T09:00:00Z"),
    ("date_", "a date, like 2026-12-01"),
    ("dict_type", 'an object of "key": "value" pairs'),
    ("list_type", "a list"),
    ("tuple_type", "a list"),
    ("enum", None),
    ("literal_error", None),
)


def describe(exc: ValidationError, known: Collection[str] = ()) -> str:
    """Every problem of one refusal, in order, each said once."""
    said = dict.fromkeys(explain(error, exc.title, known) for error in exc.errors())
    return " ".join(said)


def explain(error: ErrorDetails, model: str = "", known: Collection[str] = ()) -> str:
    """One problem as a sentence. `known`: the field names an unknown one may be a typo of."""
    field = field_of(error["loc"])
    if error["type"] == "extra_forbidden":
        return unknown_field(field, known)
    words = WORDS.get(f"{model}.{field}") or WORDS.get(field) or Words(f"the {field.replace('_', ' ')}")
    return _SAYINGS.get(error["type"], _by_kind)(error, words)


def unknown_field(name: str, known: Collection[str]) -> str:
    close = closest(name, known)
    if close:
        return f'Unknown field "{name}": did you mean "{close}"?'
    listed = f": send only {', '.join(sorted(known))}" if known else ""
    return f'Unknown field "{name}"{listed}.'


def closest(name: str, known: Collection[str]) -> str | None:
    """The known name a typo most likely meant, if one is close enough."""
    close = difflib.get_close_matches(name.lower(), sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


def field_of(loc: tuple[int | str, ...]) -> str:
    """The name a person knows a field by: the last named part of where the error is."""
    named = [part for part in loc if isinstance(part, str)]
    return named[-1] if named else "value"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _too_long(error: ErrorDetails, words: Words) -> str:
    limit = int(_ctx(error, "max_length"))
    given = error["input"]
    yours = f" (yours has {len(given):,})" if isinstance(given, str | list | tuple | dict) else ""
    unit = "characters" if error["type"] == "string_too_long" else "items"
    return f"{_capital(words.noun)} can be at most {limit:,} {unit}{yours}: {words.advice}."


def _too_short(error: ErrorDetails, words: Words) -> str:
    if words.rule:
        return f"{words.rule}."
    least = int(_ctx(error, "min_length"))
    if least <= 1:
        return f"{_capital(words.noun)} cannot be empty."
    return f"{_capital(words.noun)} needs at least {least:,} characters."


_BOUNDS = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le"}
_BOUND_WORDS = {"gt": "more than", "ge": "at least", "lt": "less than", "le": "at most"}


def _out_of_bounds(error: ErrorDetails, words: Words) -> str:
    given = f", not {error['input']}" if len(str(error["input"])) <= 20 else ""
    if words.rule:
        return f"{words.rule}{given}."
    bound = _BOUNDS[error["type"]]
    return f"{_capital(words.noun)} must be {_BOUND_WORDS[bound]} {_ctx(error, bound)}{given}."


def _mismatch(error: ErrorDetails, words: Words) -> str:
    return f"{words.rule}." if words.rule else f"{_capital(words.noun)} is not written in a form we can read."


def _missing(error: ErrorDetails, words: Words) -> str:
    return f"{_capital(words.noun)} is missing."


def _own(error: ErrorDetails, words: Words) -> str:
    """Our own validators' words (a ValueError's message), without pydantic's prefix."""
    said = str(_ctx(error, "error")).strip() or f"{_capital(words.noun)} is not valid"
    return _capital(said) if said.endswith((".", "!", "?")) else f"{_capital(said)}."


def _by_kind(error: ErrorDetails, words: Words) -> str:
    """A value of the wrong kind: say which kind to send (an enum's choices are ours to list)."""
    kind = next((kind for prefix, kind in _KINDS if error["type"].startswith(prefix)), "")
    if kind is None:
        return f"{_capital(words.noun)} must be one of {_ctx(error, 'expected')}."
    if kind:
        return f"{_capital(words.noun)} must be {kind}."
    return f"{_capital(words.noun)} is not valid."


def _ctx(error: ErrorDetails, key: str) -> Any:
    """A number or text from the error's context (a bound, a length, our validator's error)."""
    return (error.get("ctx") or {}).get(key, "")


_SAYINGS: dict[str, Callable[[ErrorDetails, Words], str]] = {
    "string_too_long": _too_long,
    "too_long": _too_long,
    "string_too_short": _too_short,
    "too_short": _too_short,
    "string_pattern_mismatch": _mismatch,
    "missing": _missing,
    "value_error": _own,
    "assertion_error": _own,
    **dict.fromkeys(_BOUNDS, _out_of_bounds),
}
