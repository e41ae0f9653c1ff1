"""Fuzzy lead search: rank name, company and email against what the user typed."""

from rapidfuzz import fuzz, process, utils

MIN_SCORE = 70.0


# WRatio finds a typo'd word inside a long record; token_set_ratio finds a short
# exact word (WRatio scales a 3-letter hit in a long record below any cutoff).
# Both run in C over the whole corpus. Neither suits duplicate detection, which
# compares whole records.
_SCORERS = (fuzz.WRatio, fuzz.token_set_ratio)


def rank(query: str, corpus: dict[int, str], limit: int) -> list[tuple[int, float]]:
    """Keys of the best matches, best first. Ties go to the record the query is closest
    to as a substring, then to the newest (highest key)."""
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
    return " ".join(part for part in (name, company, email) if part)
