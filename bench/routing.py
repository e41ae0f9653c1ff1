"""Routing decision time at 100 teams and 1,000 reps.

# Two figures: the pure decision (domain.routing.rules: the first matching of 100 rules, then the
# rep among 10 by the team's strategy) and a whole `/lead route` through the real handler on
# a database (lock the team's routing row, read every rep's standing in one query, store the
# assignment and turn, give the lead, audit, queue the DM, commit). Teams are spread over
# 100 countries, one rule each, so a lead's rule sits anywhere in the list.
#
#   .venv/bin/python -m bench.routing [--decisions 20000] [--leads 2000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from bot.operations.database import open_database
from domain.config import LeadbotConfig, parse_config
from domain.permissions import system_actor
from domain.routing.config import Strategy
from domain.routing.rules import LeadFacts, RepState, choose_rep, choose_team
from handlers.commands import RouteLead
from handlers.context import Context
from handlers.routing.route import route_lead
from store.tables import LeadRow

TEAMS, REPS_PER_TEAM = 100, 10
WORKSPACE = "T0BENCH"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
STRATEGIES = ["round_robin", "weighted", "load_balanced"]


def country(n: int) -> str:
    return f"C{n:02d}"


def bench_config() -> LeadbotConfig:
    teams = [
        {
            "key": f"t{t:03d}",
            "name": f"Team {t}",
            "members": [f"U{t:03d}R{r}" for r in range(REPS_PER_TEAM)],
            "routing": {
                "strategy": STRATEGIES[t % 3],
                "auto_approve": True,
                "capacity": {"open": 1000, "per_day": 1000, "weight": 1 + t % 3},
            },
        }
        for t in range(TEAMS)
    ]
    rules = [{"name": f"rule-{t}", "team": f"t{t:03d}", "countries": [country(t)]} for t in range(TEAMS)]
    return parse_config({"teams": teams, "routing": {"rules": rules}}, origin="bench")


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    return f"median {statistics.median(ordered) * 1e6:,.1f} µs, p99 {p99 * 1e6:,.1f} µs"


def pure_decisions(config: LeadbotConfig, count: int, rng: random.Random) -> list[float]:
    samples = []
    for seed in range(count):
        facts = LeadFacts(country(rng.randrange(TEAMS)), "X", "web form", rng.randrange(100))
        started = time.perf_counter()
        team = config.team(choose_team(config.routing, facts, config.teams[0].key).team)
        reps = [
            RepState(m, team.routing.capacity_of(m), open_leads=rng.randrange(50), turns=rng.randrange(50))
            for m in team.members
        ]
        choose_rep(Strategy(team.routing.strategy), reps, NOW, seed)
        samples.append(time.perf_counter() - started)
    return samples


def seed_leads(engine: sa.Engine, count: int, rng: random.Random) -> None:
    rows: list[dict[str, Any]] = [
        {
            "team_id": WORKSPACE,
            "number": n,
            "name": f"Lead {n}",
            "status": "new",
            "country": country(rng.randrange(TEAMS)),
            "created_by": "bench",
            "created_at": NOW,
            "updated_at": NOW,
        }
        for n in range(1, count + 1)
    ]
    with engine.begin() as connection:
        connection.execute(sa.insert(LeadRow), rows)


def handler_decisions(url: str, config: LeadbotConfig, leads: int, rng: random.Random) -> list[float]:
    engine, uow_factory = open_database(url)
    seed_leads(engine, leads, rng)
    ctx = Context(system_actor(WORKSPACE, "bench"), NOW, config)
    samples = []
    for number in range(1, leads + 1):
        started = time.perf_counter()
        route_lead(RouteLead(number=number), uow_factory(), ctx)
        samples.append(time.perf_counter() - started)
    engine.dispose()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=20_000)
    parser.add_argument("--leads", type=int, default=2_000)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    rng = random.Random(7)
    config = bench_config()
    machine = platform.processor() or platform.machine()
    print(f"{machine}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{TEAMS} teams, {TEAMS * REPS_PER_TEAM} reps, {TEAMS} rules")
    print(f"pure decision ({args.decisions:,}): {percentiles(pure_decisions(config, args.decisions, rng))}")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        samples = handler_decisions(url, config, args.leads, rng)
    print(f"/lead route through the handler ({args.leads:,}, {url.split(':')[0]}): {percentiles(samples)}")


if __name__ == "__main__":
    main()
