"""Slicing the book: `list [filters] [sort:score|created|stale]` (domain/lead_filter.py reads
the filters; this module only splits them out of the line)."""

from typing import Any

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.kinds import Kind
from bot.grammar.outcomes import ParseEnv
from bot.grammar.spec import Area, Arg, SubcommandSpec, Values
from bot.tokens import Words, split_key_value
from domain.errors import InvalidInput
from domain.lead_filter import LeadFilter, parse_filter
from handlers.commands import ListLeads

# A Next button carries the filter as text in its value (Slack allows 2,000 characters, the
# page number and sort ride beside it): a longer filter is refused when typed, not on paging.
MAX_FILTER_TEXT = 1_500
USAGE = (
    "status:…",
    "owner:@user|me|none",
    "team:…",
    "source:…",
    "campaign:…",
    "country:…",
    "product:…",
    "score:>40|<20|20..60",
    "created:7d|>30d",
    "stale:>14d",
    "stage:mql|sql",
)


class Filters(Kind):
    """Every remaining `key:value` pair, read into a LeadFilter."""

    placeholder = "filters"
    example = "status:new owner:none score:>40"

    def take(self, words: Words, at: int, env: ParseEnv) -> tuple[Any, int]:
        return read_filter(list(words[at:])), len(words)

    def shape(self, placeholder: str, optional: bool) -> str:
        return f"[{' '.join(USAGE)}] [sort:score|created|stale]"


def read_filter(tokens: list[str]) -> LeadFilter:
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
        found = parse_filter(pairs)
    except InvalidInput as exc:
        raise CommandSyntaxError(str(exc)) from exc
    if len(found.text()) > MAX_FILTER_TEXT:
        raise CommandSyntaxError(
            f"That filter is too long to page through: keep it under {MAX_FILTER_TEXT} characters."
        )
    return found


def _list(values: Values, env: ParseEnv) -> ListLeads:
    return ListLeads(filter=values.get("filter", LeadFilter()))


LIST = SubcommandSpec(
    "list",
    "Slice the leads you may see by filters (commas for several values), 20 a page, "
    "hottest first or sorted by created or stale",
    (Arg("filters", Filters(), optional=True, field="filter"),),
    (
        "/lead list status:new owner:none",
        "/lead list source:webinar country:EMEA score:>40",
        "/lead list owner:me stale:>14d sort:stale",
        "/lead list created:7d stage:mql,sql",
    ),
    _list,
)

AREA = Area("Lists", (LIST,))
