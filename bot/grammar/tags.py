"""Editing a lead after capture: `tag` (domain/book/tags.py) and `set` (its custom fields)."""

from typing import Any

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.kinds import KeyValues, Kind
from bot.grammar.outcomes import ParseEnv
from bot.grammar.spec import LEAD, Area, Arg, SubcommandSpec, Values
from bot.grammar.tokens import Words
from domain.book.tags import read_change
from domain.errors import InvalidInput
from handlers.commands import SetFields, TagLead


class TagWords(Kind):
    """Every word after the lead: a tag to add, or with a leading `-` one to remove."""

    placeholder = "tag ... -tag ..."
    what = "a tag to add (or `-tag` to remove), e.g. `hot -cold`"
    example = "hot enterprise -cold"

    def take(self, words: Words, at: int, env: ParseEnv) -> tuple[Any, int]:
        try:
            change = read_change(words[at:])
        except InvalidInput as exc:
            raise CommandSyntaxError(str(exc)) from exc
        return change, len(words)


def _tag(values: Values, env: ParseEnv) -> TagLead:
    change = values["change"]
    return TagLead(number=values["number"], add=change.add, remove=change.remove)


def _set(values: Values, env: ParseEnv) -> SetFields:
    fields = values.get("fields") or {}
    if not fields:
        raise CommandSyntaxError(
            "Give the fields to set as key:value, e.g. `/lead set L-42 industry:retail`."
        )
    return SetFields(number=values["number"], fields=fields)


AREA = Area(
    "Tags and fields",
    (
        SubcommandSpec(
            "tag",
            "Add tags to a lead, or remove them with a leading -",
            (LEAD, Arg("change", TagWords())),
            ("/lead tag L-42 hot enterprise -cold",),
            _tag,
        ),
        SubcommandSpec(
            "set",
            "Set a lead's own fields (the [[fields]] of the config); `field:-` empties one",
            (LEAD, Arg("fields", KeyValues(), placeholder="field:value")),
            ("/lead set L-42 industry:fintech company_size:250",),
            _set,
            any_order=True,
        ),
    ),
)
