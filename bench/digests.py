"""The ten teams' daily digests and the quiet-lead pass at 100k leads on SQLite (or PostgreSQL with --url).

# The book of bench/report_forecast.py (100,000 leads over 10 teams and 50 reps, created over
# the last year; a fifth converted, a fifth lost; calls on a third; handed-over assignments on
# half) plus what bench/home_tab.py adds around the digest's clock (2,000 open follow-ups, a
# tenth overdue; 500 proposals; first-contact SLAs, some breached in the last day).
# Timed, each `--runs` times, at Monday 09:00 UTC (every team's digest is due):
#   - digests: handlers.reporting.digest.post_digests, what the scheduler's job runs: the ten teams'
#     digests, each built and queued in the outbox with its day's run row;
#   - quiet: handlers.nurture.jobs.flag_quiet_leads, the same job's quiet-lead DMs;
#   - the floor, in the same run: one read-only transaction counting the live leads of each
#     sales team, grouped (one pass over the index every digest section filters on).
# Before each run the day's run rows and its queued messages are deleted (not timed), so each
# run does the day's work again.
#
#   .venv/bin/python -m bench.digests [--leads 100000] [--runs 10] [--url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.home_tab import seed_home
from bench.list_page import NOW, TEAM, config
from bench.report_forecast import seed, timed
from bot.operations.database import open_database
from handlers.nurture.jobs import flag_quiet_leads
from handlers.reporting.digest import post_digests
from store.engine import reading_only
from store.tables import DailyRunRow, LeadCounterRow, LeadRow, OutboxRow
from store.unit_of_work import UowFactory

AT = NOW + timedelta(hours=3)  # Monday 09:00 UTC: after every team's 08:30 digest time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--url", default="", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine, uow_factory = open_database(args.url or f"sqlite:///{Path(folder) / 'bench.db'}")
        seed_book(engine, args.leads)
        cfg = config()
        queued = {
            "digests": post_digests(AT, uow_factory, cfg),
            "quiet": flag_quiet_leads(AT, uow_factory, cfg),
        }
        print(f"{args.leads} leads, {engine.dialect.name}; queued per run: {queued}")
        print(f"ms over {args.runs} runs (p50, max)")
        figures = {
            "floor: live leads per team, one grouped count": timed(_floor(uow_factory), args.runs),
            "the ten teams' digests (post_digests)": _again(
                engine, lambda: post_digests(AT, uow_factory, cfg), args.runs
            ),
            "the quiet-lead pass (flag_quiet_leads)": _again(
                engine, lambda: flag_quiet_leads(AT, uow_factory, cfg), args.runs
            ),
        }
        for label, (p50, worst) in figures.items():
            print(f"{label:50} p50 {p50:7.1f}  max {worst:7.1f}")
        engine.dispose()


def seed_book(engine: sa.Engine, leads: int) -> None:
    """The book described above, with its workspace's lead counter (DailyRuns.workspaces)."""
    rng = random.Random(7)
    seed(engine, leads, rng)
    seed_home(engine, rng, now=AT)
    with engine.begin() as connection:
        connection.execute(sa.insert(LeadCounterRow).values(team_id=TEAM, last_number=leads))
    if engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")


def _again(engine: sa.Engine, job: Callable[[], int], runs: int) -> tuple[float, float]:
    """The job `runs` times, each after forgetting (not timed) that it ran today."""
    times = []
    for _ in range(runs):
        with engine.begin() as connection:
            connection.execute(sa.delete(DailyRunRow))
            mine = sa.or_(OutboxRow.dedupe_key.like("digest:%"), OutboxRow.dedupe_key.like("quiet:%"))
            connection.execute(sa.delete(OutboxRow).where(mine))
        times.append(timed(job, 1)[0])
    times.sort()
    return statistics.median(times), times[-1]


def _floor(uow_factory: UowFactory) -> Callable[[], object]:
    def read() -> object:
        with reading_only(), uow_factory() as uow:
            query = (
                sa.select(LeadRow.sales_team, sa.func.count())
                .where(LeadRow.team_id == TEAM, LeadRow.merged_into_id.is_(None))
                .group_by(LeadRow.sales_team)
            )
            return uow.session.execute(query).all()

    return read


if __name__ == "__main__":
    main()
