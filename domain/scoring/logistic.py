"""The predictive score's model: L2-regularised logistic regression over one-hot field values
and over pairs of values, with each sales team's deviations pooled towards all teams'.

Why not Odoo's naive Bayes: it multiplies each value's won/lost ratio as if fields were
independent, so two fields that say the same thing (a campaign and its source) are counted
twice, a pair that matters together (an enterprise product bought by a VP) cannot be seen,
and its probabilities are overconfident. Here every weight is fitted jointly; pairs of
values are terms of their own; and a team with enough history (MIN_HISTORY) gets its own
intercept and value weights as deviations from all teams', so a small team borrows
strength from the rest instead of being all or nothing. The penalties are Gaussian priors
on the weights: wide for a value, narrow for a pair or a team's deviation, so that with
little data the model stays close to the simple, shared answer."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from domain.scoring.lbfgs import Vector, minimize
from domain.scoring.predictive import (
    ALL_TEAMS,
    FIELDS,
    MIN_HISTORY,
    PROFILE_FEATURES,
    Example,
    Factor,
    Features,
    Prediction,
    top_factors,
)

Term = tuple[tuple[str, str], ...]  # one (field, value) or a pair of them; () is the intercept
INTERCEPT: Term = ()
PAIRED_FIELDS = frozenset(PROFILE_FEATURES)

# Prior precisions (1 / variance) of the weights, in log-odds.
PRECISION_VALUE = 1.0  # a value's pull is expected within about ±2
PRECISION_PAIR = 25.0  # a pair's pull, beyond its two values, within about ±0.4
PRECISION_TEAM = 4.0  # a team's deviation from all teams, within about ±1
PRECISION_INTERCEPT = 0.01
# A term seen on fewer closed leads than this gets no weight of its own.
MIN_SUPPORT = {1: 2, 2: 5}
TOLERANCE = 1e-5  # per closed lead, on the gradient of the summed loss
PRUNE_BELOW = 0.005  # weights this small are left out of the stored model


def terms_of(features: Features, pairs: bool = True) -> list[Term]:
    """Each field's value, and each pair of the lead's profile values, as the terms the model
    weighs. Engagement counts are not paired: they are noisy echoes of one thing (how keen
    the person is), and their pairs fitted noise in the benchmark."""
    items = [(name, features[name]) for name in FIELDS if name in features]
    profile = [item for item in items if item[0] in PAIRED_FIELDS]
    return [(item,) for item in items] + (list(combinations(profile, 2)) if pairs else [])


@dataclass(frozen=True, slots=True)
class Weights:
    """One scope's model (all teams, or one team with its deviations folded in)."""

    bias: float
    terms: dict[Term, float]
    n: int  # closed leads it learned from
    won: int

    def contributions(self, features: Features) -> list[Factor]:
        return [Factor(t, w) for t in terms_of(features) if (w := self.terms.get(t)) is not None]

    def to_json(self) -> dict[str, Any]:
        terms = [[[list(p) for p in t], round(w, 4)] for t, w in self.terms.items()]
        return {"bias": round(self.bias, 4), "n": self.n, "won": self.won, "terms": terms}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Weights":
        terms = {tuple((str(f), str(v)) for f, v in parts): float(w) for parts, w in data["terms"]}
        return cls(float(data["bias"]), terms, int(data["n"]), int(data["won"]))


@dataclass(frozen=True, slots=True)
class LogisticModel:
    scopes: dict[str, Weights]

    def predict(self, features: Features, team: str | None) -> Prediction:
        scope = team if team in self.scopes else ALL_TEAMS
        weights = self.scopes[scope]
        factors = weights.contributions(features)
        z = weights.bias + sum(f.weight for f in factors)
        return Prediction(_sigmoid(z), top_factors(factors), scope)


def fit_logistic(
    examples: Sequence[Example], min_team: int = MIN_HISTORY, pairs: bool = True
) -> LogisticModel:
    """Weights for all teams, and for each team with at least `min_team` closed leads.
    `pairs=False` leaves out the pairs of values (the benchmark's ablation)."""
    if not examples:
        raise ValueError("no closed leads to learn from")
    design = _Design(examples, min_team, pairs)
    labels = np.array([e.won for e in examples], dtype=np.float64)
    weights = minimize(
        lambda w: _loss(w, design, labels), np.zeros(len(design.columns)), tolerance=TOLERANCE * len(labels)
    )
    return LogisticModel(design.fold(weights, examples))


