"""Learn the matcher's Fellegi–Sunter weights by EM from unlabelled pairs, and write them to
domain/matching/weights.py (data the pure domain code applies).

The pairs are the ones Leadbot itself compares: records arrive one by one, and each is
compared with the earlier records sharing a blocking key (as bench.febrl and the store do).
No label is read. As splink does, u = P(level | non-match) comes from random pairs of
records (almost all of them two different people): blocked pairs would overstate how often
non-matches agree, since blocking picks pairs that agree. Then EM (expectation-maximisation
over the two-class mixture, fields independent given the class: Fellegi & Sunter 1969,
Winkler 1988) finds, with u held, the share of matches among the blocked pairs (the prior)
and m = P(level | match) per field and level. As splink does too, EM runs once per blocking
(on the name; on the exact company) and learns m only for the fields that blocking did not
use: agreement on a field that put the pair together says nothing. A missing field is left
out of both. The threshold is a Bayes factor, not a posterior: the EM prior over blocked pairs
is overstated (blocked non-matches agree on the fields that blocked them), so the threshold
asks that a pair be 2^12.5 (about 5,800) times likelier one person than two (--min-weight):
the lowest weight at which Febrl 1-3 and the project's generator all keep precision at or
above 0.99 (docs/benchmarks.md has the sweep).

Sources: the project's own generator (bench.dedupe: leads with emails, phones, companies)
and, when the `bench` extra is installed, Febrl 1-3 (names and addresses, no emails or
phones): together they teach every field.

    .venv/bin/python -m bench.fit_match_weights [--sources generator,febrl1,febrl2,febrl3]
"""

from __future__ import annotations

import argparse
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from domain.matching.compare import FIELDS, LEVELS, MISSING, Vector
from domain.matching.dedupe import (
    MatchRecord,
    blocking_keys,
    candidates_per_key,
    comparison,
    normalise_company,
)

OUT = Path(__file__).resolve().parent.parent / "domain" / "matching" / "weights.py"


def blocked_vectors(
    records: Sequence[MatchRecord], keys_of: Callable[[MatchRecord], Iterable[str]] = blocking_keys
) -> Counter[Vector]:
    """The comparison vector of every pair a blocking puts together, counted: each record
    against the earlier ones sharing a key (the oldest few under it, as a check takes them)."""
    index: defaultdict[str, list[int]] = defaultdict(list)
    counts: Counter[Vector] = Counter()
    for position, record in enumerate(records):
        keys = set(keys_of(record))
        for i in {i for key in keys for i in index.get(key, ())[: candidates_per_key(key)]}:
            counts[comparison(record, records[i])] += 1
        for key in keys:
            index[key].append(position)
    return counts


def name_keys(record: MatchRecord) -> Iterable[str]:
    """Session 1 blocks on the name (both words' sound codes): it teaches the other fields."""
    return [key for key in blocking_keys(record) if key.startswith("n:")]


def company_keys(record: MatchRecord) -> Iterable[str]:
    """Session 2 blocks on the exact company: it teaches the name fields."""
    core = normalise_company(record.company or "").replace(" ", "")
    return [f"c:{core}"] if core else []


# Each session: its blocking, and the fields it learns m for (the others are what put the
# pair together, so their agreement says nothing there).
SESSIONS: tuple[tuple[str, Callable[[MatchRecord], Iterable[str]], tuple[str, ...]], ...] = (
    ("name", name_keys, ("company", "email", "phone")),
    ("company", company_keys, ("given", "surname")),
)


def random_vectors(records: Sequence[MatchRecord], pairs: int, rng: random.Random) -> Counter[Vector]:
    """Comparison vectors of random pairs of records: what non-matches look like."""
    counts: Counter[Vector] = Counter()
    for _ in range(pairs):
        a, b = rng.sample(range(len(records)), 2)
        counts[comparison(records[a], records[b])] += 1
    return counts


def u_from(counts: Counter[Vector]) -> dict[str, np.ndarray]:
    """Per field, the share of each level among the pairs that have the field."""
    u = {}
    for k, f in enumerate(FIELDS):
        tally = np.full(LEVELS[f], 0.5)  # half a pair each: never seen among randoms is rare, not impossible
        for vector, n in counts.items():
            if vector[k] != MISSING:
                tally[vector[k]] += n
        u[f] = tally / tally.sum()
    return u


def records_of(source: str, args: argparse.Namespace) -> list[MatchRecord]:
    if source == "generator":
        return generator_records(args.size, args.queries, args.seed)
    from bench.febrl import load

    return load(int(source.removeprefix("febrl"))).records


def generator_records(size: int, queries: int, seed: int) -> list[MatchRecord]:
    """bench.dedupe's people, then its queries (corrupted copies and new people), unlabelled."""
    from bench.dedupe import World, make_queries

    world = World(random.Random(seed), size)
    people = [person.record(i) for i, person in enumerate(world.people)]
    asked = [q.record for q in make_queries(world, queries)]
    return people + [MatchRecord(size + j, r.name, r.email, r.phone, r.company) for j, r in enumerate(asked)]


