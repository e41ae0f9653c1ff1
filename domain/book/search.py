"""Fuzzy lead search: rank name, company and email against what the user typed."""

import unicodedata

from rapidfuzz import fuzz, process, utils

MIN_SCORE = 70.0
MAX_SEARCH_TEXT = 1200  # the column's width
_END_OF_LATIN = "\u0250"  # after Latin Extended-B: the IPA letters, then other scripts
# Letters that are not a base letter plus an accent, written as people type them without.
_SPELLED_OUT = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "Þ": "Th",
    }
)


# WRatio finds a typo'd word inside a long record; token_set_ratio finds a short
# exact word (WRatio scales a 3-letter hit in a long record below any cutoff).
# Both run in C over the whole corpus. Neither suits duplicate detection, which
# compares whole records.
_SCORERS = (fuzz.WRatio, fuzz.token_set_ratio)


def rank(query: str, corpus: dict[int, str], limit: int) -> list[tuple[int, float]]:
    """Keys of the best matches, best first. Ties go to the record the query is closest
    to as a substring, then to the newest (highest key)."""
    query = folded(query)  # the corpus was folded as it was stored (search_text)
    best: dict[int, float] = {}
    for scorer in _SCORERS:
        hits = process.extract(
            query,
            corpus,
            scorer=scorer,
            processor=utils.default_process,
            limit=limit * 2,
            score_cutoff=MIN_SCORE,
        )
        for _, score, key in hits:
            best[key] = max(score, best.get(key, 0.0))
    ordered = sorted(best.items(), key=lambda item: (-item[1], -_closeness(query, corpus[item[0]]), -item[0]))
    return ordered[:limit]


def _closeness(query: str, text: str) -> float:
    # WRatio caps a shared word at 85.5, so "Dana Sculy" ties Dana Scully with every
    # other Dana; how well the whole query fits inside the record tells them apart.
    return fuzz.partial_ratio(query, text, processor=utils.default_process)


def search_text(name: str, company: str | None, email: str | None) -> str:
    """What `/lead find` searches, without accents: a rep types "Muller" for Müller."""
    return folded(" ".join(part for part in (name, company, email) if part))[:MAX_SEARCH_TEXT]


def folded(text: str) -> str:
    """Latin letters without their accents ("Ångström" -> "Angstrom", "Straße" -> "Strasse");
    other scripts keep theirs (a Japanese voicing mark or a Cyrillic breve makes another
    letter), composed again."""
    if text.isascii():  # most names and every email: nothing to fold
        return text
    kept, base = [], ""
    for ch in unicodedata.normalize("NFKD", text.translate(_SPELLED_OUT)):
        if not unicodedata.combining(ch):
            base = ch
        elif base < _END_OF_LATIN:
            continue  # an accent on a Latin letter
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))
