"""Acting on many leads at once: `bulk reassign|route|lost|nurture|tag <filters>`, `reassign @from
@to [filters]` (a rep who leaves), `undo` (the latest bulk action); the filters are
`/lead list`'s (bot/grammar/lists.read_filter)."""

from dataclasses import replace
from itertools import takewhile
from typing import Any

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.kinds import Kind, Mention
from bot.grammar.lists import USAGE, read_filter
from bot.grammar.outcomes import ParseEnv
from bot.grammar.spec import Area, Arg, SubcommandSpec, Values
from bot.grammar.tokens import Words, split_key_value, user_id_of
from domain.book.bulk import BulkKind
from domain.book.filters import LeadFilter
from domain.book.tags import read_change
from domain.errors import InvalidInput
from handlers.commands import PrepareBulk, UndoBulk

FILTERS = " ".join(f"[{word}]" for word in USAGE[:3]) + " …"
NOT_ONE_PERSON = "`{token}` is not one person: mention them, like @ann."
NEEDS_A_FILTER = (
    "Give at least one filter (as `/lead list` takes them), e.g. `source:webinar owner:none`: "
    "a bulk action on every lead is too easy to run by mistake."
)
WHAT = {
    "reassign": BulkKind.REASSIGN,
    "route": BulkKind.ROUTE,
    "lost": BulkKind.LOSE,
    "nurture": BulkKind.NURTURE,
    "tag": BulkKind.TAG,
}
HOW = (
    "`bulk reassign @rep <filters>`, `bulk route <filters>`, `bulk lost <reason> <filters>`, "
    "`bulk nurture [cadence] <filters>` or `bulk tag hot -cold <filters>`"
)


class BulkRequest(Kind):
    """The action, its own word (a rep, a reason, a cadence) and the filters, to the end of the
    line: a dict of PrepareBulk's fields."""

    placeholder = "action"
    example = "reassign @ben source:webinar owner:none"

    def take(self, words: Words, at: int, env: ParseEnv) -> tuple[Any, int]:
        tokens = list(words[at:])
        kind = WHAT.get(tokens[0].lower())
        if kind is None:
            raise CommandSyntaxError(f"`{tokens[0]}` is not a bulk action: write {HOW}.")
        params, rest = _params(kind, tokens[1:])
        note, rest = _note(rest)
        if note:
            params["note"] = note
        return {"kind": kind, "params": params, "filter": filters(rest)}, len(words)

    def shape(self, placeholder: str, optional: bool) -> str:
        return f"reassign @rep|route|lost <reason>|nurture [cadence]|tag <tag -tag …> {FILTERS}"


def _params(kind: BulkKind, tokens: list[str]) -> tuple[dict[str, str], list[str]]:
    first = tokens[0] if tokens else ""
    if kind is BulkKind.REASSIGN:
        rep = user_id_of(first)
        if rep is None:
            raise CommandSyntaxError("Say who gets the leads: `/lead bulk reassign @ben source:webinar`.")
        return {"rep": rep}, tokens[1:]
    if kind is BulkKind.LOSE:
        if not first or split_key_value(first) is not None:
            raise CommandSyntaxError("Give the reason first: `/lead bulk lost unresponsive stale:>60d`.")
        return {"reason": first.lower()}, tokens[1:]
    if kind is BulkKind.NURTURE and first and split_key_value(first) is None:
        return {"cadence": first.lower()}, tokens[1:]
    if kind is BulkKind.TAG:
        return _tags(tokens)
    return {}, tokens


def _tags(tokens: list[str]) -> tuple[dict[str, str], list[str]]:
    """The words before the first filter: tags to add, or with a leading `-` to remove."""
    words = list(takewhile(lambda token: split_key_value(token) is None, tokens))
    try:
        change = read_change(words)
    except InvalidInput as exc:
        raise CommandSyntaxError(f"{exc} For example `/lead bulk tag hot -cold source:webinar`.") from exc
    return {"add": ",".join(change.add), "remove": ",".join(change.remove)}, tokens[len(words) :]


