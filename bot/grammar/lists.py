"""Slicing the book: `list [filters] [sort:score|created|stale]` (domain/lead_filter.py reads
the filters; this module only splits them out of the line)."""

import re
from typing import Any

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.kinds import Kind
from bot.grammar.outcomes import ParseEnv
from bot.grammar.spec import Area, Arg, SubcommandSpec, Values
from bot.tokens import Words, split_key_value
from domain.custom_fields import CustomField
from domain.errors import InvalidInput
from domain.lead_filter import LeadFilter, parse_filter
from handlers.commands import ListLeads, SaveList

# A Next button carries the filter as text in its value (Slack allows 2,000 characters, the
# page number and sort ride beside it): a longer filter is refused when typed, not on paging.
MAX_FILTER_TEXT = 1_500
SAVE = "save"
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
USAGE = (
    "status:…",
    "owner:@user|me|none",
    "team:…",
    "source:…",
    "campaign:…",
    "country:…",
    "product:…",
    "score:>40|<20|20..60",
    "created:7d|>30d|2026-11",
    "stale:>14d",
    "stage:mql|sql",
    "tag:…",
    "<field>:…",
)


class Filters(Kind):
    """Every remaining `key:value` pair, read into a LeadFilter; or `save <name>` before
    them, or a saved list's name alone: a dict of ListLeads' or SaveList's fields."""

    placeholder = "filters"
    example = "status:new owner:none score:>40"

    def take(self, words: Words, at: int, env: ParseEnv) -> tuple[Any, int]:
        tokens = list(words[at:])
        if tokens[0].lower() == SAVE:
            if len(tokens) < 3:
                raise CommandSyntaxError(
                    "Give the list a name and its filters: `/lead list save hot score:>60`."
                )
            return {"name": list_name(tokens[1]), "filter": read_filter(tokens[2:], env.fields)}, len(words)
        if split_key_value(tokens[0]) is None and len(tokens) == 1:
            return {"saved": list_name(tokens[0])}, len(words)
        return {"filter": read_filter(tokens, env.fields)}, len(words)

    def shape(self, placeholder: str, optional: bool) -> str:
        return f"[{' '.join(USAGE)}] [sort:score|created|stale] | save <name> <filters> | <name>"


def list_name(word: str) -> str:
    """A saved list's name: a word of letters, digits, `-` or `_`, in any case."""
    name = word.lower()
    if not NAME.fullmatch(name) or name == SAVE:
        raise CommandSyntaxError(
            f"`{word}` cannot name a list: use one word of letters, digits, - or _ "
            "(at most 40), like `hot-emea`."
        )
    return name


def read_filter(tokens: list[str], fields: tuple[CustomField, ...] = ()) -> LeadFilter:
    """Tokens -> a filter; what is not `key:value`, or a bad filter, is a CommandSyntaxError."""
    pairs = []
    for token in tokens:
        pair = split_key_value(token)
        if pair is None:
            raise CommandSyntaxError(
                f"`{token}` is not a filter: write key:value, e.g. `status:new`, `owner:me` or `score:>40`."
            )
        pairs.append(pair)
    try:
        found = parse_filter(pairs, fields)
    except InvalidInput as exc:
        raise CommandSyntaxError(str(exc)) from exc
    if len(found.text()) > MAX_FILTER_TEXT:
        raise CommandSyntaxError(
            f"That filter is too long to page through: keep it under {MAX_FILTER_TEXT} characters."
        )
    return found


def _list(values: Values, env: ParseEnv) -> ListLeads | SaveList:
    given = values.get("filter", {})
    return SaveList(**given) if "name" in given else ListLeads(**given)


LIST = SubcommandSpec(
    "list",
    "Slice the leads you may see by filters (commas for several values), 20 a page, "
    "hottest first or sorted by created or stale; your own fields filter by key "
    "(`industry:fintech,retail`, `company_size:>200`); save a filter under a name and list it by that name",
    (Arg("filters", Filters(), optional=True, field="filter"),),
    (
        "/lead list status:new owner:none",
        "/lead list source:webinar country:EMEA score:>40",
        "/lead list owner:me stale:>14d sort:stale",
        "/lead list created:7d stage:mql,sql",
        "/lead list tag:hot,enterprise owner:none",
        "/lead list save hot-emea country:EMEA score:>60",
        "/lead list hot-emea",
    ),
    _list,
)

AREA = Area("Lists", (LIST,))
