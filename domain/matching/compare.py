"""Comparison vectors: how two leads agree, field by field, in a few levels (record linkage).

A Fellegi–Sunter matcher does not score a pair with one formula: it sorts the pair's
agreement on each field into a level (exact, close, somewhat close, different, missing),
and weighs each level by how much more often true matches than non-matches reach it
(domain.matching.score, with weights learned from unlabelled pairs by bench/fit_match_weights).
This module only sorts; it knows no weights.

Fields: the given name and the surname (the first and last word of the name, compared
straight or swapped, whichever agrees more: "Smith, Jane" is Jane Smith), the company (or
the organisation a lead is reached at), the email and the phone. A level of MISSING means a
side has nothing to compare; it weighs nothing either way."""

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from domain.capture.names import GENERIC_ORG_WORDS, Word, normalise_company, soundex
from domain.matching.profile import MatchProfile

MISSING = -1
FIELDS = ("given", "surname", "company", "email", "phone")
LEVELS = {"given": 5, "surname": 5, "company": 5, "email": 4, "phone": 2}  # levels 0..n-1, then MISSING

# Jaro-Winkler cut-offs for a word: the same word or a known variant (4), a slip or two (3, 2),
# related spelling or an initial that fits (1), else different (0).
_WORD_CUTS = (0.94, 0.88, 0.75)
# Similarity (0..100) cut-offs for an organisation's name: 4 exact, 3, 2, 1, else 0.
_ORG_CUTS = (92.0, 80.0, 65.0)
# Dice (0..100) cut-offs for the telling words of two organisations' names: 3, 2, 1, else 0.
_TELLING_CUTS = (92.0, 60.0, 33.0)
# Two words of an organisation's name are one when this close (Jaro-Winkler): a slip or two.
_WORD_SLIP = 0.9

Vector = tuple[int, int, int, int, int]


@dataclass(frozen=True, slots=True)
class Sides:
    """What comparison reads of one lead."""

    given: Word | None
    surname: Word | None
    company: str  # the organisation's name, folded and without legal suffixes, words kept
    company_core: str  # the same without spaces ("bayly p lace" and "bayly place" agree)


def sides_of(profile: MatchProfile, company: str | None) -> Sides:
    named = profile.words
    given = named[0] if len(named) > 1 else None
    surname = named[-1] if named else None
    return Sides(given, surname, *_org(company or ""))


@lru_cache(maxsize=1 << 15)
def _org(company: str) -> tuple[str, str]:
    spaced = normalise_company(company)
    return spaced, spaced.replace(" ", "")


@lru_cache(maxsize=1 << 15)
def org_word_codes(company: str | None, most: int = 4) -> frozenset[str]:
    """Sound codes of the first telling words of the company's name, for blocking."""
    spaced, _ = _org(company or "")
    telling = [word for word in _telling(spaced) if word.isalpha()]
    return frozenset(soundex(word) for word in telling[:most])


def compare(new: MatchProfile, old: MatchProfile, a: Sides, b: Sides) -> Vector:
    """The comparison vector of two leads."""
    given, surname = compare_names(a, b)
    return (given, surname, _company(a, b), _email(new, old), _phone(new, old))


def compare_names(a: Sides, b: Sides) -> tuple[int, int]:
    """(given, surname) levels, straight or swapped, whichever agrees more. A name of one
    word may be either: it is compared with both of the other's and counts where it fits."""
    a_given, a_last, b_given, b_last = a.given, a.surname, b.given, b.surname
    if a_last is None or b_last is None:
        return MISSING, MISSING
    if a_given is None and b_given is None:
        return MISSING, word_level(a_last, b_last)
    if a_given is None or b_given is None:
        single, other_given, other_last = (
            (a_last, b_given, b_last) if a_given is None else (b_last, a_given, a_last)
        )
        assert other_given is not None
        as_surname, as_given = word_level(single, other_last), word_level(single, other_given)
        return (MISSING, as_surname) if as_surname >= as_given else (as_given, MISSING)
    straight = (word_level(a_given, b_given), word_level(a_last, b_last))
    swapped = (word_level(a_given, b_last), word_level(a_last, b_given))
    return swapped if sum(swapped) > sum(straight) + 1 else straight


