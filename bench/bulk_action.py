"""A bulk action on SQLite (or PostgreSQL with --url): `/lead bulk reassign` at N leads.

# A fresh database, migrated to head, gets N unassigned webinar leads of one team. Timed:
# counting them for the question (handlers.book.bulk.prepare_bulk, which runs before the ack),
# applying the action (apply_bulk, after the ack) with the longest batch transaction (what
# another writer may wait behind on SQLite), and the undo. While the action applies, another
# thread captures a lead every 20 ms: how long those writes take is what a rep's `/lead add`
# would feel.
#
#   .venv/bin/python -m bench.bulk_action [--leads 1000] [--url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.grammar.lists import read_filter
from bot.operations.database import open_database
from domain.book.bulk import BulkKind
from domain.config import LeadbotConfig, SalesTeam
from domain.lead import Lead
from domain.permissions import Actor, Role
from handlers.book.bulk import apply_bulk, prepare_bulk, undo_bulk
from handlers.commands import ApplyBulk, PrepareBulk, UndoBulk
from handlers.context import Context

WORKSPACE = "T0BENCH"
MANAGER, REP = "U0MGR0001", "U0REP0001"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1000)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'bench.db'}"
        engine, uow_factory = open_database(url)
        team = SalesTeam(key="sales", name="Sales", managers=(MANAGER,), members=(REP, "U0REP0002"))
        config = LeadbotConfig(teams=(team,))
        now = datetime.now(UTC)
        with uow_factory() as uow:
            for n in range(args.leads):
                lead = Lead(WORKSPACE, f"Lead {n}", now - timedelta(days=1), MANAGER, source="webinar")
                uow.leads.add(lead)
                lead.sales_team = "sales"
                uow.leads.save(lead)
            uow.commit()
        ctx = Context(Actor(WORKSPACE, MANAGER, Role.MANAGER, ("sales",)), now, config)
        wanted = read_filter(["owner:none", "source:webinar"])
        started = time.perf_counter()
        asked = prepare_bulk(
            PrepareBulk(kind=BulkKind.REASSIGN, params={"rep": REP}, filter=wanted), uow_factory(), ctx
        )
        counted = time.perf_counter() - started
        batches: list[float] = []
        last = [time.perf_counter()]

        def progress(done: int, total: int) -> None:
            batches.append(time.perf_counter() - last[0])
            last[0] = time.perf_counter()

        writes: list[float] = []
        stop = threading.Event()

        def capture() -> None:
            while not stop.is_set():
                began = time.perf_counter()
                with uow_factory() as uow:
                    uow.leads.add(Lead(WORKSPACE, "Other", now, REP, source="web form"))
                    uow.commit()
                writes.append(time.perf_counter() - began)
                time.sleep(0.02)

        other = threading.Thread(target=capture)
        other.start()
        started = last[0] = time.perf_counter()
        done = apply_bulk(ApplyBulk(action_id=asked.action.id), uow_factory(), ctx, progress)
        applied = time.perf_counter() - started
        stop.set()
        other.join()
        started = time.perf_counter()
        undone = undo_bulk(UndoBulk(action_id=asked.action.id), uow_factory(), ctx)
        undo = time.perf_counter() - started
        engine.dispose()
    print(f"{engine.dialect.name}, {args.leads} leads: counted in {counted * 1000:.1f} ms")
    print(f"applied {done.changed} in {applied:.2f} s; longest batch {max(batches) * 1000:.0f} ms")
    print(f"undone {undone.changed} in {undo:.2f} s")
    if writes:
        print(
            f"a rep's capture meanwhile: {len(writes)} writes, "
            f"median {statistics.median(writes) * 1000:.1f} ms, max {max(writes) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