Model = dict[str, np.ndarray]


def _log_likelihoods(patterns: np.ndarray, probabilities: Model, fields: Sequence[str]) -> np.ndarray:
    total = np.zeros(len(patterns))
    for k, f in enumerate(FIELDS):
        if f in fields:
            level = patterns[:, k]
            seen = level != MISSING
            total[seen] += np.log(probabilities[f][level[seen]])
    return total


def em(
    counts: Counter[Vector],
    m: Model,
    u: Model,
    learn: Sequence[str],
    rounds: int = 1000,
    prior: float = 0.05,
    read: Sequence[str] | None = None,
) -> tuple[float, Model]:
    """EM over the counted vectors with u held: the share of matches (the prior) and m for the
    fields in `learn`. Only the fields in `read` (default: those learnt) are read: the others
    formed the blocks."""
    read = learn if read is None else read
    patterns = np.array(list(counts), dtype=np.int64)
    n = np.array(list(counts.values()), dtype=np.float64)
    m = dict(m)
    for _ in range(rounds):
        a = np.log(prior) + _log_likelihoods(patterns, m, read)
        b = np.log(1 - prior) + _log_likelihoods(patterns, u, read)
        g = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))  # P(match | vector)
        new_prior = float((n * g).sum() / n.sum())
        for k, f in enumerate(FIELDS):
            if f in learn:
                level = patterns[:, k]
                seen = level != MISSING
                tally = np.bincount(level[seen], weights=(n * g)[seen], minlength=LEVELS[f]) + 1e-3
                m[f] = tally / tally.sum()
        done = abs(new_prior - prior) < 1e-10
        prior = new_prior
        if done:
            break
    return prior, m


def starting_m() -> Model:
    """Agreement likelier among matches: EM starts there, so the match class is the agreeing one."""
    return {f: (lambda v: v / v.sum())(np.geomspace(1, 20, LEVELS[f])) for f in FIELDS}


def _row(values: Iterable[float]) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in values) + ")"


def write(prior: float, m: Model, u: Model, threshold: float, note: str) -> None:
    lines = [
        '"""Fellegi–Sunter m and u probabilities per field and level (domain.matching.compare), learned',
        "from unlabelled pairs. Written by bench/fit_match_weights.py: do not edit by hand, fit",
        'again (docs/benchmarks.md, "Duplicate matching on public data")."""',
        "",
        f"# {note}",
        "M = {",
        *(f'    "{f}": {_row(m[f])},' for f in FIELDS),
        "}",
        "U = {",
        *(f'    "{f}": {_row(u[f])},' for f in FIELDS),
        "}",
        f"PRIOR = {prior:.6g}  # the share of one person among the pairs blocking puts together",
        f"THRESHOLD = {threshold:.3f}  # log2 of the Bayes factor a likely duplicate reaches",
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sources", default="generator,febrl1,febrl2,febrl3")
    parser.add_argument("--size", type=int, default=10000, help="generator: people on file")
    parser.add_argument("--queries", type=int, default=4000, help="generator: records arriving after them")
    parser.add_argument("--seed", type=int, default=11)  # not bench.dedupe's 7: its queries stay unseen
    parser.add_argument("--random-pairs", type=int, default=200_000, help="per source, for u")
    parser.add_argument(
        "--min-weight",
        type=float,
        default=12.5,
        help="the match weight (log2 Bayes factor) a likely duplicate reaches",
    )
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    randoms: Counter[Vector] = Counter()
    blocked: Counter[Vector] = Counter()
    sessions: dict[str, Counter[Vector]] = {name: Counter() for name, _, _ in SESSIONS}
    for source in args.sources.split(","):
        records = records_of(source, args)
        randoms.update(random_vectors(records, args.random_pairs, rng))
        blocked.update(blocked_vectors(records))
        for name, keys_of, _ in SESSIONS:
            sessions[name].update(blocked_vectors(records, keys_of))
        print(f"{source}: {len(records):,} records", flush=True)
    u = u_from(randoms)
    m = starting_m()
    for name, _, learn in SESSIONS:
        share, m = em(sessions[name], m, u, learn)
        print(f"session blocked on {name}: {sum(sessions[name].values()):,} pairs, match share {share:.4f}")
    prior, _ = em(blocked, m, u, (), read=FIELDS)  # the share of matches among the pairs the matcher sees
    threshold = args.min_weight
    print(
        f"all blocked pairs: {sum(blocked.values()):,}, match share {prior:.5f} (an overestimate: blocked "
        f"non-matches agree on the fields that blocked them), threshold {threshold:.2f}"
    )
    for f in FIELDS:
        weights = ", ".join(f"{math.log2(mi / ui):+.2f}" for mi, ui in zip(m[f], u[f], strict=True))
        print(f"  {f:8} m={_row(m[f])} u={_row(u[f])} log2(m/u)=[{weights}]")
    if not args.dry_run:
        write(prior, m, u, threshold, f"sources: {args.sources}; random pairs {args.random_pairs:,} a source")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
