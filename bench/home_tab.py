"""A manager's Home tab built and published, and a three-filter `/lead list` page, at 100k leads.

# The book of bench/list_page.py (100,000 leads over 10 teams and 50 reps, a fifth unassigned,
# a third touched, a quarter staged), plus what a Home tab reads: 2,000 open follow-ups (a
# tenth due today or overdue), 500 proposals waiting and 500 first-contact clocks running
# (some within the hour), 5,000 approved assignments this week, 200 dead outbox messages, and
# an expected value and close month on a sixth of the open leads (the Home forecast's deals).
#
# Timed, each `--runs` times, p50 and p99 in ms:
#   - home: bot.reporting.home.publish_home for the manager of team t3, as the app does when the tab is
#     opened (the read-only transaction of handlers/book/home.show_home, Block Kit, and views.publish
#     to the local Slack stand-in over HTTP, its rate limits off); the same for an admin and a rep;
#     a manager's and an admin's forecast is memoised for five minutes (bot/reporting/forecasts.py), so
#     it is timed both ways: as most openings find it, and computed afresh (a cold memo);
#   - list: handlers.book.lists.list_leads, the function `/lead list` dispatches to, for a manager's
#     `source:webinar country:EMEA score:>40` (three filters) and an admin's;
#   - floors, measured in the same run: views.publish of a one-block view (the HTTP round trip
#     to the stand-in) and an empty read-only unit of work (a transaction's own cost).
#
#   .venv/bin/python -m bench.home_tab [--leads 100000] [--runs 50] [--url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from slack_sdk import WebClient

from bench.list_page import REPS, TEAM, TEAMS, config, seed
from bot.deps import Deps
from bot.grammar.lists import read_filter
from bot.local.standin.server import FakeSlack
from bot.operations.database import open_database
from bot.reporting.home import publish_home
from domain.reporting.forecast import add_months, month_of
from handlers.book.lists import list_leads
from handlers.commands import ListLeads
from handlers.context import Context
from store.engine import reading_only
from store.tables import AssignmentRow, LeadRow, OutboxRow, ReminderRow
from store.unit_of_work import UowFactory

NOW = datetime.now(UTC)  # the Home tab reads the clock (due today, this week, this month)


def seed_home(engine: sa.Engine, rng: random.Random, now: datetime = NOW) -> None:
    """What a Home tab reads, around `now` (bench/digests.py seeds it around its own clock)."""
    with engine.begin() as connection:
        rows = connection.execute(sa.select(LeadRow.id, LeadRow.owner_id, LeadRow.sales_team)).all()
        owned = [row for row in rows if row.owner_id]
        # An expected value and close month (last month to five ahead) on a sixth of the open
        # leads, ~13,600 deals as in bench/report_forecast.py: what a Home forecast sums.
        open_ids = connection.execute(sa.select(LeadRow.id).where(LeadRow.status != "lost")).scalars()
        connection.execute(
            sa.update(LeadRow).where(LeadRow.id == sa.bindparam("lead_id")),
            [
                {
                    "lead_id": lead_id,
                    "expected_value": Decimal(rng.randrange(1, 100) * 250),
                    "expected_close": add_months(month_of(NOW), rng.randrange(-1, 6)),
                }
                for lead_id in open_ids
                if rng.random() < 0.17
            ],
        )
        connection.execute(
            sa.insert(ReminderRow),
            [
                {
                    "team_id": TEAM,
                    "lead_id": row.id,
                    "user_id": row.owner_id,
                    "due_at": now + timedelta(days=rng.uniform(-1, 9)),
                    "text": "call back",
                    "status": "pending",
                    "created_at": now,
                    "tz": "UTC",
                }
                for row in rng.sample(owned, 2_000)
            ],
        )
        assignments = []
        for n, row in enumerate(rng.sample(rows, 6_000)):
            team = row.sales_team
            rep = REPS[TEAMS.index(team) * 5 + rng.randrange(5)]
            state = "proposed" if n < 500 else "approved"
            assignment = {
                "team_id": TEAM,
                "lead_id": row.id,
                "sales_team": team,
                "rep_id": rep,
                "state": state,
                "reasons": [],
                "created_by": "leadbot",
                "created_at": now - timedelta(days=rng.uniform(0, 6)),
            }
            if state == "approved":
                contacted = rng.random() < 0.7
                assignment |= {
                    "decided_at": now - timedelta(days=rng.uniform(0, 6)),
                    "decided_by": "leadbot",
                    "first_contact_at": now - timedelta(hours=rng.uniform(0, 24)) if contacted else None,
                    "sla_minutes": 60,
                    "sla_due_at": now + timedelta(minutes=rng.uniform(-600, 600)),
                    "sla_status": "met" if contacted else ("running" if n < 1_000 else "breached"),
                }
            assignments.append(assignment)
        connection.execute(sa.insert(AssignmentRow), assignments)
        connection.execute(
            sa.insert(OutboxRow),
            [
                {
                    "team_id": TEAM,
                    "dedupe_key": f"dead:{n}",
                    "kind": "team_digest",
                    "payload": {"channel": "C0GONE"},
                    "status": "dead",
                    "attempts": 12,
                    "next_attempt_at": now,
                    "last_error": rng.choice(["HTTP 200 channel_not_found", "HTTP 200 is_archived"]),
                    "created_at": now,
                }
                for n in range(200)
            ],
        )
    if engine.dialect.name == "postgresql":  # as bench/list_page.seed: what autovacuum would do
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))


def timed(work: Callable[[], object], runs: int) -> tuple[float, float]:
    work()  # warm: caches, the first connection, zone memo
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--url", default="", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, FakeSlack(team_id=TEAM) as fake:
        fake.limits.enabled = False  # Tier 4 would hold 50 publishes to 100 a minute
        engine, uow_factory = open_database(args.url or f"sqlite:///{Path(folder) / 'bench.db'}")
        rng = random.Random(7)
        seed(engine, args.leads, rng)
        seed_home(engine, rng)
        cfg = config()
        deps = Deps(uow_factory, cfg)
        client = WebClient(token="xoxb-bench", base_url=fake.url)
        print(f"{args.leads} leads, {engine.dialect.name}; ms over {args.runs} runs (p50 / p99)")

        def floor_publish() -> None:
            client.views_publish(user_id="U0MGR3", view={"type": "home", "blocks": [{"type": "divider"}]})

        def floor_transaction() -> None:
            with reading_only(), uow_factory() as uow:
                uow.session.execute(sa.select(1))

        cases: list[tuple[str, Callable[[], object]]] = [
            ("floor: views.publish of one block", floor_publish),
            ("floor: empty read-only transaction", floor_transaction),
        ]
        for who, user in (("manager", "U0MGR3"), ("admin", "U0ADMIN"), ("rep", REPS[17])):
            cases.append((f"home: {who} built and published", _home(deps, client, user)))
        for who, user in (("manager", "U0MGR3"), ("admin", "U0ADMIN")):
            # A process that has not computed the scope's forecast in the last five minutes
            # (bot/reporting/forecasts.py): a new Deps each time, its memos empty.
            label = f"home: {who}, forecast computed afresh"
            cases.append((label, lambda user=user: publish_home(Deps(uow_factory, cfg), client, TEAM, user)))
        for who, user in (("manager", "U0MGR3"), ("admin", "U0ADMIN")):
            ctx = Context(cfg.actor(TEAM, user), NOW, cfg)
            cmd = ListLeads(filter=read_filter(["source:webinar", "country:EMEA", "score:>40"]))
            cases.append((f"list: {who} source:webinar country:EMEA score:>40", _list(cmd, uow_factory, ctx)))
        for label, work in cases:
            p50, p99 = timed(work, args.runs)
            print(f"{label:58} {p50:7.1f} / {p99:7.1f}")
        engine.dispose()


def _home(deps: Deps, client: WebClient, user: str) -> Callable[[], object]:
    return lambda: publish_home(deps, client, TEAM, user)


def _list(cmd: ListLeads, uow_factory: UowFactory, ctx: Context) -> Callable[[], object]:
    def page() -> object:
        with reading_only():  # as the bus runs a query (handlers/registry.QUERIES)
            return list_leads(cmd, uow_factory(), ctx)

    return page


if __name__ == "__main__":
    main()
