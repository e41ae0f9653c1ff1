"""Slicing the book: `list [filters] [sort:score|created|stale]` (domain/book/filters.py reads
the filters; this module only splits them out of the line)."""

import re
from typing import Any

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.kinds import Kind
from bot.grammar.outcomes import ParseEnv
from bot.grammar.spec import Area, Arg, SubcommandSpec, Values
from bot.grammar.tokens import Words, split_key_value
from domain.book.filters import LeadFilter, parse_filter
from domain.book.saved_lists import SHARE
from domain.custom_fields import CustomField
from domain.errors import InvalidInput
from handlers.commands import DeleteList, ListLeads, SaveList, ShowSavedLists

# A Next button carries the filter as text in its value (Slack allows 2,000 characters, the
# page number and sort ride beside it): a longer filter is refused when typed, not on paging.
MAX_FILTER_TEXT = 1_500
SAVE, SAVED, DELETE = "save", "saved", "delete"
RESERVED = (SAVE, SAVED, DELETE)  # words of the grammar, never a list's name
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
    """Every remaining `key:value` pair, read into a LeadFilter; or `save <name>` before them
    (and `share:<team>` among them), `delete <name> [share:<team>]`, `saved`, or a saved
    list's name alone: a dict of the fields of the command `_list` builds."""

    placeholder = "filters"
    example = "status:new owner:none score:>40"

    def take(self, words: Words, at: int, env: ParseEnv) -> tuple[Any, int]:
        tokens = list(words[at:])
        first = tokens[0].lower()
        if first == SAVE:
            return _save(tokens[1:], env), len(words)
        if first == DELETE:
            return _delete(tokens[1:]), len(words)
        if first == SAVED and len(tokens) == 1:
            return {"show_saved": True}, len(words)
        if split_key_value(tokens[0]) is None and len(tokens) == 1:
            return {"saved": list_name(tokens[0])}, len(words)
        return {"filter": read_filter(tokens, env.fields)}, len(words)

    def shape(self, placeholder: str, optional: bool) -> str:
        return (
            f"[{' '.join(USAGE)}] [sort:score|created|stale] | save <name> <filters> [{SHARE}:<team>] "
            f"| <name> | {SAVED} | {DELETE} <name> [{SHARE}:<team>]"
        )


def _save(tokens: list[str], env: ParseEnv) -> dict[str, Any]:
    rest, team = _share(tokens[1:])
    if not tokens or not rest:
        raise CommandSyntaxError(
            "Give the list a name and its filters: `/lead list save hot score:>60`, "
            f"or for your team `/lead list save hot score:>60 {SHARE}:<team>`."
        )
    return {"name": list_name(tokens[0]), "filter": read_filter(rest, env.fields), "team": team}


def _delete(tokens: list[str]) -> dict[str, Any]:
    rest, team = _share(tokens[1:])
    if not tokens or rest:
        raise CommandSyntaxError(
            "Name one list to delete: `/lead list delete hot-emea`, or a team's "
            f"`/lead list delete hot-emea {SHARE}:emea`. `/lead list {SAVED}` shows your lists."
        )
    # A list saved before `saved` and `delete` were words of the grammar can still go.
    return {"deleted": list_name(tokens[0], allow_reserved=True), "team": team}


def _share(tokens: list[str]) -> tuple[list[str], str | None]:
    """The tokens without `share:<team>`, and that team's key (one at most)."""
    teams = [pair[1] for pair in map(split_key_value, tokens) if pair is not None and pair[0] == SHARE]
    if len(teams) > 1:
        raise CommandSyntaxError(f"Share a list with one team: `{SHARE}:emea`, once.")
    rest = [token for token in tokens if (split_key_value(token) or ("", ""))[0] != SHARE]
    return rest, teams[0].lower() if teams else None


def list_name(word: str, allow_reserved: bool = False) -> str:
    """A saved list's name: a word of letters, digits, `-` or `_`, in any case."""
    name = word.lower()
    if not NAME.fullmatch(name) or (name in RESERVED and not allow_reserved):
        raise CommandSyntaxError(
            f"`{word}` cannot name a list: use one word of letters, digits, - or _ "
            f"(at most 40, not {', '.join(sorted(RESERVED))}), like `hot-emea`."
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


def _list(values: Values, env: ParseEnv) -> ListLeads | SaveList | DeleteList | ShowSavedLists:
    given = dict(values.get("filter", {}))
    if given.pop("show_saved", False):
        return ShowSavedLists()
    if "deleted" in given:
        return DeleteList(name=given.pop("deleted"), **given)
    return SaveList(**given) if "name" in given else ListLeads(**given)


LIST = SubcommandSpec(
    "list",
    "Slice the leads you may see by filters (commas for several values), 20 a page, "
    "hottest first or sorted by created or stale; your own fields filter by key "
    "(`industry:fintech,retail`, `company_size:>200`); save a filter under a name and list it by that "
    "name: your own, or (managers and admins) shared with a team by `share:<team>`, which its "
    "members run by name and each sees only the leads they may see; `saved` lists them, `delete` forgets one",
    (Arg("filters", Filters(), optional=True, field="filter"),),
    (
        "/lead list status:new owner:none",
        "/lead list source:webinar country:EMEA score:>40",
        "/lead list owner:me stale:>14d sort:stale",
        "/lead list created:7d stage:mql,sql",
        "/lead list tag:hot,enterprise owner:none",
        "/lead list save hot-emea country:EMEA score:>60",
        "/lead list hot-emea",
        "/lead list save webinars-emea source:webinar owner:none share:emea",
        "/lead list saved",
        "/lead list delete hot-emea",
    ),
    _list,
)

AREA = Area("Lists", (LIST,))
