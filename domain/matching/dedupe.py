"""Likely-duplicate leads: what matching reads of a lead, blocking keys, and the match rule."""

# The rule. The same email address (dots and +tags aside) or phone is a duplicate whatever
# the name: the store checks exact ones first, and they are reasons here too. Otherwise:
#   1. The names must agree word by word: every word of the shorter name (two or more) pairs
#      with its own word of the longer one, as the same word, a nickname or spelling variant
#      ("Jon" / "Jonathan"), an initial ("J."), or a slip (one edit from 5 letters, two from
#      9, a swap of two letters below that). Order is free, so swapped names pair up. Pairing
#      whole words rather than scoring partial overlap keeps "Jo" from matching "Jo Smithers",
#      and Dana Scully from matching Fox Mulder because both work at the FBI.
#   2. And something beyond the name: the same company (legal suffixes dropped) or email
#      domain, a company name one slip away, or the same mailbox where it is more than the
#      name spelled out. Only when neither lead says where the person works is a name
#      enough, and then only an exact one (nicknames, case, accents and order aside). A lead
#      with a company never matches on the name alone: among 100k leads namesakes are common
#      (docs/benchmarks.md, "Duplicate matching").

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import permutations
from typing import NamedTuple

from rapidfuzz.distance import OSA

from domain.capture.names import (
    FREE_MAIL_DOMAINS,
    Pair,
    Word,
    is_free_mail,
    normalise_company,
    normalise_person,
    typo_allowance,
)
from domain.matching.compare import FIELDS, MISSING, Vector, compare, org_word_codes, said, sides_of
from domain.matching.identity import emails_differ, shared_phone_identifies
from domain.matching.profile import MatchProfile, profile_of, sound_codes, word_pair
from domain.matching.score import LEARNED

__all__ = [
    "FREE_MAIL_DOMAINS",
    "LikelyDuplicate",
    "MatchRecord",
    "blocking_keys",
    "candidates_per_key",
    "is_free_mail",
    "likely_duplicate",
    "normalise_company",
    "normalise_person",
]

MAX_KEY_PART = 40
# Per blocking key, a check compares the new lead with the oldest this many leads filed under it:
# a key shared by more says little about any one of them, and must not crowd out the leads a
# more telling key finds.
MAX_CANDIDATES = 100
# A "w:" key (three letters of a name word, the sound of a company word) is the loosest: at a
# big company it holds every colleague whose name starts alike, and in a 300,000-lead workspace
# it brought 60 of a check's 71 candidates, nearly all colleagues the rule turns down
# (docs/benchmarks.md, "Import at a million rows"). The pairs only it finds are in small buckets.
LOOSE_KEY_CANDIDATES = 25
_ORG_WEIGHT = {"same": 100.0, "mailbox": 95.0, "similar": 90.0, "unknown": 70.0}


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """What matching needs of a lead."""

    id: int
    name: str
    email: str | None = None
    phone: str | None = None  # E.164 already
    company: str | None = None


@dataclass(frozen=True, slots=True)
class LikelyDuplicate:
    id: int  # the existing record
    score: float  # 0..100
    reasons: tuple[str, ...]  # most telling first: ("name 91%", "same company")


# --- what matching reads of a record -----------------------------------------------------


_profile_of = profile_of  # bench.dedupe clears its cache for cold runs


def _profile(record: MatchRecord) -> MatchProfile:
    return profile_of(record.name, record.email, record.phone, record.company)


# --- blocking ----------------------------------------------------------------------------


