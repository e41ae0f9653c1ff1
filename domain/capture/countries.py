"""Countries as people write them: an ISO code (`DE`), an English name (`Germany`) or a region
of the routing config (`EMEA`). Lead rows hold what was typed, so a filter matches any of the
spellings of the countries it names. Names come from phonenumbers' region data (its 245
regions), which the phone normaliser already relies on."""

import difflib
from collections.abc import Iterable, Mapping
from functools import cache

from phonenumbers import SUPPORTED_REGIONS

from domain.errors import InvalidInput


@cache
def _names() -> dict[str, str]:
    """ISO code (lower case) -> English name (lower case), for every region known. The
    geocoder is imported at the first use: its data take a third of a second to load, which
    every command that never names a country (`leadbot import` of most files) would pay."""
    from phonenumbers.geocoder import _region_display_name  # the English name of a region code

    return {code.lower(): _region_display_name(code, "en").lower() for code in SUPPORTED_REGIONS}


@cache
def _codes() -> dict[str, str]:
    return {name: code for code, name in _names().items() if name}


def spellings(term: str) -> set[str]:
    """The lower-case spellings of one country, `de` or `germany`; empty when unknown."""
    key = term.strip().lower()
    code = key if key in _names() else _codes().get(key)
    return {code, _names()[code]} - {""} if code else set()


def country_terms(terms: Iterable[str], regions: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    """Every spelling a lead's country may have to match one of `terms`; a region stands for
    its members. An unknown word is bad input: a typo would otherwise match nothing quietly."""
    by_region = {name.lower(): members for name, members in regions.items()}
    found: set[str] = set()
    for term in terms:
        members = by_region.get(term.lower(), (term,))
        for member in members:
            found |= spellings(member) or _unknown(member, term, by_region)
    return tuple(sorted(found))


def _unknown(member: str, term: str, regions: Mapping[str, object]) -> set[str]:
    if member != term:  # a region's own member: the config may name places we do not know
        return {member.strip().lower()}

    known = [*regions, *_codes()]
    close = difflib.get_close_matches(term.lower(), known, n=1, cutoff=0.7)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    named = f" or a region ({', '.join(sorted(regions))})" if regions else ""
    raise InvalidInput(
        "country",
        f"`{term}` is not a country I know.{hint} Write an ISO code (DE), an English name (Germany){named}.",
    )
