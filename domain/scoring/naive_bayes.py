"""Odoo's predictive lead scoring, kept as the baseline the predictive score must beat:
naive Bayes over won/lost counts per field value, every count smoothed by 0.1, per sales
team with a fallback to all teams. See odoo addons/crm/models/crm_lead.py
(`_pls_get_naive_bayes_probabilities`, `_pls_update_frequency_table`)."""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from domain.scoring.predictive import (
    ALL_TEAMS,
    ALWAYS_KNOWN,
    MIN_HISTORY,
    MISSING,
    Example,
    Factor,
    Features,
    Prediction,
    top_factors,
)

# Odoo adds 0.1 rather than 1 to each count: "+1 weights too much on small recordsets".
SMOOTHING = 0.1
# Odoo keeps probabilities within 0.01%..99.99%.
FLOOR, CEILING = 0.0001, 0.9999


@dataclass(slots=True)
class Counts:
    """Won and lost leads, in all and per field value."""

    won: int = 0
    lost: int = 0
    values: dict[str, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, example: Example) -> None:
        self.won, self.lost = self.won + example.won, self.lost + (not example.won)
        for name, value in counted(example.features):
            pair = self.values[name].setdefault(value, [0, 0])
            pair[0 if example.won else 1] += 1

    def log_ratio(self, name: str, value: str, smoothing: float) -> float | None:
        """log P(value | won) / P(value | lost), each over the field's smoothed totals;
        None for a value never seen closed (Odoo leaves it out)."""
        seen = self.values.get(name, {})
        if value not in seen:
            return None
        won_total = sum(w + smoothing for w, _ in seen.values())
        lost_total = sum(lo + smoothing for _, lo in seen.values())
        won, lost = seen[value]
        return math.log((won + smoothing) / won_total) - math.log((lost + smoothing) / lost_total)


def counted(features: Features) -> Iterable[tuple[str, str]]:
    """Odoo counts only values that are set, except the always-known fields."""
    return ((k, v) for k, v in features.items() if v != MISSING or k in ALWAYS_KNOWN)


@dataclass(frozen=True, slots=True)
class NaiveBayes:
    scopes: dict[str, Counts]
    smoothing: float = SMOOTHING

    def predict(self, features: Features, team: str | None) -> Prediction:
        scope = team if team in self.scopes else ALL_TEAMS
        counts = self.scopes[scope]
        if not counts.won or not counts.lost:  # one class only: nothing to weigh against
            return Prediction(_clip(counts.won / max(1, counts.won + counts.lost)), (), scope)
        factors = [
            Factor(((name, value),), ratio)
            for name, value in counted(features)
            if (ratio := counts.log_ratio(name, value, self.smoothing)) is not None
        ]
        log_odds = math.log(counts.won / counts.lost) + sum(f.weight for f in factors)
        return Prediction(_clip(_sigmoid(log_odds)), top_factors(factors), scope)


def fit_naive_bayes(
    examples: Iterable[Example], smoothing: float = SMOOTHING, min_team: int = MIN_HISTORY
) -> NaiveBayes:
    """Counts for all teams together, and for each team with at least `min_team` closed leads."""
    everyone, teams = Counts(), defaultdict[str, Counts](Counts)
    for example in examples:
        everyone.add(example)
        if example.team:
            teams[example.team].add(example)
    scopes = {team: counts for team, counts in teams.items() if counts.won + counts.lost >= min_team}
    return NaiveBayes({ALL_TEAMS: everyone, **scopes}, smoothing)


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def _clip(p: float) -> float:
    return min(max(p, FLOOR), CEILING)
