"""Acks of `/lead add` and `/lead show` while reports, digests, the daily rescore and a retrain
run, on SQLite at 100k leads, beside a quiet baseline in the same run.

# The book of bench/digests.py (bench/report_forecast.py's 100,000 leads over 10 teams and 50
# reps, with bench/home_tab.py's follow-ups and SLAs) in a SQLite file, its model trained and
# today's daily rescore claimed, so `leadbot serve`'s own scheduler finds nothing to do. Then:
#   - `leadbot serve` in a subprocess (bench/ack_latency.py's, against the local Slack stand-in),
#     sent signed `/lead add` and `/lead show L-1` alternately at a steady `--rate`, each request
#     on one of a few keep-alive connections, the ack timed from send to response;
#   - quiet: `--seconds` of that alone;
#   - busy: `--seconds` more, and at least until each job has run once, while another process
#     runs back to back: an admin's 365-day `/lead report` (through handlers.registry.dispatch,
#     as the command runs), the ten teams' digests (handlers.reporting.digest.post_digests, the day's
#     runs forgotten first), the daily rescore (handlers.scoring.decay.recompute_all) and a predictive
#     retrain (handlers.scoring.training.train_workspace).
# The commands go to the stand-in's workspace, the jobs work on the bench's: SQLite's write lock
# is the whole file's, so they meet at it as one workspace's would.
#
#   .venv/bin/python -m bench.acks_under_load [--leads 100000] [--rate 5] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import queue
import secrets
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.ack_latency import (
    HOST,
    SIGNING_SECRET,
    TEAM_ID,
    USER_ID,
    add_text,
    load_average,
    percentile,
    running_server,
    server_env,
)
from bench.digests import AT, seed_book
from bench.list_page import TEAM, config
from bot.local.standin import FakeSlack, SlackSigner
from bot.operations.database import open_database
from domain.daily import ALL_WORKSPACES, daily_key
from handlers.commands import ShowReport
from handlers.context import Context
from handlers.nurture.jobs import QUIET_JOB
from handlers.registry import dispatch
from handlers.reporting.digest import post_digests
from handlers.scoring.decay import recompute_all
from handlers.scoring.training import train_workspace
from store.tables import DailyRunRow, OutboxRow

CONNECTIONS = 4  # requests in flight at once at most: a slow ack does not delay the next send
TIMEOUT = 10.0
MAX_SECONDS = 900.0  # of the busy phase, however slowly the jobs go on a loaded machine


@dataclass
class Acks:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)

    def line(self, label: str, kinds: tuple[str, ...]) -> str:
        times = sorted(t for k in kinds for t in self.latencies[k])
        if not times:
            return f"| {label} | 0 | | | | |"
        slow = sum(t > 1.0 for t in times)
        ms = [percentile(times, p) * 1000 for p in (50, 99)] + [times[-1] * 1000]
        return f"| {label} | {len(times)} | {ms[0]:.1f} | {ms[1]:.1f} | {ms[2]:.1f} | {slow} |"


def send_steadily(
    port: int, origin: str, nonce: str, rate: float, seconds: float, first: int, done: Any = None
) -> Acks:
    """`/lead add` and `/lead show L-1` by turns, one every 1/rate s, whatever the acks take,
    for `seconds` and, given `done` (an event), until it is set too (at most MAX_SECONDS)."""
    acks, local = Acks(), threading.local()
    signer = SlackSigner(SIGNING_SECRET)

    def one(index: int) -> None:
        kind = "add" if index % 2 else "show"
        text = add_text(nonce, index, "people") if kind == "add" else "show L-1"
        request = signer.slash_command(
            team_id=TEAM_ID,
            user_id=USER_ID,
            text=text,
            response_url=f"{origin}/respond/bench-{nonce}-{index}",
        )
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        start = time.perf_counter()
        try:
            local.connection.request("POST", "/slack/events", request.body.encode(), request.headers)
            response = local.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            local.connection.close()
            acks.errors.append(f"{kind} {index}: {exc!r}")
            return
        acks.latencies[kind].append(time.perf_counter() - start)
        if response.status != 200:
            acks.errors.append(f"{kind} {index}: HTTP {response.status}")

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        begun, n = time.perf_counter(), 0
        while n < rate * seconds or (done is not None and not done.is_set() and n < rate * MAX_SECONDS):
            time.sleep(max(0.0, begun + n / rate - time.perf_counter()))
            pool.submit(one, first + n)
            n += 1
    return acks


# --- the long jobs, in their own process -------------------------------------------------


def run_jobs(url: str, stop: Any, rounded: Any, out: Any) -> None:
    """Back to back until told to stop; says when each job has run once, and reports each
    job's durations."""
    engine, uow_factory = open_database(url)
    cfg = config()
    admin = Context(cfg.actor(TEAM, "U0ADMIN"), AT, cfg)

    def digests() -> object:
        with engine.begin() as connection:  # forget that today's digests went out
            connection.execute(sa.delete(DailyRunRow).where(DailyRunRow.job != QUIET_JOB))
            connection.execute(sa.delete(OutboxRow).where(OutboxRow.dedupe_key.like("digest:%")))
        return post_digests(AT, uow_factory, cfg)

    jobs: list[tuple[str, Callable[[], object]]] = [
        ("admin's 365-day report", lambda: dispatch(ShowReport(days=365), uow_factory(), admin)),
        ("the ten digests", digests),
        ("daily rescore", lambda: recompute_all(AT, uow_factory, cfg)),
        ("predictive retrain", lambda: train_workspace(uow_factory(), TEAM, AT)),
    ]
    took: dict[str, list[float]] = defaultdict(list)
    out.put("ready")
    while not stop.is_set():
        for name, job in jobs:
            if stop.is_set():
                break
            start = time.perf_counter()
            job()
            took[name].append(time.perf_counter() - start)
        rounded.set()
    out.put(dict(took))
    engine.dispose()


