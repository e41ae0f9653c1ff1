"""`leadbot import` end to end: a realistic CSV, a fresh SQLite file, rows per second.

# The file: people drawn by bench.dedupe's World (Zipf-distributed names and companies, work
# and free-mail addresses, phones in three countries), written under aliased headers with an
# ignored column. About 3% of rows are corrupted copies of people already on file or earlier
# in the file (nicknames, typos, other company suffixes, missing fields: the likely-duplicate
# rule's work), and about 5% are bad (no @, a short phone, no name or email, an unknown team,
# control characters, an overlong title, a shifted row). The timed command is the real CLI
# in a subprocess, migrations of the fresh file included; its CPU includes the second process
# a large import forks to prepare rows (handlers/importing/batches.py).
#
#   .venv/bin/python -m bench.import_leads [--rows 100000] [--existing 0,10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.dedupe import World, corrupted

HEADER = [
    "First Name",
    "Last Name",
    "E-mail",
    "Phone Number",
    "Company Name",
    "Job Title",
    "Lead Source",
    "Campaign",
    "Product",
    "Sales Team",
    "External ID",
    "Notes",
]
TITLES = ["CEO", "CTO", "VP Sales", "Head of Marketing", "Engineer", "Buyer", "Office Manager", "Founder", ""]
SOURCES = ["web form", "trade fair", "referral", "partner", "webinar", "cold call"]
CAMPAIGNS = ["spring-launch", "q3-webinars", "expo-2026", "", ""]
PRODUCTS = ["Starter", "Team", "Enterprise", ""]
DUPLICATE_SHARE = 0.03
BAD_SHARE = 0.05


def _bad(row: list[str], rng: random.Random) -> list[str]:
    """One thing a real export gets wrong."""
    kind = rng.randrange(8)
    if kind == 0:
        row[2] = (row[2] or "someone@example.com").replace("@", " at ")
    elif kind == 1:
        row[3] = str(rng.randrange(10, 999))
    elif kind == 2:
        row[0] = row[1] = row[2] = ""
    elif kind == 3:
        return [*row, "stray", "cells"]  # a comma in an unquoted field shifted the row
    elif kind == 4:
        row[4] = f"{row[4] or 'Acme'}\x07"
    elif kind == 5:
        row[5] = "Chief " * 120
    elif kind == 6:
        row[9] = "emea"  # no such team in the config
    else:
        row[2] = f"{row[0]}.{row[1]}@@example.com"
    return row


def make_rows(
    rng: random.Random, world: World, people: range, start_id: int, earlier: list[int]
) -> list[list[str]]:
    """Rows for people[people]; duplicates copy someone in `earlier` or earlier in this file."""
    rows = []
    for offset, index in enumerate(people):
        person = world.people[index]
        roll = rng.random()
        if roll < DUPLICATE_SHARE and (earlier or offset):
            pool = earlier if earlier and rng.random() < 0.5 else range(people.start, index)
            draft, _ = corrupted(world.people[rng.choice(pool)], rng)
            first, last, company = draft.first, draft.last, draft.company
            email, phone = draft.email, draft.phone
        else:
            first, last, company, email, phone = (
                person.first,
                person.last,
                person.company_shown,
                person.email,
                person.phone,
            )
        external = f"crm-{start_id + offset}" if rng.random() < 0.6 else ""
        row = [
            first,
            last,
            email or "",
            phone or "",
            company or "",
            rng.choice(TITLES),
            rng.choice(SOURCES),
            rng.choice(CAMPAIGNS),
            rng.choice(PRODUCTS),
            "sales" if roll > 0.8 else "",
            external,
            "met at the booth" if roll > 0.9 else "",
        ]
        if DUPLICATE_SHARE <= roll < DUPLICATE_SHARE + BAD_SHARE:
            row = _bad(row, rng)
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:  # Excel's "CSV UTF-8" has a BOM
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)


# The last run's peak memory of the importing process and its children, KiB: RSS summed (pages
# the forked second process shares with the first counted twice) and PSS (shared pages split).
PEAK = {"tree": 0, "pss": 0}
SAMPLE_SECONDS = 0.05


def _tree_rss_kib(root: int) -> tuple[int, int]:
    """Resident memory (RSS, PSS) of a process and its descendants, from /proc (Linux; psutil
    is not a dependency). 0 where /proc is not there."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/status").exists() else ():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # ended while read
        parents[int(entry.name)] = int(fields[1])
        rss[int(entry.name)] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in tree), sum(_pss_kib(pid) for pid in tree)


def _pss_kib(pid: int) -> int:
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("Pss:")), 0)


def _watch(process: subprocess.Popen[str], done: threading.Event) -> None:
    while not done.is_set():
        rss, pss = _tree_rss_kib(process.pid)
        PEAK["tree"], PEAK["pss"] = max(PEAK["tree"], rss), max(PEAK["pss"], pss)
        done.wait(SAMPLE_SECONDS)


def run_import(path: Path, database: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout) of `leadbot import` in a subprocess; PEAK["tree"]
    is left holding the peak RSS of its process tree, sampled every SAMPLE_SECONDS."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "LEADBOT_CONFIG")
    }
    env["DATABASE_URL"] = f"sqlite:///{database}"
    command = [str(Path(sys.executable).with_name("leadbot")), "import", str(path)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    PEAK["tree"] = PEAK["pss"] = 0
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=path.parent
    )
    finished = threading.Event()
    watcher = threading.Thread(target=_watch, args=(process, finished), daemon=True)
    watcher.start()
    stdout, stderr = process.communicate()
    finished.set()
    watcher.join()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"leadbot import failed ({process.returncode}):\n{stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, stdout