@lru_cache(maxsize=1 << 16)  # some 180 bytes an entry; emptied every 25,000 rows of an import
def word_level(a: Word, b: Word) -> int:
    if a.text == b.text or not a.forms.isdisjoint(b.forms):
        return 4
    if a.initial or b.initial:
        short, full = (a, b) if a.initial else (b, a)
        return 1 if any(form[0] == short.text for form in full.forms) else 0
    similarity = JaroWinkler.similarity(a.text, b.text)
    for level, cut in zip((3, 2, 1), _WORD_CUTS, strict=True):
        if similarity >= cut:
            return level
    return 1 if soundex(a.text) == soundex(b.text) else 0


def _company(a: Sides, b: Sides) -> int:
    if not a.company_core or not b.company_core:
        return MISSING
    if a.company_core == b.company_core:
        return 4
    return org_level(a.company, b.company, a.company_core, b.company_core)


@lru_cache(maxsize=1 << 15)
def org_level(a: str, b: str, a_core: str, b_core: str) -> int:
    """How close two organisations' names are, 0..3 (4, the same name, is decided before).
    Whole-string likeness counts at most one level above what the telling words say, and not
    at all when they share none: "levine street eastwood" and "david street heywood" look
    alike only through "street"."""
    whole = _level(
        max(fuzz.ratio(a_core, b_core), fuzz.token_sort_ratio(a, b), _words_shared(a, b)), _ORG_CUTS
    )
    one, two = _telling(a), _telling(b)
    if not one or not two:
        return whole
    shared = _dice(one, two)
    telling = _level(shared, _TELLING_CUTS)
    return max(telling, min(whole, telling + 1)) if shared else 0


def _level(similarity: float, cuts: tuple[float, float, float]) -> int:
    for level, cut in zip((3, 2, 1), cuts, strict=True):
        if similarity >= cut:
            return level
    return 0


def _telling(name: str) -> list[str]:
    """The words of an organisation's name that say which one it is, not what kind."""
    return [word for word in name.split() if len(word) >= 3 and word not in GENERIC_ORG_WORDS]


def _words_shared(a: str, b: str) -> float:
    """0..100: the words (three letters or more) the two names share, for names of two words
    or more ("beaumont close st ivzes" and "beaumont close coonabarabran" share two of three
    each, where whole-string ratios see two places)."""
    one = [word for word in a.split() if len(word) >= 3]
    two = [word for word in b.split() if len(word) >= 3]
    return _dice(one, two) if len(one) >= 2 and len(two) >= 2 else 0.0


def _dice(one: list[str], two: list[str]) -> float:
    """0..100: the words of the shorter list met in the longer one, the same or a slip away,
    as a share of both lists' words (Dice). Counting both sides' words, not only the shorter's,
    keeps one shared word of a long name ("port pirie" in "garrard street port pirie") from
    counting as the same place; one telling word of two ("elsternwick" in "tullaroop street
    elsternwick") still counts for something."""
    short, long = (one, two) if len(one) <= len(two) else (two, one)
    met = sum(any(JaroWinkler.similarity(word, other) >= _WORD_SLIP for other in long) for word in short)
    return 200.0 * met / (len(short) + len(long))


def _email(new: MatchProfile, old: MatchProfile) -> int:
    """3 the same address, 2 the same distinctive mailbox elsewhere, 1 another mailbox at the
    same company domain, 0 different."""
    if not new.email or not old.email:
        return MISSING
    if new.address and new.address == old.address or new.email == old.email:
        return 3
    if new.mailbox and new.mailbox == old.mailbox:
        return 2
    return 1 if new.domain and new.domain == old.domain else 0


def _phone(new: MatchProfile, old: MatchProfile) -> int:
    if not new.phone or not old.phone:
        return MISSING
    return 1 if new.phone == old.phone else 0


_SAID = {
    "given": (
        "given name different",
        "given name related",
        "given name similar",
        "given name close",
        "same given name",
    ),
    "surname": ("surname different", "surname related", "surname similar", "surname close", "same surname"),
    "company": ("company different", "company related", "similar company", "company close", "same company"),
    "email": ("email different", "same email domain", "same mailbox", "same email"),
    "phone": ("phone different", "same phone"),
}


def said(field: str, level: int) -> str:
    """A level in words, for a duplicate's reasons."""
    return _SAID[field][level]