def blocking_keys(record: MatchRecord) -> frozenset[str]:
    """Keys for the store's index: a new lead is compared only with leads sharing one.

    A word is keyed by the Soundex code (which survives most vowel slips and doubled letters)
    of itself and of each full name it may stand for ("sam": samuel, samantha). "n:" holds
    the codes of two words of the name, in either order, so swapped names meet. "o:" holds
    the company or email-domain name and the code of one word, so a slip or an initial in
    the other word still meets, and a big company splits into small buckets. "e:" is a
    mailbox that is more than the name spelled out, "m:" the address, "p:" the phone's last
    7 digits. "w:" pairs the first three letters of a name word with the code of a telling word
    of the company (not "street" or "services"), so a pair whose company has a slip, and whose
    names both changed sound ("Lucas Ryan" typed "Lucsa Rya") or one of them altogether, still
    meets (the comparison vectors of domain.matching.compare weigh such pairs). The rule wants
    a company, mailbox, email or phone beside a name (or an exact name), so these reach the
    pairs it accepts unless both words of the name change in their first three letters.
    Plain strings, the same in every process."""
    profile = _profile(record)
    codes = [sound_codes(w) for w in profile.words if not w.initial]
    keys = {
        f"n:{min(one, two)}|{max(one, two)}"
        for i, first in enumerate(codes)
        for second in codes[i + 1 :]
        for one in first
        for two in second
    }
    every_code: set[str] = set().union(*codes)
    for org in {profile.company, *profile.domain_orgs} - {""}:
        keys.update(f"o:{org[:MAX_KEY_PART]}|{code}" for code in every_code)
    org_codes = org_word_codes(record.company)
    starts = {form[:3] for w in profile.words if not w.initial for form in w.forms}
    keys.update(f"w:{start}|{org_code}" for start in starts for org_code in org_codes)
    if _distinctive(profile.mailbox, profile):
        keys.add(f"e:{profile.mailbox[:MAX_KEY_PART]}")
    if profile.address:
        keys.add(f"m:{profile.address[:62]}")
    digits = "".join(ch for ch in profile.phone if ch.isdigit())
    if len(digits) >= 7:
        keys.add(f"p:{digits[-7:]}")
    return frozenset(keys)


def candidates_per_key(key: str) -> int:
    """How many of the oldest leads filed under `key` a check compares with."""
    return LOOSE_KEY_CANDIDATES if key.startswith("w:") else MAX_CANDIDATES


# --- names -------------------------------------------------------------------------------


class _NameMatch(NamedTuple):
    score: float
    exact: bool  # word for word, nicknames aside: no slips, no initial for a word, no extras
    notes: tuple[str, ...]


def _compare_names(a: tuple[Word, ...], b: tuple[Word, ...]) -> _NameMatch | None:
    """The best one-to-one pairing of the shorter name's words with the longer name's."""
    flipped = len(a) > len(b)
    short, long = (b, a) if flipped else (a, b)
    if len(short) < 2:
        return None
    grid = []
    for one in short:
        row = [word_pair(one.text, other.text) for other in long]
        if not any(row):
            return None
        grid.append(row)
    best: tuple[float, tuple[int, ...]] | None = None
    for order in permutations(range(len(long)), len(short)):
        pairs = [pair for i, j in enumerate(order) if (pair := grid[i][j]) is not None]
        extra = [long[j] for j in range(len(long)) if j not in order]
        score = _pairing_score(pairs, extra) if len(pairs) == len(short) else None
        if score is not None and (best is None or score > best[0]):
            best = (score, order)
    if best is None:
        return None
    score, order = best
    exact = len(short) == len(long) and all(
        not short[i].forms.isdisjoint(long[j].forms)
        for i, j in enumerate(order)  # forms hold the text
    )
    return _NameMatch(score, exact, _name_notes(short, long, order, flipped))


def _pairing_score(pairs: list[Pair], extra: list[Word]) -> float | None:
    """Weighted similarity of a pairing of every word, or None when it proves too little: one
    pair must be whole words and one must start alike, and an initial cannot stand for a word
    while another word is left over ("Ed S. Langridge" is not "Ed Sutridge")."""
    if not any(p.anchored for p in pairs):
        return None
    initials = sum(p.kind == "initial" for p in pairs)
    if initials == len(pairs) or (initials and any(not word.initial for word in extra)):
        return None
    total = sum(p.similarity * p.weight for p in pairs) / sum(p.weight for p in pairs)
    return max(0.0, total - sum(2.0 if word.initial else 4.0 for word in extra))


def _name_notes(
    short: tuple[Word, ...], long: tuple[Word, ...], order: tuple[int, ...], flipped: bool
) -> tuple[str, ...]:
    notes = []
    for i, j in enumerate(order):
        new, old = (long[j], short[i]) if flipped else (short[i], long[j])
        if new.text != old.text and (new.initial or old.initial or new.forms & old.forms):
            notes.append(f"{_shown(new)} for {_shown(old)}")
    if list(order) != sorted(order):
        notes.append("first and last name swapped")
    return tuple(notes)


def _shown(word: Word) -> str:
    return f"{word.text.upper()}." if word.initial else word.text.title()


# --- the rule ----------------------------------------------------------------------------