class _Design:
    """The fit's sparse 0/1 matrix: for each closed lead, the columns of its terms."""

    def __init__(self, examples: Sequence[Example], min_team: int, pairs: bool) -> None:
        sizes = Counter(e.team for e in examples if e.team)
        self.teams = sorted(team for team, n in sizes.items() if n >= min_team)
        per_example = [terms_of(e.features, pairs) for e in examples]
        support = Counter(t for terms in per_example for t in terms)
        self.columns: dict[tuple[str, Term], int] = {}
        self.precision: list[float] = []
        self._add(ALL_TEAMS, INTERCEPT, PRECISION_INTERCEPT)
        for term, seen in sorted(support.items()):
            if seen >= MIN_SUPPORT[len(term)]:
                self._add(ALL_TEAMS, term, PRECISION_VALUE if len(term) == 1 else PRECISION_PAIR)
        for team in self.teams:
            self._add(team, INTERCEPT, PRECISION_TEAM)
        # A team deviates from all teams by its own intercept and value weights, not by pairs.
        team_support = Counter(
            (e.team, t)
            for e, terms in zip(examples, per_example, strict=True)
            if e.team in self.teams
            for t in terms
            if len(t) == 1
        )
        for (team, term), seen in sorted(team_support.items()):
            if seen >= MIN_SUPPORT[1]:
                self._add(str(team), term, PRECISION_TEAM)
        self.rows, self.cols = self._entries(examples, per_example)
        self.penalty = np.array(self.precision)

    def _add(self, scope: str, term: Term, precision: float) -> None:
        self.columns[(scope, term)] = len(self.columns)
        self.precision.append(precision)

    def _entries(
        self, examples: Sequence[Example], per_example: list[list[Term]]
    ) -> tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.int64]]]:
        rows: list[int] = []
        cols: list[int] = []
        for row, (example, terms) in enumerate(zip(examples, per_example, strict=True)):
            scopes = (ALL_TEAMS, example.team) if example.team in self.teams else (ALL_TEAMS,)
            for scope in scopes:
                for term in (INTERCEPT, *terms):
                    column = self.columns.get((scope, term))
                    if column is not None:
                        rows.append(row)
                        cols.append(column)
        return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)

    def fold(self, w: Vector, examples: Sequence[Example]) -> dict[str, Weights]:
        """Per scope, the weights a prediction adds up: all teams' plus the team's own."""
        shared = {t: float(w[c]) for (s, t), c in self.columns.items() if s == ALL_TEAMS}
        won = Counter(e.team for e in examples if e.won)
        sizes = Counter(e.team for e in examples)
        scopes = {ALL_TEAMS: _weights(dict(shared), len(examples), sum(won.values()))}
        for team in self.teams:
            own = dict(shared)
            for (scope, term), column in self.columns.items():
                if scope == team:
                    own[term] = own.get(term, 0.0) + float(w[column])
            scopes[team] = _weights(own, sizes[team], won[team])
        return scopes


def _weights(terms: dict[Term, float], n: int, won: int) -> Weights:
    bias = terms.pop(INTERCEPT)
    kept = {t: w for t, w in terms.items() if abs(w) >= PRUNE_BELOW}
    return Weights(bias, kept, n, won)


def _loss(w: Vector, design: _Design, labels: Vector) -> tuple[float, Vector]:
    """Summed log-loss plus the Gaussian priors, and its gradient."""
    z = np.bincount(design.rows, weights=w[design.cols], minlength=len(labels))
    loss = float(np.sum(np.logaddexp(0.0, z) - labels * z)) + 0.5 * float(design.penalty @ (w * w))
    residual = 0.5 * (1.0 + np.tanh(0.5 * z)) - labels  # sigmoid(z) - y, without overflow
    grad = np.bincount(design.cols, weights=residual[design.rows], minlength=len(w)) + design.penalty * w
    return loss, grad


def _sigmoid(z: float) -> float:
    return float(0.5 * (1.0 + np.tanh(0.5 * z)))
