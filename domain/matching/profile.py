"""What duplicate matching reads of a lead (its profile), and the per-word work behind it.

Names, companies and domains repeat across leads (Zipf-like), so each is worked out once:
the caches are bounded, and a miss only costs the work again. Full, they hold some 150 MB (with
domain.matching.compare's): a long import empties them now and then (`forget_profiles`), keeping
what recent rows met."""

from dataclasses import dataclass
from functools import lru_cache

from domain.capture.names import (
    Pair,
    Word,
    domain_orgs,
    is_free_mail,
    name_forms,
    normalise_company,
    pair_words,
    person_words,
    soundex,
    split_email,
)

MAX_NAME_WORDS = 4  # "Maria del Carmen Lopez"; bounds the pairing work


@dataclass(frozen=True, slots=True)
class MatchProfile:
    """What matching reads of a record, worked out once."""

    words: tuple[Word, ...]
    letters: frozenset[str]  # first letters of every form: two names that pair share one
    company: str  # core name without spaces, "" if none
    domain: str  # email domain unless free-mail, else ""
    domain_orgs: frozenset[str]
    mailbox: str  # "" for role mailboxes (info@) and very short ones
    address: str  # mailbox@domain with dots and +tags dropped, "" for role mailboxes
    phone: str
    email: str  # as given, lower case: tells role mailboxes (info@, sales@) apart


# The store hands over the same leads again and again. A profile holds some 1.5 KB: full, this
# holds some 50 MB. Four times as many filled up in a long import, whose checks meet candidates
# from all over a big workspace, and took a 1,000,000-row file past its memory bound
# (docs/benchmarks.md, "Import at a million rows").
@lru_cache(maxsize=1 << 15)
def profile_of(name: str, email: str | None, phone: str | None, company: str | None) -> MatchProfile:
    words = name_words(name)
    mailbox, domain = split_email(email)
    company_domain, orgs = domain_facts(domain)
    return MatchProfile(
        words=words,
        letters=frozenset(form[0] for w in words for form in w.forms),
        company=company_core(company or ""),
        domain=company_domain,
        domain_orgs=orgs,
        mailbox=mailbox if len(mailbox) >= 3 else "",
        address=f"{mailbox}@{domain}" if mailbox and domain else "",
        phone=(phone or "").strip(),
        email=(email or "").strip().lower(),
    )


@lru_cache(maxsize=1 << 15)
def name_words(name: str) -> tuple[Word, ...]:
    return tuple(word(w) for w in person_words(name)[:MAX_NAME_WORDS])


@lru_cache(maxsize=1 << 15)
def word(text: str) -> Word:
    return Word(text, name_forms(text), len(text) == 1)


@lru_cache(maxsize=1 << 15)
def sound_codes(name_word: Word) -> frozenset[str]:
    """The Soundex codes of a word and of the full names it may stand for."""
    return frozenset(soundex(form) for form in name_word.forms)


@lru_cache(maxsize=1 << 15)
def company_core(company: str) -> str:
    return normalise_company(company).replace(" ", "")


@lru_cache(maxsize=1 << 14)
def domain_facts(domain: str) -> tuple[str, frozenset[str]]:
    """(the domain unless it is free-mail, else "", the company names it holds)."""
    if not domain or is_free_mail(domain):
        return "", frozenset()
    return domain, domain_orgs(domain)


@lru_cache(maxsize=1 << 16)  # first names meet first names, last names last names: pairs repeat
def word_pair(a: str, b: str) -> Pair | None:
    """names.pair_words of two words, by their text."""
    return pair_words(word(a), word(b))


def forget_profiles() -> None:
    """Empty this module's caches: the next lookups work out again what they need."""
    for cached in (profile_of, name_words, word, sound_codes, company_core, domain_facts, word_pair, soundex):
        cached.cache_clear()
