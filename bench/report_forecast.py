"""`/lead report` and `/lead forecast` at 100k leads on SQLite (or PostgreSQL with --url).

# A fresh database, migrated to head, gets 100k leads over 10 teams and 50 reps (a fifth
# unassigned), created over the last year, with sources, statuses (a fifth converted with a
# deal value, a fifth lost), score stages with their MQL / SQL times, a handed-over
# assignment with its first contact on half, calls on a third, and on 40% of the open leads
# an expected value and close month over the coming months (a tenth of those with a chance
# set by hand). The predictive model is trained on the closed leads, as the sweeper would.
# Timed: handlers.reporting.report.pipeline_report and
# handlers.reporting.forecast.show_forecast, the functions the two commands dispatch to, as
# an admin, a manager and a rep. The floor, measured in the same run: the one query any
# report of the period must make (the ids of the cohort), and for the forecast, reading the
# open valued leads' rows.
#
#   .venv/bin/python -m bench.report_forecast [--leads 100000] [--runs 10] [--url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.list_page import CHUNK, NOW, REPS, SOURCES, TEAM, TEAMS, config
from bot.operations.database import open_database
from domain.reporting.forecast import add_months, month_of
from handlers.commands import ShowForecast, ShowReport
from handlers.context import Context
from handlers.reporting.forecast import show_forecast
from handlers.reporting.report import pipeline_report
from handlers.scoring.training import train_workspace
from store.tables import ActivityRow, AssignmentRow, LeadProbabilityRow, LeadRow, LeadScoreRow
from store.unit_of_work import UowFactory

STATUSES = ["new", "contacted", "nurturing", "qualified", "converted", "lost"]
WEIGHTS = [20, 20, 10, 10, 20, 20]
REASONS = ["price", "competitor", "timing", "bad-fit", "other"]
CASES: list[tuple[str, str, Any]] = [
    ("admin", "report 30 days", ShowReport()),
    ("admin", "report 365 days", ShowReport(days=365)),
    ("manager", "report 30 days", ShowReport()),
    ("manager", "report 365 days", ShowReport(days=365)),
    ("rep", "report 30 days", ShowReport()),
    ("admin", "forecast quarter", ShowForecast()),
    ("manager", "forecast quarter", ShowForecast()),
    ("rep", "forecast quarter", ShowForecast()),
]


def _lead(n: int, rng: random.Random) -> dict[str, Any]:
    team = rng.randrange(10)
    owner = None if rng.random() < 0.2 else REPS[team * 5 + rng.randrange(5)]
    created = NOW - timedelta(days=rng.uniform(0, 365))
    status = rng.choices(STATUSES, WEIGHTS)[0]
    closed = created + timedelta(days=rng.uniform(1, 60)) if status in ("converted", "lost") else None
    closed = min(closed, NOW) if closed else None
    row = {
        "team_id": TEAM, "number": n, "name": f"Person {n}", "email": f"p{n}@x.example", "status": status,
        "source": rng.choice(SOURCES), "country": rng.choice(["DE", "FR", "US"]), "score": rng.randrange(101),
        "owner_id": owner, "sales_team": TEAMS[team], "search_text": "", "cycle": 1, "created_by": "U0BENCH",
        "created_at": created, "updated_at": created, "closed_at": closed,
        "deal_value": Decimal(rng.randrange(1, 50) * 500) if status == "converted" else None,
        "lost_reason": rng.choice(REASONS) if status == "lost" else None,
        "expected_value": None, "expected_close": None,
    }  # fmt: skip
    if status not in ("converted", "lost") and rng.random() < 0.4:
        row["expected_value"] = Decimal(rng.randrange(1, 100) * 250)
        row["expected_close"] = add_months(month_of(NOW), rng.randrange(-1, 6))
    return row


def seed(engine: sa.Engine, count: int, rng: random.Random) -> None:
    # In the order they were captured, as a live table holds them (an index range by capture
    # time then reads neighbouring rows, not every page of the table in random order).
    leads = sorted((_lead(n, rng) for n in range(1, count + 1)), key=lambda lead: lead["created_at"])
    for number, lead in enumerate(leads, start=1):
        lead["number"], lead["name"], lead["email"] = number, f"Person {number}", f"p{number}@x.example"
    with engine.begin() as connection:
        for start in range(0, count, CHUNK):
            connection.execute(sa.insert(LeadRow), leads[start : start + CHUNK])
        columns = (
            LeadRow.id,
            LeadRow.created_at,
            LeadRow.sales_team,
            LeadRow.owner_id,
            LeadRow.expected_value,
        )
        rows = list(connection.execute(sa.select(*columns)))
        _insert(
            connection,
            ActivityRow,
            [_call(i, created, rng) for i, created, *_ in rng.sample(rows, len(rows) // 3)],
        )
        _insert(
            connection,
            LeadScoreRow,
            [_stage(i, created, rng) for i, created, *_ in rng.sample(rows, len(rows) // 4)],
        )
        handed = [r for r in rng.sample(rows, len(rows) // 2) if r[3] is not None]
        _insert(
            connection,
            AssignmentRow,
            [_assignment(i, created, team, owner, rng) for i, created, team, owner, _ in handed],
        )
        valued = [r[0] for r in rows if r[4] is not None]
        hand = [_hand(i, rng) for i in rng.sample(valued, len(valued) // 10)]
        _insert(connection, LeadProbabilityRow, hand)


def _insert(connection: sa.Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        connection.execute(sa.insert(table), rows[start : start + CHUNK])


def _hand(lead_id: int, rng: random.Random) -> dict[str, Any]:
    return {
        "lead_id": lead_id,
        "team_id": TEAM,
        "percent": rng.randrange(5, 95),
        "set_by": "U0B",
        "set_at": NOW,
    }


def _call(lead_id: int, created: Any, rng: random.Random) -> dict[str, Any]:
    at = min(NOW, created + timedelta(days=rng.uniform(0, 30)))
    return {
        "team_id": TEAM,
        "lead_id": lead_id,
        "kind": "call",
        "body": "x",
        "actor_id": "U0BENCH",
        "created_at": at,
    }


def _stage(lead_id: int, created: Any, rng: random.Random) -> dict[str, Any]:
    mql = min(NOW, created + timedelta(days=rng.uniform(0, 10)))
    sql = min(NOW, mql + timedelta(days=rng.uniform(0, 20))) if rng.random() < 0.5 else None
    return {
        "lead_id": lead_id,
        "team_id": TEAM,
        "stage": "sql" if sql else "mql",
        "mql_at": mql,
        "sql_at": sql,
    }


def _assignment(lead_id: int, created: Any, team: str, owner: str, rng: random.Random) -> dict[str, Any]:
    contact = created + timedelta(minutes=rng.expovariate(1 / 120)) if rng.random() < 0.8 else None
    return {
        "team_id": TEAM, "lead_id": lead_id, "sales_team": team, "rep_id": owner, "state": "approved",
        "reasons": [], "created_by": "U0BENCH", "created_at": created, "first_contact_at": contact,
    }  # fmt: skip


def timed(run: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[-1]


def floors(uow_factory: UowFactory, runs: int) -> dict[str, tuple[float, float]]:
    def cohort(days: int) -> Callable[[], object]:
        def read() -> object:
            with uow_factory() as uow:
                since = NOW - timedelta(days=days)
                query = sa.select(LeadRow.id).where(LeadRow.team_id == TEAM, LeadRow.created_at > since)
                return uow.session.execute(query).all()

        return read

    def valued() -> object:
        with uow_factory() as uow:
            query = sa.select(LeadRow).where(
                LeadRow.team_id == TEAM, LeadRow.expected_close < add_months(month_of(NOW), 3)
            )
            return uow.session.scalars(query.where(LeadRow.status.not_in(["converted", "lost"]))).all()

    return {
        "floor: the 30-day cohort's ids": timed(cohort(30), runs),
        "floor: the 365-day cohort's ids": timed(cohort(365), runs),
        "floor: the open valued leads' rows": timed(valued, runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine, uow_factory = open_database(args.url or f"sqlite:///{Path(folder) / 'bench.db'}")
        started = time.perf_counter()
        seed(engine, args.leads, random.Random(7))
        if engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")
        trained = train_workspace(uow_factory(), TEAM, NOW)
        took = time.perf_counter() - started
        print(f"seeded and trained in {took:.0f} s ({trained[0].n} closed leads learned)")
        cfg = config()
        who = {"manager": "U0MGR3", "rep": REPS[17], "admin": "U0ADMIN"}
        print(f"{args.leads} leads, {engine.dialect.name}; ms over {args.runs} runs (p50, max)")
        for label, (p50, worst) in floors(uow_factory, args.runs).items():
            print(f"{label:45} p50 {p50:7.1f}  max {worst:7.1f}")
        for role, label, cmd in CASES:
            ctx = Context(cfg.actor(TEAM, who[role]), NOW, cfg)
            handler = pipeline_report if isinstance(cmd, ShowReport) else show_forecast
            p50, worst = timed(lambda: handler(cmd, uow_factory(), ctx), args.runs)  # noqa: B023
            print(f"{role:8} {label:36} p50 {p50:7.1f}  max {worst:7.1f}")
        engine.dispose()


if __name__ == "__main__":
    main()
