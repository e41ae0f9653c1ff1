"""Fellegi–Sunter weights: how much a comparison vector says "the same person".

Each field's level carries a weight, log2(m / u): m the share of true matches that reach
that level, u the share of non-matches. A pair's match weight is the sum over its fields
(a missing field adds nothing); the pair is a likely duplicate when the weight reaches the
threshold. The m and u values are data (domain/matching/weights.py), learned by EM from
unlabelled candidate pairs (bench/fit_match_weights.py), as splink and recordlinkage do."""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from domain.matching import weights as match_weights
from domain.matching.compare import FIELDS, MISSING, Vector

# A level's probabilities are kept away from 0: one level never seen among matches must not
# veto a pair whose every other field agrees.
FLOOR = 1e-4


@dataclass(frozen=True, slots=True)
class Weights:
    """log2(m/u) per field and level, and the match weight a likely duplicate reaches."""

    table: Mapping[str, tuple[float, ...]]
    threshold: float

    def weight(self, vector: Vector) -> float:
        return sum(
            self.table[field][level] for field, level in zip(FIELDS, vector, strict=True) if level != MISSING
        )

    def telling(self, vector: Vector) -> list[tuple[str, float]]:
        """The fields that speak for the pair, most telling first."""
        spoken = [
            (field, self.table[field][level])
            for field, level in zip(FIELDS, vector, strict=True)
            if level != MISSING
        ]
        return sorted((item for item in spoken if item[1] > 0), key=lambda item: -item[1])


def weights_from(
    m: Mapping[str, tuple[float, ...]], u: Mapping[str, tuple[float, ...]], threshold: float
) -> Weights:
    table = {
        field: _at_most_the_next(
            [math.log2(max(mi, FLOOR) / max(ui, FLOOR)) for mi, ui in zip(m[field], u[field], strict=True)]
        )
        for field in FIELDS
    }
    return Weights(table, threshold)


def _at_most_the_next(weights: list[float]) -> tuple[float, ...]:
    """Each level weighs no more than the closer one above it. EM can learn a near match as
    likelier one person than an exact one ("Mondexsol" and "Mondex" above "Mondex" twice): an
    artefact of few pairs, and it would make a near match count for more than the same name."""
    for level in range(len(weights) - 2, -1, -1):
        weights[level] = min(weights[level], weights[level + 1])
    return tuple(weights)


LEARNED = weights_from(match_weights.M, match_weights.U, match_weights.THRESHOLD)