def _note(tokens: list[str]) -> tuple[str, list[str]]:
    """`note:"..."` beside the filters: the reason `other` needs one."""
    notes = [pair[1] for token in tokens if (pair := split_key_value(token)) and pair[0].lower() == "note"]
    rest = [token for token in tokens if not ((pair := split_key_value(token)) and pair[0].lower() == "note")]
    return " ".join(notes), rest


def filters(tokens: list[str], required: bool = True) -> LeadFilter:
    if not tokens and required:
        raise CommandSyntaxError(NEEDS_A_FILTER)
    return read_filter(tokens) if tokens else LeadFilter()


def _bulk(values: Values, env: ParseEnv) -> PrepareBulk:
    return PrepareBulk(**values["request"], request_key=env.request_key)


class ReassignFilters(Kind):
    placeholder = "filters"
    example = "status:new,contacted"
    optional = True

    def take(self, words: Words, at: int, env: ParseEnv) -> tuple[Any, int]:
        return filters(list(words[at:]), required=False), len(words)

    def shape(self, placeholder: str, optional: bool) -> str:
        return "[status:…] [team:…] [country:…] …"  # any list filter but owner: (the first person)


def _reassign(values: Values, env: ParseEnv) -> PrepareBulk:
    """A departing rep's open leads (narrowed by any filters) to another rep."""
    departing, rep = values["from"], values["to"]
    if departing == rep:
        raise CommandSyntaxError(
            "Those are the same person: `/lead reassign @ann @ben` moves ann's leads to ben."
        )
    wanted: LeadFilter = values.get("filter") or LeadFilter()
    if wanted.owners:
        raise CommandSyntaxError("`owner:` is the first person here: leave it out of the filters.")
    return PrepareBulk(
        kind=BulkKind.REASSIGN,
        params={"rep": rep, "from": departing},
        filter=replace(wanted, owners=(departing,)),
        request_key=env.request_key,
    )


def _undo(values: Values, env: ParseEnv) -> UndoBulk:
    return UndoBulk(request_key=env.request_key)


BULK = SubcommandSpec(
    "bulk",
    "Managers: act on every open lead a list filter matches (reassign, re-route through routing, "
    "close as lost, enrol in a cadence, add or remove tags), after a confirmation; undo within a day",
    (Arg("request", BulkRequest(), what="the action and its filters"),),
    (
        "/lead bulk reassign @ben source:webinar owner:none country:EMEA score:>40",
        "/lead bulk route owner:none team:na",
        "/lead bulk lost unresponsive stale:>60d",
        '/lead bulk lost other note:"moved in-house" campaign:spring',
        "/lead bulk nurture new-lead status:contacted stale:>14d",
        "/lead bulk tag webinar-2026 -cold source:webinar",
    ),
    _bulk,
)
REASSIGN = SubcommandSpec(
    "reassign",
    "Managers: move a departing rep's open leads (those the filters match) to another rep; both hear "
    "of it by DM; confirmation first, undo within a day",
    (
        Arg("from", Mention(NOT_ONE_PERSON), what="whose leads (an @mention)"),
        Arg("to", Mention(NOT_ONE_PERSON), what="who gets them (an @mention)", example="@ben"),
        Arg("filters", ReassignFilters(), optional=True, field="filter"),
    ),
    ("/lead reassign @ann @ben", "/lead reassign @ann @ben country:EMEA status:new,contacted"),
    _reassign,
)
UNDO = SubcommandSpec(
    "undo",
    "Managers: undo your latest bulk action (within a day); leads changed since are named and kept",
    (),
    ("/lead undo",),
    _undo,
)

AREA = Area("Bulk", (BULK, REASSIGN, UNDO))


def asks_for_undo(text: str) -> bool:
    """`/lead undo` takes a while for hundreds of leads: its own listener answers after the ack."""
    words = text.split()
    return len(words) == 1 and words[0].lower() == "undo"
