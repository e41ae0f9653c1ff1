"""`/lead list` pages at 100k leads on SQLite (or PostgreSQL with --url).

# A fresh database, migrated to head, gets 100k leads over 10 teams and 50 reps (a fifth
# unassigned), with sources, countries, scores 0-100, creation over the last year, a note,
# call or system line on a third of them, and a score stage on a quarter; custom fields
# (industry, one of four; company_size, 1-5,000) on four fifths, and tags (`hot` on a tenth,
# `enterprise` on a twentieth, in lead_tags too). The timed call is
# handlers.book.lists.list_leads, the function `/lead list` dispatches to, for a few typical
# filters as a manager, a rep and an admin: the first page and a page deep in the list.
#
#   .venv/bin/python -m bench.list_page [--leads 100000] [--runs 30] [--url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.grammar.lists import read_filter
from bot.operations.database import open_database
from domain.config import LeadbotConfig, SalesTeam
from domain.custom_fields import CustomField, FieldType
from domain.routing.config import Routing
from handlers.book.lists import list_leads
from handlers.commands import ListLeads
from handlers.context import Context
from store.tables import ActivityRow, LeadRow, LeadScoreRow, LeadTagRow
from store.unit_of_work import UowFactory

NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
TEAM = "T0BENCH"
TEAMS = [f"t{i}" for i in range(10)]
REPS = [f"U0REP{i:03}" for i in range(50)]
SOURCES = ["web form", "trade fair", "referral", "partner", "webinar", "cold call"]
COUNTRIES = ["DE", "Germany", "FR", "GB", "US", "United States", "ES", "IT", "BR", "JP"]
CHUNK = 20_000
CASES = [  # (who, filter, page)
    ("manager", "source:webinar score:>40", 1),
    ("manager", "source:webinar score:>40", 5),
    ("manager", "owner:none source:webinar country:EMEA score:>40", 1),
    ("rep", "status:new,contacted stale:>14d", 1),
    ("admin", "source:webinar score:>40", 1),
    ("admin", "country:EMEA created:>30d sort:created", 1),
    ("admin", "stale:>14d sort:stale", 1),
    ("admin", "stage:mql,sql team:t3", 1),
    # custom fields (the leads' JSON column) and tags (lead_tags)
    ("manager", "industry:fintech company_size:>200 score:>40", 1),
    ("manager", "tag:hot owner:none", 1),
    ("rep", "tag:hot", 1),
    ("admin", "industry:fintech,retail company_size:>200", 1),
    ("admin", "tag:enterprise industry:health", 1),
    ("admin", "company_size:100..500 sort:created", 5),
]
INDUSTRIES = ("fintech", "retail", "health", "public")
FIELDS = (
    CustomField(key="industry", label="Industry", type=FieldType.CHOICE, choices=INDUSTRIES),
    CustomField(key="company_size", label="Company size", type=FieldType.NUMBER),
)


def config() -> LeadbotConfig:
    teams = tuple(
        SalesTeam(
            key=key,
            name=key,
            channel=f"C0{key.upper()}",
            managers=(f"U0MGR{i}",),
            members=tuple(REPS[i * 5 : i * 5 + 5]),
        )
        for i, key in enumerate(TEAMS)
    )
    return LeadbotConfig(
        teams=teams,
        admins=("U0ADMIN",),
        routing=Routing(regions={"EMEA": ("DE", "FR", "GB", "ES", "IT")}),
        fields=FIELDS,
    )


def seed(engine: sa.Engine, count: int, rng: random.Random) -> None:
    leads = []
    for n in range(1, count + 1):
        team = rng.randrange(10)
        owner = None if rng.random() < 0.2 else REPS[team * 5 + rng.randrange(5)]
        created = NOW - timedelta(days=rng.uniform(0, 365))
        leads.append(
            {
                "team_id": TEAM,
                "number": n,
                "name": f"Person {n}",
                "email": f"p{n}@x.example",
                "status": rng.choice(["new", "contacted", "nurturing", "qualified", "lost"]),
                "source": rng.choice(SOURCES),
                "country": rng.choice(COUNTRIES),
                "score": rng.randrange(101),
                "owner_id": owner,
                "sales_team": TEAMS[team],
                "search_text": "",
                "cycle": 1,
                "created_by": "U0BENCH",
                "created_at": created,
                "updated_at": created,
                "custom": _custom(rng),
                "tags": _tags(rng),
            }
        )
    with engine.begin() as connection:
        for start in range(0, count, CHUNK):
            connection.execute(sa.insert(LeadRow), leads[start : start + CHUNK])
        ids = list(connection.execute(sa.select(LeadRow.id).order_by(LeadRow.id)).scalars())
        tagged = [
            {"team_id": TEAM, "tag": tag, "lead_id": lead_id}
            for lead_id, lead in zip(ids, leads, strict=True)
            for tag in lead["tags"] or ()
        ]
        connection.execute(sa.insert(LeadTagRow), tagged)
        touched = rng.sample(ids, len(ids) // 3)
        acts = [
            {
                "team_id": TEAM,
                "lead_id": i,
                "kind": rng.choice(["note", "call", "system"]),
                "body": "x",
                "actor_id": "U0BENCH",
                "created_at": NOW - timedelta(days=rng.uniform(0, 60)),
            }
            for i in touched
        ]
        for start in range(0, len(acts), CHUNK):
            connection.execute(sa.insert(ActivityRow), acts[start : start + CHUNK])
        staged = [
            {"lead_id": i, "team_id": TEAM, "stage": rng.choice(["mql", "sql"])}
            for i in rng.sample(ids, len(ids) // 4)
        ]
        connection.execute(sa.insert(LeadScoreRow), staged)
    if engine.dialect.name == "postgresql":
        # What autovacuum does after a bulk load; the test server runs with autovacuum off, and
        # without statistics PostgreSQL joins lead_tags row by row (a rep's `tag:hot` 16 s).
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))


def _custom(rng: random.Random) -> dict[str, object] | None:
    if rng.random() < 0.2:
        return None
    return {"industry": rng.choice(INDUSTRIES), "company_size": rng.randrange(1, 5001)}


def _tags(rng: random.Random) -> list[str] | None:
    tags = (["hot"] if rng.random() < 0.1 else []) + (["enterprise"] if rng.random() < 0.05 else [])
    return tags or None


def timed(uow_factory: UowFactory, ctx: Context, text: str, page: int, runs: int) -> tuple[float, float, int]:
    cmd = ListLeads(filter=read_filter(text.split(), FIELDS), page=page)
    times, total = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        total = list_leads(cmd, uow_factory(), ctx).total
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))], total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine, uow_factory = open_database(args.url or f"sqlite:///{Path(folder) / 'bench.db'}")
        seed(engine, args.leads, random.Random(7))
        cfg = config()
        who = {"manager": "U0MGR3", "rep": REPS[17], "admin": "U0ADMIN"}
        print(f"{args.leads} leads, {engine.dialect.name}; ms over {args.runs} runs")
        for role, text, page in CASES:
            ctx = Context(cfg.actor(TEAM, who[role]), NOW, cfg)
            p50, p99, total = timed(uow_factory, ctx, text, page, args.runs)
            print(f"{role:8} {text:55} page {page}: p50 {p50:6.1f}  p99 {p99:6.1f}  ({total} match)")
        engine.dispose()


if __name__ == "__main__":
    main()