def _org_evidence(a: MatchProfile, b: MatchProfile) -> tuple[str, list[str]]:
    """Where the two people work: "same", "similar", "different" or "unknown", with reasons."""
    reasons = []
    if a.company and a.company == b.company:
        reasons.append("same company")
    if a.domain and a.domain == b.domain:
        reasons.append(f"same email domain {a.domain}")
    elif a.domain_orgs & b.domain_orgs:
        reasons.append(f"email domains {a.domain} and {b.domain}")
    elif not reasons and a.company and a.company in b.domain_orgs:
        reasons.append(f"company matches email domain {b.domain}")
    elif not reasons and b.company and b.company in a.domain_orgs:
        reasons.append(f"company matches email domain {a.domain}")
    if reasons:
        return "same", reasons
    if a.company and b.company and _typo_close(a.company, b.company):
        return "similar", ["similar company name"]
    compared = (a.company and b.company) or (a.domain and b.domain)
    return ("different" if compared else "unknown"), []


def _typo_close(a: str, b: str) -> bool:
    allowed = typo_allowance(max(len(a), len(b)))
    return min(len(a), len(b)) >= 4 and OSA.distance(a, b, score_cutoff=allowed) <= allowed


def _identity(new: MatchProfile, old: MatchProfile) -> tuple[str, ...]:
    """The identifiers that make the two one person (domain.matching.identity): a phone only when no
    other email or given name says it is a shared line."""
    same_email = bool(new.address) and new.address == old.address
    same_phone = shared_phone_identifies(new, old)
    return ("same email",) * same_email + ("same phone",) * same_phone


def _distinctive(mailbox: str, *profiles: MatchProfile) -> bool:
    """A mailbox is evidence only when it is more than the name spelled out: two Dana Scullys
    may both be dana.scully somewhere, but hardly both danascully1987."""
    if not mailbox:
        return False
    for profile in profiles:
        names = [word.text for word in profile.words if not word.initial]
        for a in names:
            if mailbox == a or any(mailbox in (a + b, a[0] + b, a + b[0]) for b in names if b != a):
                return False
    return True


def _judge(
    new: MatchProfile, old: MatchProfile, evidence: tuple[str, list[str]] | None = None
) -> tuple[float, tuple[str, ...]] | None:
    """(score, reasons) when `old` is likely the same person as `new`, else None. `evidence`
    is _org_evidence(new, old) when the caller has it already."""
    identity = _identity(new, old)
    name = None if new.letters.isdisjoint(old.letters) else _compare_names(new.words, old.words)
    if name is None:
        return (100.0, identity) if identity else None
    org, org_reasons = evidence or _org_evidence(new, old)
    if org != "same" and new.phone and new.phone == old.phone and not identity:  # a line they share
        org = "same"
        org_reasons.append("same phone")
    if org != "different" and new.mailbox == old.mailbox and _distinctive(new.mailbox, new, old):
        org = "same" if org == "same" else "mailbox"
        org_reasons.append(f"same mailbox {new.mailbox}")
    if org == "unknown" and name.exact and not (new.company or new.domain or old.company or old.domain):
        org_reasons = ["neither lead names a company"]
    elif org in ("different", "unknown") and not identity:
        return None
    detail = f" ({', '.join(name.notes)})" if name.notes else ""
    score = 100.0 if identity else 0.8 * name.score + 0.2 * _ORG_WEIGHT[org]
    return score, (f"name {name.score:.0f}%{detail}", *org_reasons, *identity)


def likely_duplicate(new: MatchRecord, candidates: Iterable[MatchRecord]) -> LikelyDuplicate | None:
    """The candidate most likely to be the same person as `new`, or None: one the rule at the
    top of this module accepts, or whose Fellegi–Sunter match weight (domain.matching.score)
    reaches the learned threshold and nothing vetoes (_contradicted). The rule's matches rank
    first, by their score; then the others, by match probability; ties go to the oldest
    record (lowest id)."""
    profile = _profile(new)
    sides = sides_of(profile, new.company)
    letters, address, phone = profile.letters, profile.address or None, profile.phone or None
    best: tuple[tuple[bool, float, int], int, float, tuple[str, ...]] | None = None  # unrounded
    for candidate in candidates:
        old = _profile(candidate)
        if old.letters.isdisjoint(letters) and old.address != address and old.phone != phone:
            continue  # no word can pair and no identity
        evidence = _org_evidence(profile, old)
        ruling = _may_rule(profile, old, evidence[0])
        if not ruling and not _may_weigh(profile, old):
            continue  # most of a long candidate list: namesakes elsewhere, colleagues
        verdict = _judge(profile, old, evidence) if ruling else None
        ruled = verdict is not None
        if verdict is None:
            vector = compare(profile, old, sides, sides_of(old, candidate.company))
            weight = LEARNED.weight(vector)
            if weight >= LEARNED.threshold and not _contradicted(profile, old, vector):
                verdict = (_probability(weight), _weighed(vector, weight))
        if verdict is None:
            continue
        rank = (ruled, verdict[0], -candidate.id)
        if best is None or rank > best[0]:
            best = (rank, candidate.id, verdict[0], verdict[1])
    return None if best is None else LikelyDuplicate(best[1], round(best[2], 1), best[3])


