"""Delivery under Slack's pace: 10,000 reminders due at once for 200 reps, every Slack call
taking 100 ms, the stand-in's rate limits on, sent by two processes sharing one database.

Prints when the last DM went out against the floor Slack's pace allows (one message a
second per conversation: 50 DMs a rep take 49 s), the shortest gap between two DMs to one
person, every 429 and whether its message was sent afterwards (once), and how many times
conversations.open was called.

    .venv/bin/python -m bench.delivery [--reps 200] [--each 50] [--senders 2] [--latency 0.1]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import re
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.delivery.send import make_deliver
from bot.local.standin import ApiCall, FakeSlack
from bot.operations.database import open_database
from domain.config import default_config
from handlers.commands import AddLead, SetReminder
from handlers.context import Context
from handlers.delivery.deliver import queue_due_reminders
from handlers.delivery.dm_channels import RememberedDms
from handlers.registry import dispatch
from handlers.results import LeadCaptured
from scheduler.jobs import Jobs, flush_outbox, send_as_due
from scheduler.runner import PACE_BUSY, PACE_SECONDS, utc_now

TEAM = "T0CONSOLE"
SWEEP_SECONDS = 10.0  # `leadbot serve`'s sweep interval
TEXT = re.compile(r"bench-(\d+)-(\d+)")


def rep(n: int) -> str:
    return f"U0BENCH{n:03d}"


def seed(url: str, reps: int, each: int, due: datetime) -> None:
    """One lead per rep, and `each` reminders on it, all due at `due` (set a minute before)."""
    _, uow_factory = open_database(url)
    config = default_config()
    for r in range(reps):
        ctx = Context(config.actor(TEAM, rep(r)), due - timedelta(minutes=1), config)
        added = dispatch(AddLead(name=f"Lead of rep {r}"), uow_factory(), ctx)
        assert isinstance(added, LeadCaptured)
        for k in range(each):
            dispatch(
                SetReminder(number=added.lead.number, due_at=due, text=f"bench-{r}-{k}"), uow_factory(), ctx
            )


def hand_off(url: str, now: datetime) -> int:
    """The reminders into the outbox, as the sweep does."""
    _, uow_factory = open_database(url)
    queued = 0
    while taken := queue_due_reminders(now, uow_factory, batch=500):
        queued += taken
    return queued


def sender(url: str, api_url: str, seconds: float, ready: Any, go: Any, handed: Any) -> None:
    """One process sending as `leadbot serve`'s scheduler does (scheduler/runner.py), on the
    real clock: the paced job every second, the sweep's flush every SWEEP_SECONDS."""
    from slack_sdk import WebClient

    _, uow_factory = open_database(url)
    client = WebClient(token="xoxb-bench", base_url=api_url, timeout=10)
    jobs = Jobs(uow_factory, make_deliver(client, RememberedDms(uow_factory)))
    ready.release()
    go.wait()  # as a running `leadbot serve` would be when the reminders fall due
    began = time.monotonic()
    deadline, next_sweep = began + seconds, began
    while time.monotonic() < deadline:
        tick = time.monotonic()
        if tick >= next_sweep:
            flush_outbox(utc_now(), uow_factory, jobs.deliver, clock=utc_now)
            next_sweep = tick + SWEEP_SECONDS
        send_as_due(jobs, utc_now, PACE_BUSY)
        with uow_factory() as uow:
            if handed.is_set() and not uow.outbox.status_counts().get("pending"):
                cpu = os.times()
                print(f"sender {os.getpid()}: {cpu.user + cpu.system:.1f} s of CPU")
                return
        time.sleep(max(0.0, tick + PACE_SECONDS - time.monotonic()))


