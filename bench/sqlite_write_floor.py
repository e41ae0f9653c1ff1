"""What SQLite alone spends on the rows an import writes: the floor under `leadbot import`.

# An import of the bench's file (bench.import_leads) goes into a fresh database through the
# real command; then every row it wrote to leads, lead_match_keys, activities and audit_log is
# written again, with SQLite's own executemany and nothing else, into an empty database with
# the same schema and settings (WAL, synchronous=NORMAL, foreign keys on, the import's page
# cache), in the import's batches (5,000 leads, keys in key order, one commit each). The CPU
# of that replay is what the import cannot go below, whatever Python does around it.
#
#   .venv/bin/python -m bench.sqlite_write_floor [--rows 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.import_leads import World, machine, make_rows, run_import, write_csv
from handlers.importing.pipeline import BATCH_ROWS
from store.importing.page_cache import IMPORT_CACHE_KIB

TABLES = ("leads", "lead_match_keys", "activities", "audit_log")


def fresh_copy_of_schema(source: sqlite3.Connection, path: Path) -> sqlite3.Connection:
    target = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        f"cache_size=-{IMPORT_CACHE_KIB}",
    ):
        target.execute(f"PRAGMA {pragma}")
    statements = source.execute("SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    for kind in ("table", "index"):  # tables first: an index needs its table
        for found_kind, sql in statements:
            if found_kind == kind and not sql.startswith("CREATE TABLE sqlite_"):
                target.execute(sql)
    return target


def replay(source: sqlite3.Connection, target: sqlite3.Connection) -> tuple[int, dict[str, float]]:
    """(leads, CPU seconds per table and for the commits) of writing the import's rows again."""
    rows = {table: source.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in TABLES}
    keys_of: defaultdict[int, list[tuple[object, ...]]] = defaultdict(list)
    for row in rows["lead_match_keys"]:
        keys_of[int(row[0])].append(row)  # (lead_id, key, team_id)
    by_lead = {table: _by_lead(source, table, rows[table]) for table in ("activities", "audit_log")}
    spent = dict.fromkeys((*TABLES, "commits"), 0.0)
    leads = rows["leads"]
    for start in range(0, len(leads), BATCH_ROWS):
        batch = leads[start : start + BATCH_ROWS]
        ids = [int(lead[0]) for lead in batch]
        written = {
            "leads": batch,
            "lead_match_keys": sorted((k for i in ids for k in keys_of[i]), key=lambda key: str(key[1])),
            "activities": [row for i in ids for row in by_lead["activities"].get(i, [])],
            "audit_log": [row for i in ids for row in by_lead["audit_log"].get(i, [])],
        }
        target.execute("BEGIN")
        for table, values in written.items():
            if values:
                marks = ", ".join("?" * len(values[0]))
                started = time.process_time()
                target.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
                spent[table] += time.process_time() - started
        started = time.process_time()
        target.execute("COMMIT")
        spent["commits"] += time.process_time() - started
    return len(leads), spent


def _by_lead(
    source: sqlite3.Connection, table: str, rows: list[tuple[object, ...]]
) -> dict[int, list[tuple[object, ...]]]:
    """Rows of an activity or audit table by the lead they are about."""
    columns = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
    grouped: defaultdict[int, list[tuple[object, ...]]] = defaultdict(list)
    if table == "activities":
        at = columns.index("lead_id")
        for row in rows:
            grouped[int(row[at])].append(row)
        return grouped
    ref = columns.index("entity_ref")
    number_to_id = dict(source.execute("SELECT 'L-' || number, id FROM leads"))
    for row in rows:
        if row[ref] in number_to_id:
            grouped[int(number_to_id[row[ref]])].append(row)
    return grouped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="leadbot-write-floor-") as tmp:
        workdir = Path(tmp)
        rng = random.Random(args.seed)
        path = workdir / "leads.csv"
        write_csv(path, make_rows(rng, World(rng, args.rows), range(args.rows), 0, []))
        imported = workdir / "imported.db"
        seconds, cpu, _ = run_import(path, imported)
        source = sqlite3.connect(imported)
        leads, spent = replay(source, fresh_copy_of_schema(source, workdir / "replay.db"))
    total = sum(spent.values())
    rate = args.rows / seconds
    print(f"\nThe import: {args.rows:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s), {cpu:.1f} s CPU.")
    print(f"Replaying what it wrote for {leads:,} leads, SQLite's own CPU per lead:\n")
    print("| table | CPU per lead |\n| --- | ---: |")
    for table, cpu_seconds in spent.items():
        print(f"| {table} | {cpu_seconds / leads * 1e6:.1f} µs |")
    print(
        f"| **all** | **{total / leads * 1e6:.1f} µs** (at most {leads / total:,.0f} leads/s on one core) |"
    )


if __name__ == "__main__":
    main()
