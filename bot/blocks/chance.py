"""The predictive score on the lead card: the chance and its top factors, in plain words."""

from bot.blocks.text import safe, user
from domain.scoring.predictive import Factor, signed
from handlers.results import ChanceView

VALUE_LIMIT = 60  # values are cut to this when learned, so a factor line stays short


def chance_fact(chance: ChanceView | None) -> str | None:
    """ "Conversion chance 34% — top factors: source: referral +0.8, ..." or how far off it is."""
    if chance is None:
        return None
    if chance.set_by is not None:
        return f"*Conversion chance:* {chance.percent}% (set by {user(chance.set_by)})"
    if chance.percent is None:
        return f"*Conversion chance:* not enough history: {chance.history} of {chance.needed} closed leads"
    factors = ", ".join(factor_words(f) for f in chance.factors)
    why = f" — top factors: {factors}" if factors else ""
    return f"*Conversion chance:* {chance.percent}%{why}"


def factor_words(factor: Factor) -> str:
    """A factor in plain words, its values (typed by people) escaped."""
    parts = " with ".join(f"{label}: {safe(value, VALUE_LIMIT)}" for label, value in factor.labelled())
    return f"{parts} {signed(factor.weight)}"