def floor(fake: FakeSlack, reps: int, each: int) -> float:
    """The same DMs with no Leadbot and no database: one thread per rep, each post a second
    after Slack answered the one before (as Leadbot paces), over the same stand-in, latency
    and machine: what the pace, the latency and the machine's load allow."""
    import threading

    from slack_sdk import WebClient

    client = WebClient(token="xoxb-floor", base_url=fake.url, timeout=10)
    started, wall = time.monotonic(), time.time()

    def rep_dms(r: int) -> None:
        answered = started - 1.0
        for k in range(each):
            time.sleep(max(0.0, answered + 1.0 - time.monotonic()))
            client.chat_postMessage(channel=f"D0FLOOR{r:03d}", text=f"floor-{r}-{k}")
            answered = time.monotonic()

    threads = [threading.Thread(target=rep_dms, args=(r,)) for r in range(reps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return max(call.at for call in fake.calls_to("chat.postMessage")) - wall


def retried(url: str) -> dict[str, int]:
    """Messages that failed at least once before they went out, by their last error."""
    import sqlalchemy as sa

    from store.tables import OutboxRow

    engine, _ = open_database(url)
    with engine.connect() as connection:
        query = sa.select(OutboxRow.last_error, sa.func.count()).where(OutboxRow.last_error.is_not(None))
        return {
            str(error)[:60]: int(n) for error, n in connection.execute(query.group_by(OutboxRow.last_error))
        }


def report(fake: FakeSlack, started: float, reps: int, each: int) -> dict[str, object]:
    posts = fake.calls_to("chat.postMessage")
    ok = [c for c in posts if not c.failed]
    limited = [c for c in fake.calls if c.retry_after]
    sent = Counter(m.group(0) for c in ok if (m := TEXT.search(str(c.params.get("text", "")))))
    by_person: dict[str, list[float]] = defaultdict(list)
    for call in ok:
        if m := TEXT.search(str(call.params.get("text", ""))):
            by_person[m.group(1)].append(call.at)
    gaps = [
        b - a for times in by_person.values() for a, b in zip(sorted(times), sorted(times)[1:], strict=False)
    ]
    answered = sum(1 for c in limited if c.method != "chat.postMessage" or _sent_after(c, ok))
    return {
        "last_sent_s": round(max(c.at for c in ok) - started, 1),
        "floor_s": each - 1,
        "ratio": round((max(c.at for c in ok) - started) / max(each - 1, 1), 2),
        "sent": sum(sent.values()),
        "distinct": len(sent),
        "expected": reps * each,
        "duplicates": sum(n - 1 for n in sent.values() if n > 1),
        "min_gap_s": round(min(gaps), 3) if gaps else None,
        "gaps_under_1s": sum(1 for g in gaps if g < 1.0),
        "mean_gap_s": round(sum(gaps) / len(gaps), 3) if gaps else None,
        "http_429": len(limited),
        "http_429_answered": answered,
        "conversations_open": len(fake.calls_to("conversations.open")),
        "conversations_open_429": sum(1 for c in limited if c.method == "conversations.open"),
    }


def _sent_after(refused: ApiCall, ok: list[ApiCall]) -> bool:
    """A 429 is answered when its message went out later, no sooner than Retry-After said."""
    text, not_before = refused.params.get("text"), refused.at + refused.retry_after - 0.05
    return any(c.params.get("text") == text and c.at >= not_before for c in ok)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--each", type=int, default=50)
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeSlack(team_id=TEAM) as fake:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        due = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
        t = time.monotonic()
        seed(url, args.reps, args.each, due)
        print(f"seeded {args.reps * args.each} reminders in {time.monotonic() - t:.1f} s")
        fake.limits.latency = args.latency
        ctx = multiprocessing.get_context("spawn")
        ready, go, handed = ctx.Semaphore(0), ctx.Event(), ctx.Event()
        gates = (ready, go, handed)
        procs = [ctx.Process(target=sender, args=(url, fake.url, 600.0, *gates)) for _ in range(args.senders)]
        for proc in procs:
            proc.start()
        for _ in procs:
            ready.acquire()
        # The clock starts when the reminders fall due. The sweep hands them to the outbox
        # in batches while the senders, already running, send what it has handed off.
        started = time.time()
        go.set()
        queued = hand_off(url, datetime.now(UTC))
        handed.set()
        print(f"handed {queued} reminders to the outbox in {time.time() - started:.1f} s")
        for proc in procs:
            proc.join()
        result = report(fake, started, args.reps, args.each)
        result["retried_after"] = retried(url)
        fake.reset()  # the floor's own counts
        result["floor_measured_s"] = round(floor(fake, args.reps, args.each), 1)
    machine = f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}"
    print(f"machine: {machine}, database {url.split(':')[0]}")
    print(f"senders={args.senders} latency={args.latency}s reps={args.reps} each={args.each}")
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
