"""Recomputing rule scores for every open lead on SQLite (the daily decay's work).

# A fresh SQLite file, migrated to head, gets 100k leads with realistic facts (titles from
# interns to CEOs, sources, work and free-mail addresses; a quarter with BANT answers) and
# their engagement over the last 180 days: most leads did little, a few did a lot (a
# geometric number of events per lead, mean --events), of every kind the webhook takes and
# logged calls, emails and meetings, a third of page visits on a pricing page. The timed
# call is handlers.scoring.decay.recompute_all, the function the daily job runs, with the default
# rules of domain/scoring/config.py:
#
#   1. "first run": every score moves from 0 (every lead written, with its history row);
#   2. "next day": a day's decay, written only where the whole-number score changed;
#   3. "same instant again": nothing changed, nothing written.
#
#   .venv/bin/python -m bench.scoring_recompute [--leads 100000] [--events 10] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.bootstrap import open_database
from domain.config import LeadbotConfig
from domain.scoring.config import EngagementKind
from domain.scoring.rules import CompiledRules, day_of, score_total
from handlers.scoring.decay import BATCH, recompute_all
from store.tables import EngagementEventRow, LeadRow, QualificationRow
from store.unit_of_work import UowFactory

NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
TEAM = "T0BENCH"
TITLES = [
    "CEO",
    "VP Sales",
    "Head of Marketing",
    "Director of IT",
    "Sales Manager",
    "Engineer",
    "Buyer",
    "Office Manager",
    "Intern",
    "Founder",
    "",
    "",
]
SOURCES = ["web form", "trade fair", "referral", "partner", "webinar", "cold call", ""]
DOMAINS = ["acme.com", "globex.io", "initech.de", "gmail.com", "outlook.com", "umbrella.co.uk"]
KINDS = [k for k in EngagementKind] + [EngagementKind.PAGE_VISITED] * 6 + [EngagementKind.EMAIL_OPENED] * 4
BANT = [
    ("yes", "VP Sales", "replace spreadsheets", "Q1"),
    ("no", "CFO", None, None),
    ("50k", None, "speed", "Q3"),
]
CHUNK = 20_000


def lead_rows(count: int, rng: random.Random) -> list[dict]:
    created = NOW - timedelta(days=200)
    return [
        {
            "team_id": TEAM,
            "number": n,
            "name": f"Person {n}",
            "email": f"p{n}@{rng.choice(DOMAINS)}",
            "title": rng.choice(TITLES),
            "source": rng.choice(SOURCES),
            "status": rng.choice(["new", "contacted"]),
            "score": 0,
            "search_text": "",
            "cycle": 1,
            "created_by": "bench",
            "created_at": created,
            "updated_at": created,
        }
        for n in range(1, count + 1)
    ]


def event_rows(lead_ids: list[int], mean: float, rng: random.Random) -> list[dict]:
    rows = []
    for lead_id in lead_ids:
        for _ in range(int(rng.expovariate(1 / mean))):
            kind = rng.choice(KINDS)
            url = (
                (
                    "https://acme.com/pricing"
                    if rng.random() < 0.33
                    else f"https://acme.com/blog/{rng.randrange(50)}"
                )
                if kind is EngagementKind.PAGE_VISITED
                else None
            )
            at = NOW - timedelta(days=rng.uniform(0, 180))
            rows.append(
                {
                    "team_id": TEAM,
                    "lead_id": lead_id,
                    "kind": str(kind),
                    "url": url,
                    "occurred_at": at,
                    "received_at": at,
                }
            )
    return rows


def qualification_rows(lead_ids: list[int], rng: random.Random) -> list[dict]:
    picked = rng.sample(lead_ids, len(lead_ids) // 4)
    return [
        {
            "team_id": TEAM,
            "lead_id": lead_id,
            "answered_by": "bench",
            "answered_at": NOW - timedelta(days=3),
            **dict(zip(("budget", "authority", "need", "timeline"), rng.choice(BANT), strict=True)),
        }
        for lead_id in picked
    ]


def populate(engine: sa.Engine, leads: int, mean_events: float, seed: int) -> int:
    rng = random.Random(seed)
    with engine.begin() as connection:
        rows = lead_rows(leads, rng)
        for start in range(0, len(rows), CHUNK):
            connection.execute(sa.insert(LeadRow), rows[start : start + CHUNK])
        ids = list(connection.scalars(sa.select(LeadRow.id).order_by(LeadRow.id)))
        events = event_rows(ids, mean_events, rng)
        for start in range(0, len(events), CHUNK):
            connection.execute(sa.insert(EngagementEventRow), events[start : start + CHUNK])
        connection.execute(sa.insert(QualificationRow), qualification_rows(ids, rng))
    return len(events)


def timed(label: str, uow_factory: UowFactory, now: datetime) -> None:
    """Wall time, and this process's CPU time: on a shared machine the second is the steadier."""
    started, cpu = time.perf_counter(), time.process_time()
    report = recompute_all(now, uow_factory, LeadbotConfig())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    counts = f"{report.leads:,} | {report.changed:,} | {report.mql:,} | {report.sql:,}"
    print(f"| {label} | {counts} | {seconds:.2f} | {cpu:.2f} |", flush=True)


def phases(uow_factory: UowFactory, now: datetime) -> None:
    """Where a pass's time goes: the batched reads alone, then the pure scoring alone."""
    started, cpu = time.perf_counter(), time.process_time()
    batches, after = [], 0
    while True:
        with uow_factory() as uow:
            batch = uow.scores.batch(after, BATCH)
        if not batch:
            break
        batches.append(batch)
        after = batch[-1].lead_id
    read = (time.perf_counter() - started, time.process_time() - cpu)
    rules, today = CompiledRules(LeadbotConfig().scoring), day_of(now)
    started, cpu = time.perf_counter(), time.process_time()
    for batch in batches:
        for lead in batch:
            score_total(lead.facts, lead.events, today, rules)
    scored = (time.perf_counter() - started, time.process_time() - cpu)
    print(
        f"\nreads alone: {read[0]:.2f} s ({read[1]:.2f} s CPU); "
        f"scoring alone: {scored[0]:.2f} s ({scored[1]:.2f} s CPU)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--events", type=float, default=10.0, help="mean events per lead")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine, uow_factory = open_database(f"sqlite:///{Path(folder) / 'bench.db'}")
        started = time.perf_counter()
        events = populate(engine, args.leads, args.events, args.seed)
        print(
            f"machine: {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"SQLAlchemy {sa.__version__}"
        )
        print(
            f"data: {args.leads:,} leads, {events:,} events ({events / args.leads:.1f} a lead), "
            f"built in {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f}\n"
        )
        print("| run | leads scored | scores written | crossed MQL | crossed SQL | seconds | CPU seconds |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        timed("first run (all from 0)", uow_factory, NOW)
        timed("next day (daily decay)", uow_factory, NOW + timedelta(days=1))
        timed("same instant again", uow_factory, NOW + timedelta(days=1))
        phases(uow_factory, NOW + timedelta(days=1))
        engine.dispose()


if __name__ == "__main__":
    main()