# --- the first filter: what a pair must have for either way to accept it ----------------
# Most candidates a popular key brings are namesakes at other companies, or colleagues with
# another name: neither the rule nor the weights can accept them, and these checks, on what
# the two profiles already hold, say so before any word or company is compared. Each is a
# necessary condition read off _judge and _contradicted, so the outcome is the same
# (tests/domain/test_match_first_filter.py compares the two ways).


def _may_rule(new: MatchProfile, old: MatchProfile, org: str) -> bool:
    """Whether _judge could accept the pair: an identifier both hold (the same address, or a
    phone: identity, or a line they share), or work that is not "different"."""
    same_address = bool(new.address) and new.address == old.address
    same_phone = bool(new.phone) and new.phone == old.phone
    return same_address or same_phone or org != "different"


def _may_weigh(new: MatchProfile, old: MatchProfile) -> bool:
    """Whether the learned weights could accept the pair past _contradicted's vetoes: both
    name a company (a profile's company is the comparison's company_core), and, where either
    has an email or a phone, the emails do not differ and the initials are the same."""
    if not new.company or not old.company:
        return False
    if not (new.email or new.phone or old.email or old.phone):
        return True
    return not emails_differ(new, old) and _initials(new) == _initials(old)


def _contradicted(new: MatchProfile, old: MatchProfile, vector: Vector) -> bool:
    """What the learned weights may not outvote. A name alone is never enough: both leads must
    name a company (among 100k leads namesakes are common; the rule above decides name-only
    pairs), and a one-word name must say enough (_bare_name). When either lead has an email
    or a phone, it is read as domain.matching.identity reads it: the two must not have different
    emails, unlike companies (level 0 or 1), a given name or surname unlike the other's
    (level 0 or 1: a colleague or a relative, not a slip), or other initials. Without an
    email or a phone, a name and a company are all there is, and the weights decide, as in
    record linkage proper (Febrl's duplicates have names replaced: docs/benchmarks.md)."""
    given, surname, company = vector[0], vector[1], vector[2]
    if company == MISSING or (
        MISSING in (given, surname) and _bare_name(new, old, max(given, surname), company)
    ):
        return True
    if not (new.email or new.phone or old.email or old.phone):
        return False
    unlike = (MISSING, 0, 1)
    if emails_differ(new, old) or given in unlike or surname in unlike or company in (0, 1):
        return True
    return _initials(new) != _initials(old)  # Nathan is not Jonathan, nor Gary Mary: a slip keeps the start


def _bare_name(new: MatchProfile, old: MatchProfile, level: int, company: int) -> bool:
    """A one-word name that says too little: short ("Jo", "Sam": anyone), not near the word it
    met, or met at a company that is no more than related ("White" at one Hurstville address
    and Maya White at another: Febrl 2's false matches were mostly such). "Kolodina" for
    Rhiannon Kolodina at the same address says enough."""
    single = new.words if len(new.words) == 1 else old.words
    return level < 2 or company < 2 or not single or len(single[0].text) < 4


def _initials(profile: MatchProfile) -> tuple[str, ...]:
    """The first letters of the first and last words of the name, in either order."""
    if not profile.words:
        return ()
    return tuple(sorted(word.text[0] for word in (profile.words[0], profile.words[-1])))


def comparison(new: MatchRecord, old: MatchRecord) -> Vector:
    """The comparison vector likely_duplicate weighs for this pair (bench/fit_match_weights)."""
    a, b = _profile(new), _profile(old)
    return compare(a, b, sides_of(a, new.company), sides_of(b, old.company))


def _probability(weight: float) -> float:
    """0..100: the chance a pair with this match weight is one person, at even prior odds."""
    return 100.0 / (1.0 + float(2.0**-weight))


def _weighed(vector: Vector, weight: float) -> tuple[str, ...]:
    """The reasons of a match the learned weights make: the weight, then what agrees most."""
    levels = dict(zip(FIELDS, vector, strict=True))
    telling = (said(field, levels[field]) for field, _ in LEARNED.telling(vector))
    return (f"match weight {weight:.1f}", *telling)