def peak_of_one_kib() -> int:
    """The largest single child process's peak RSS so far (the kernel's own count, KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def lead_count(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT count(*) FROM leads").fetchone()[0])


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor() or cpu
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"nproc {os.cpu_count()}, {cpu}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, load average {load:.1f} at start"
    )


def scenario(rows: int, existing: int, seed: int, workdir: Path) -> str:
    """A table line: the file imported into a fresh database already holding `existing` leads."""
    rng = random.Random(seed)
    world = World(rng, rows + existing)
    database = workdir / f"bench-{existing}.db"
    if existing:
        seed_file = workdir / f"existing-{existing}.csv"
        write_csv(seed_file, make_rows(rng, world, range(existing), 10_000_000, []))
        run_import(seed_file, database)  # not counted
    path = workdir / f"leads-{rows}.csv"
    write_csv(path, make_rows(rng, world, range(existing, existing + rows), 0, list(range(existing))))
    before = lead_count(database) if existing else 0
    seconds, cpu, stdout = run_import(path, database)
    counts = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", stdout.splitlines()[0])}
    assert counts["created"] == lead_count(database) - before, (stdout, before)
    outcomes = " | ".join(f"{counts[key]:,}" for key in ("created", "updated", "duplicates", "rejected"))
    memory = f"{PEAK['tree'] / 1024:,.0f} MiB | {PEAK['pss'] / 1024:,.0f} MiB"
    return (
        f"| {existing:,} | {rows:,} | {seconds:.1f} s | {rows / seconds:,.0f} | {cpu:.1f} s | {outcomes} "
        f"| {memory} |"
    )


def breakdown(rows: int, seed: int, workdir: Path) -> str:
    """The same import in this process, with a CPU clock around each step of the pipeline: the
    rows are prepared here too, as for a small file, so the total is all of the import's CPU."""
    from datetime import UTC, datetime

    import handlers.importing.pipeline as importing
    import handlers.importing.prepare as import_prepare
    from bot.operations.database import open_database
    from domain.config import default_config
    from domain.permissions import system_actor
    from handlers.context import Context
    from handlers.importing.rows import decode, read_layout, read_rows
    from handlers.importing.view import View

    spent: dict[str, float] = {}

    def clocked(owner: object, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def timed(*args: object, **kwargs: object) -> object:
            start = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - start

        setattr(owner, name, staticmethod(timed) if isinstance(owner, type) else timed)

    clocked(import_prepare, "build_lead", "clean, validate, enrich (build_lead)")
    clocked(import_prepare, "blocking_keys", "blocking keys (domain.matching.dedupe)")
    clocked(importing, "likely_duplicate", "likely-duplicate rule (domain.matching.dedupe)")
    clocked(importing, "_write", "database writes (store.importing.bulk)")
    clocked(View, "load", "database reads (store.importing.bulk)")
    rng = random.Random(seed)
    world = World(rng, rows)
    path = workdir / "breakdown.csv"
    write_csv(path, make_rows(rng, world, range(rows), 0, []))
    _, uow_factory = open_database(f"sqlite:///{workdir / 'breakdown.db'}")
    ctx = Context(system_actor("T0BENCH", "import"), datetime.now(UTC), default_config())
    text = decode(path.read_bytes())
    start = time.process_time()
    # In this process only (no second process), so every step's clock sees its work.
    importing.import_leads(read_rows(text, read_layout(text)), uow_factory(), ctx, pool_from=sys.maxsize)
    total = time.process_time() - start
    lines = ["| step | CPU per row |", "| --- | ---: |"]
    lines += [f"| {label} | {seconds / rows * 1e6:,.0f} µs |" for label, seconds in spent.items()]
    rest = total - sum(spent.values())
    lines += [
        f"| the rest (reading, deciding, bookkeeping) | {rest / rows * 1e6:,.0f} µs |",
        f"| **total** | **{total / rows * 1e6:,.0f} µs** ({rows / total:,.0f} rows per CPU-second) |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--existing", default="0,10000", help="leads on file before the timed import")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--breakdown", action="store_true", help="also time each step in process")
    args = parser.parse_args()
    print(machine())
    print(f"`.venv/bin/python -m bench.import_leads --rows {args.rows} --existing {args.existing}`\n")
    print(
        "| leads on file | rows | wall | rows/s | CPU | created | updated | flagged | rejected "
        "| peak RSS, process tree | peak PSS, process tree |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="leadbot-import-bench-") as tmp:
        for existing in (int(n) for n in args.existing.split(",")):
            print(scenario(args.rows, existing, args.seed, Path(tmp)), flush=True)
        print(
            f"\nLargest single process's peak RSS (getrusage RUSAGE_CHILDREN, seeding runs included): "
            f"{peak_of_one_kib() / 1024:,.0f} MiB"
        )
        if args.breakdown:
            print(f"\nWhere the time goes (in process, CPU per row, {args.rows:,} rows, no leads on file):\n")
            print(breakdown(args.rows, args.seed, Path(tmp)))


if __name__ == "__main__":
    main()