def prepare(url: str, leads: int) -> None:
    """The book, its model trained and today's rescore claimed: the server's scheduler idles."""
    engine, uow_factory = open_database(url)
    seed_book(engine, leads)
    train_workspace(uow_factory(), TEAM, AT)
    with uow_factory() as uow:  # as handlers.scoring.decay.decay_daily claims the day
        uow.requests.first(ALL_WORKSPACES, daily_key(datetime.now(UTC).date()), datetime.now(UTC))
        uow.requests.settle(ALL_WORKSPACES, daily_key(datetime.now(UTC).date()), "claimed")
        uow.commit()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=5.0, help="commands a second")
    parser.add_argument("--seconds", type=float, default=60.0, help="of each phase")
    args = parser.parse_args()
    nonce = secrets.token_hex(3)
    with tempfile.TemporaryDirectory(prefix="leadbot-bench-") as folder, FakeSlack() as fake:
        workdir = Path(folder)
        url = f"sqlite:///{workdir / 'leadbot.db'}"
        started = time.perf_counter()
        prepare(url, args.leads)
        print(f"{args.leads} leads seeded and trained in {time.perf_counter() - started:.0f} s")
        with running_server("leadbot", server_env(fake.url, url), workdir, None) as server:
            send_steadily(server.port, fake.origin, nonce, args.rate, 2, 0)  # L-1, warm connections
            print(f"load average before: {load_average()}")
            quiet = send_steadily(server.port, fake.origin, nonce, args.rate, args.seconds, 1_000)
            print(f"load average after quiet: {load_average()}")
            context = multiprocessing.get_context("spawn")
            stop, rounded, out = context.Event(), context.Event(), context.Queue()
            worker = context.Process(target=run_jobs, args=(url, stop, rounded, out))
            worker.start()
            out.get(timeout=120)
            busy = send_steadily(server.port, fake.origin, nonce, args.rate, args.seconds, 1_000_000, rounded)
            stop.set()
            took = _collect(out)
            worker.join(300)
            print(f"load average after busy: {load_average()}")
    report(args, quiet, busy, took)


def _collect(out: Any) -> dict[str, list[float]]:
    try:
        return dict(out.get(timeout=300))
    except queue.Empty:
        return {}


def report(args: argparse.Namespace, quiet: Acks, busy: Acks, took: dict[str, list[float]]) -> None:
    print(f"\nacks at {args.rate:g} commands/s; ms")
    print("| phase | acks | p50 | p99 | max | over 1 s |\n|---|---:|---:|---:|---:|---:|")
    for label, acks in (("quiet", quiet), ("busy", busy)):
        print(acks.line(f"{label}: all", ("add", "show")))
        print(acks.line(f"{label}: /lead add", ("add",)))
        print(acks.line(f"{label}: /lead show", ("show",)))
    print("\nthe jobs, back to back during the busy phase; s")
    for name, times in took.items():
        print(f"  {name:24} runs {len(times):3}  p50 {statistics.median(times):6.2f}  max {max(times):6.2f}")
    for label, acks in (("quiet", quiet), ("busy", busy)):
        if acks.errors:
            print(f"{label}: {len(acks.errors)} errors, first: {acks.errors[:3]}")


if __name__ == "__main__":
    main()
