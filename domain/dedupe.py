"""Likely-duplicate leads: what matching reads of a lead, blocking keys, and the match rule."""

# The rule. Exact email or phone is the store's check; it is a reason here too.
#   1. The names must agree word by word: every word of the shorter name (two or more) pairs
#      with its own word of the longer one, as the same word, a nickname or spelling variant
#      ("Jon" / "Jonathan"), an initial ("J."), or a typo (one edit up to 8 letters, two
#      beyond). Order is free, so swapped names pair up. Pairing whole words rather than
#      scoring partial overlap keeps "Jo" from matching "Jo Smithers", and Dana Scully from
#      matching Fox Mulder because both work at the FBI.
#   2. And something beyond the name: the same company (legal suffixes dropped) or email
#      domain, a company within a typo, or the same mailbox that is more than the name spelled
#      out. A new lead that says nothing of where the person works matches on an exact name
#      (nicknames allowed). Different companies never match on the name: namesakes are common.

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations
from typing import NamedTuple

from rapidfuzz.distance import OSA

from domain.names import (
    FREE_MAIL_DOMAINS,
    canonical_name,
    domain_orgs,
    is_free_mail,
    name_forms,
    normalise_company,
    normalise_person,
    person_words,
    soundex,
    split_email,
)

__all__ = [
    "FREE_MAIL_DOMAINS",
    "LikelyDuplicate",
    "MatchRecord",
    "blocking_keys",
    "is_free_mail",
    "likely_duplicate",
    "normalise_company",
    "normalise_person",
]

MAX_NAME_WORDS = 4  # "Maria del Carmen Lopez"; bounds the pairing work
MAX_KEY_PART = 40
_ORG_WEIGHT = {"same": 100.0, "mailbox": 95.0, "similar": 90.0, "unknown": 70.0, "different": 0.0}


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


@dataclass(frozen=True, slots=True)
class _Word:
    text: str  # folded, as typed
    forms: frozenset[str]  # text plus the full names it may stand for
    initial: bool


@dataclass(frozen=True, slots=True)
class _Profile:
    words: tuple[_Word, ...]
    letters: frozenset[str]  # first letters of every form: two names that pair share one
    company: str  # core name without spaces, "" if none
    domain: str  # email domain unless free-mail, else ""
    domain_orgs: frozenset[str]
    mailbox: str
    email: str
    phone: str


def _profile(record: MatchRecord) -> _Profile:
    return _profile_of(record.name, record.email, record.phone, record.company)


@lru_cache(maxsize=1 << 17)  # the store hands over the same leads again and again
def _profile_of(name: str, email: str | None, phone: str | None, company: str | None) -> _Profile:
    words = tuple(_Word(w, name_forms(w), len(w) == 1) for w in person_words(name)[:MAX_NAME_WORDS])
    mailbox, domain = split_email(email)
    company_domain = "" if not domain or is_free_mail(domain) else domain
    return _Profile(
        words=words,
        letters=frozenset(form[0] for word in words for form in word.forms),
        company=normalise_company(company or "").replace(" ", ""),
        domain=company_domain,
        domain_orgs=domain_orgs(company_domain) if company_domain else frozenset(),
        mailbox=mailbox if len(mailbox) >= 3 else "",
        email=(email or "").strip().lower(),
        phone=(phone or "").strip(),
    )


# --- blocking ----------------------------------------------------------------------------


def blocking_keys(record: MatchRecord) -> frozenset[str]:
    """Keys for the store's index: a new lead is compared only with leads sharing one.

    "n:" pairs each word's Soundex code (which survives vowel slips and doubled letters) with
    the initial of another word, so swapped names, initials and a typo in either word still
    meet. "o:" pairs the company or email-domain name with a name initial, which splits a big
    company into small buckets. "e:" is the mailbox, "p:" the phone's last 7 digits. Plain
    strings, so the same in every process."""
    profile = _profile(record)
    spelled = [{word.text, canonical_name(word.text)} for word in profile.words]
    keys: set[str] = set()
    for i, word in enumerate(profile.words):
        others = {form[0] for j, forms in enumerate(spelled) if j != i for form in forms}
        if not word.initial:
            keys.update(f"n:{soundex(form)}|{letter}" for form in spelled[i] for letter in others)
    initials = {form[0] for forms in spelled for form in forms}
    for org in {profile.company, *profile.domain_orgs} - {""}:
        keys.update(f"o:{org[:MAX_KEY_PART]}|{letter}" for letter in initials)
    if profile.mailbox:
        keys.add(f"e:{profile.mailbox[:MAX_KEY_PART]}")
    digits = "".join(ch for ch in profile.phone if ch.isdigit())
    if len(digits) >= 7:
        keys.add(f"p:{digits[-7:]}")
    return frozenset(keys)


# --- names -------------------------------------------------------------------------------


class _Pair(NamedTuple):
    kind: str  # "same", "variant", "initial" or "typo"
    similarity: float
    weight: int
    anchored: bool  # the two words start alike


class _NameMatch(NamedTuple):
    score: float
    exact: bool  # no typos, no initials, no extra words
    notes: tuple[str, ...]


def _typo_allowance(length: int) -> int:
    # A slip in a 4-letter name mostly makes another name (Mary / Gary, Joan / John).
    return 0 if length <= 4 else 1 if length <= 8 else 2


