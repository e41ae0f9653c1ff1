"""1,000 leads routed at once by 4 processes, each with its own engine: no rep goes over
capacity, and round-robin counts among the reps with room end within one of each other.
On PostgreSQL the team's routing row lock serialises decisions; on SQLite the write lock."""

import multiprocessing
import traceback
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from support import CONSOLE_WORKSPACE, context_of

from domain.config import parse_config
from handlers.commands import RouteLead
from handlers.routing.route import route_lead
from store.engine import make_engine, make_session_factory
from store.tables import LeadRow
from store.unit_of_work import SqlUnitOfWork

LEADS, WORKERS = 1000, 4
MANAGER = "U0MGR0MIA"
CAPACITY = {"U0REP0AAA": 50, "U0REP0BBB": 100, "U0REP0CCC": 400, "U0REP0DDD": 400, "U0REP0EEE": 400}
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def team_config():
    reps = {rep: {"open": cap, "per_day": 10_000} for rep, cap in CAPACITY.items()}
    team = {
        "key": "load",
        "name": "Load",
        "managers": [MANAGER],
        "members": list(CAPACITY),
        "routing": {"auto_approve": True, "reps": reps},
    }
    return parse_config({"teams": [team]}, origin="test")


def unassigned_leads(engine: sa.Engine, count: int) -> None:
    rows = [
        {
            "team_id": CONSOLE_WORKSPACE,
            "number": n,
            "name": f"Lead {n}",
            "status": "new",
            "sales_team": "load",
            "created_by": "import",
            "created_at": NOW,
            "updated_at": NOW,
        }
        for n in range(1, count + 1)
    ]
    with engine.begin() as connection:
        connection.execute(sa.insert(LeadRow), rows)


def fast_commits(url: str) -> dict[str, Any]:
    """PostgreSQL: commit without waiting for the disk. Each decision commits under the team's
    lock, so a slow fsync would make the test slow, not different; durability is not its subject."""
    if not url.startswith("postgresql"):
        return {}
    return {"connect_args": {"options": "-c synchronous_commit=off"}}


def route_share(url: str, numbers: range) -> None:
    """One process's share of the leads, through the real handler; exits 1 on any error."""
    engine = make_engine(url, **fast_commits(url))  # the process's own pool and connections
    try:
        factory = make_session_factory(engine)
        ctx = context_of(team_config(), MANAGER, now=NOW)
        for number in numbers:
            route_lead(RouteLead(number=number), SqlUnitOfWork(factory), ctx)
    except BaseException:  # noqa: BLE001 - the parent sees the exit code, the log the trace
        traceback.print_exc()
        raise SystemExit(1) from None
    finally:
        engine.dispose()


def owners(engine: sa.Engine) -> Counter[str | None]:
    query = sa.select(LeadRow.owner_id, sa.func.count()).group_by(LeadRow.owner_id)
    with engine.connect() as connection:
        return Counter({owner: int(n) for owner, n in connection.execute(query)})


def test_1000_leads_routed_by_4_processes_stay_within_capacity_and_within_one_of_each_other(
    database, database_url
):
    engine, _ = database
    unassigned_leads(engine, LEADS)
    # fork: the children run this module's function as it is, without re-importing the suite.
    forked = multiprocessing.get_context("fork")
    workers = [
        forked.Process(target=route_share, args=(database_url, range(w + 1, LEADS + 1, WORKERS)))
        for w in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert [worker.exitcode for worker in workers] == [0] * WORKERS
    given = owners(engine)
    assert sum(given.values()) == LEADS and None not in given
    assert all(given[rep] <= cap for rep, cap in CAPACITY.items())
    with_room = [given[rep] for rep, cap in CAPACITY.items() if given[rep] < cap]
    assert max(with_room) - min(with_room) <= 1
    assert (given["U0REP0AAA"], given["U0REP0BBB"]) == (50, 100)  # full: skipped from then on