def _pair(a: _Word, b: _Word) -> _Pair | None:
    weight = max(len(a.text), len(b.text))
    if a.initial or b.initial:
        short, full = (a, b) if a.initial else (b, a)
        hit = any(form[0] == short.text for form in full.forms)
        return _Pair("initial", 80.0, weight, True) if hit else None
    if a.text == b.text:
        return _Pair("same", 100.0, weight, True)
    if not a.forms.isdisjoint(b.forms):
        return _Pair("variant", 96.0, weight, True)  # ranks the spelled-out match above it
    allowed = max(_typo_allowance(weight), sorted(a.text) == sorted(b.text))  # "Jhon" is still John
    if weight - min(len(a.text), len(b.text)) > allowed:
        return None
    edits = OSA.distance(a.text, b.text, score_cutoff=allowed)
    if edits > allowed:
        return None
    return _Pair("typo", 100.0 * (1 - edits / weight), weight, a.text[0] == b.text[0])


def _compare_names(a: tuple[_Word, ...], b: tuple[_Word, ...]) -> _NameMatch | None:
    """The best one-to-one pairing of the shorter name's words with the longer name's."""
    flipped = len(a) > len(b)
    short, long = (b, a) if flipped else (a, b)
    if len(short) < 2:
        return None
    grid = []
    for word in short:
        row = [_pair(word, other) for other in long]
        if not any(row):
            return None
        grid.append(row)
    best: tuple[float, tuple[int, ...]] | None = None
    for order in permutations(range(len(long)), len(short)):
        pairs = [grid[i][j] for i, j in enumerate(order)]
        extra = [long[j] for j in range(len(long)) if j not in order]
        score = _pairing_score(pairs, extra)
        if score is not None and (best is None or score > best[0]):
            best = (score, order)
    if best is None:
        return None
    score, order = best
    exact = len(short) == len(long) and all(grid[i][j].kind in ("same", "variant") for i, j in enumerate(order))
    return _NameMatch(score, exact, _name_notes(short, long, order, flipped))


def _pairing_score(pairs: list[_Pair | None], extra: list[_Word]) -> float | None:
    """Weighted similarity of a pairing, or None when it proves too little: every word must
    pair, one pair must be whole words and one must start alike, and an initial cannot stand
    for a word while another word is left over ("Ed S. Langridge" is not "Ed Sutridge")."""
    matched = [pair for pair in pairs if pair is not None]
    if len(matched) < len(pairs) or not any(p.anchored for p in matched):
        return None
    initials = sum(p.kind == "initial" for p in matched)
    if initials == len(matched) or (initials and any(not word.initial for word in extra)):
        return None
    total = sum(p.similarity * p.weight for p in matched) / sum(p.weight for p in matched)
    return max(0.0, total - sum(2.0 if word.initial else 4.0 for word in extra))


def _name_notes(short: tuple[_Word, ...], long: tuple[_Word, ...], order: tuple[int, ...],
                flipped: bool) -> tuple[str, ...]:
    notes = []
    for i, j in enumerate(order):
        new, old = (long[j], short[i]) if flipped else (short[i], long[j])
        if new.text != old.text and (new.initial or old.initial or new.forms & old.forms):
            notes.append(f"{_shown(new)} for {_shown(old)}")
    if list(order) != sorted(order):
        notes.append("first and last name swapped")
    return tuple(notes)


def _shown(word: _Word) -> str:
    return f"{word.text.upper()}." if word.initial else word.text.title()


# --- the rule ----------------------------------------------------------------------------


def _org_evidence(a: _Profile, b: _Profile) -> tuple[str, list[str]]:
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
    allowed = _typo_allowance(max(len(a), len(b)))
    return min(len(a), len(b)) >= 4 and OSA.distance(a, b, score_cutoff=allowed) <= allowed


def _identity(new: _Profile, old: _Profile) -> tuple[str, ...]:
    if new.email != old.email and new.phone != old.phone:
        return ()
    same_email = bool(new.email) and new.email == old.email
    same_phone = bool(new.phone) and new.phone == old.phone
    return ("same email",) * same_email + ("same phone",) * same_phone


def _distinctive(mailbox: str, *profiles: _Profile) -> bool:
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


def _judge(new: _Profile, old: _Profile) -> tuple[float, tuple[str, ...]] | None:
    """(score, reasons) when `old` is likely the same person as `new`, else None."""
    identity = _identity(new, old)
    name = None if new.letters.isdisjoint(old.letters) else _compare_names(new.words, old.words)
    if name is None:
        return (100.0, identity) if identity else None
    org, org_reasons = _org_evidence(new, old)
    if org != "different" and new.mailbox == old.mailbox and _distinctive(new.mailbox, new, old):
        org = "same" if org == "same" else "mailbox"
        org_reasons.append(f"same mailbox {new.mailbox}")
    if org == "unknown":
        if new.company or new.domain or not name.exact:
            return (100.0, identity) if identity else None
        org_reasons = ["no company given to compare"]
    elif org == "different" and not identity:
        return None
    detail = f" ({', '.join(name.notes)})" if name.notes else ""
    score = 100.0 if identity else 0.8 * name.score + 0.2 * _ORG_WEIGHT[org]
    return score, (f"name {name.score:.0f}%{detail}", *org_reasons, *identity)


def likely_duplicate(new: MatchRecord, candidates: Iterable[MatchRecord]) -> LikelyDuplicate | None:
    """The candidate most likely to be the same person as `new` under the rule at the top of
    this module, or None. Ties go to the oldest record (lowest id)."""
    profile = _profile(new)
    best: LikelyDuplicate | None = None
    for candidate in candidates:
        verdict = _judge(profile, _profile(candidate))
        if verdict is None:
            continue
        score, reasons = verdict
        if best is None or (score, -candidate.id) > (best.score, -best.id):
            best = LikelyDuplicate(candidate.id, round(score, 1), reasons)
    return best
