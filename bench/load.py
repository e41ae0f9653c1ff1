"""Two `leadbot serve` replicas on one PostgreSQL under a steady mix of Slack and webhook
traffic (bench/load_mix.py), with the stand-in as Slack. Reports p50 / p99 of the ack and of
the time until the person sees the answer, the error rate, and afterwards checks that every
request had exactly one effect (leads, notes, calls, reminders, events in the database) and
every message went out once (the stand-in's record against the outbox).

    .venv/bin/python -m bench.load [--seconds 60] [--rate 20] [--database-url URL]
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import random
import re
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa

from bench.ack_latency import percentile, running_server, server_env
from bench.load_effects import Effects, expected_effects, measured_effects, settle
from bench.load_mix import ANSWERED_BY_RESPONSE_URL, REPS, TEAM_ID, Mix, Request, Seed, asked_again
from bot.local.standin import FakeSlack, SlackSigner

SIGNING_SECRET = "bench-signing-secret"  # bench.ack_latency.server_env sets it for the servers
WEBHOOK_SECRET = "bench-webhook-secret"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SEEDS = 40
REQUEST_TIMEOUT = 10.0
ADDED = re.compile(r"\bL-(\d+)\b")


# --- database and replicas -----------------------------------------------------------


@contextmanager
def fresh_database(admin_url: str, keep: bool) -> Iterator[str]:
    """A database of its own on the server, dropped afterwards (unless kept)."""
    name = f"leadbot_load_{secrets.token_hex(4)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def start_replicas(
    stack: ExitStack, fake: FakeSlack, database_url: str, count: int, logs: Path | None
) -> list[int]:
    """`leadbot serve` processes, each in a directory of its own (its log: `leadbot.log`),
    under `logs` if given, else in temporary ones."""
    env = server_env(fake.url, database_url) | {"LEADBOT_WEBHOOK_SECRET": WEBHOOK_SECRET}
    ports = []
    for replica in range(count):  # at once: both run the migrations as they start (safe by design)
        if logs is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"load-{replica}-")))
        else:
            workdir = logs / f"replica-{replica}"
            workdir.mkdir(parents=True, exist_ok=True)
        ports.append(stack.enter_context(running_server("leadbot", env, workdir, None)).port)
    return ports


# --- sending -------------------------------------------------------------------------


def send(connections: dict[int, http.client.HTTPConnection], port: int, request: Request) -> None:
    connection = connections.setdefault(
        port, http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    )
    request.sent_at, started = time.time(), time.perf_counter()
    try:
        connection.request("POST", request.path, request.body, request.headers)
        answer = connection.getresponse()
        request.reply = answer.read().decode("utf-8", "replace")
        request.status = answer.status
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        request.error = f"{type(exc).__name__}: {exc}"
        return
    request.ack_ms = 1000 * (time.perf_counter() - started)
    if not 200 <= request.status < 300:
        request.error = f"HTTP {request.status}: {request.reply[:200]}"


def drive(mix: Mix, ports: Sequence[int], rate: float, seconds: float, workers: int) -> list[Request]:
    """Open loop: request i is due at start + i / rate whatever the answers do, as Slack's
    users do not wait for each other; replicas take turns, as a load balancer deals them."""
    due: queue.Queue[int | None] = queue.Queue()
    done: list[Request] = []
    lock = threading.Lock()

    def work() -> None:
        connections: dict[int, http.client.HTTPConnection] = {}
        while (index := due.get()) is not None:
            request = mix.request(index, random.Random(index))
            send(connections, ports[index % len(ports)], request)
            with lock:
                done.append(request)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    start = time.monotonic()
    for index in range(int(rate * seconds)):
        time.sleep(max(0.0, start + index / rate - time.monotonic()))
        due.put(index)
    for _ in threads:
        due.put(None)
    for thread in threads:
        thread.join(REQUEST_TIMEOUT + 5)
    return sorted(done, key=lambda r: r.index)


# --- seeds ---------------------------------------------------------------------------


def seed_leads(mix: Mix, fake: FakeSlack, port: int, database_url: str) -> list[Seed]:
    """Leads the notes, reminders, clicks and events are about, each added by a rep, who owns it."""
    connections: dict[int, http.client.HTTPConnection] = {}
    for n in range(SEEDS):
        request = mix._command(-1 - n, "add", REPS[n % 2], f'add "Seed Person{n}" {seed_email(mix.nonce, n)}')
        send(connections, port, request)
        if request.error:
            raise RuntimeError(f"seeding failed: {request.error}")
    engine = sa.create_engine(database_url)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.text("SELECT number, owner_id, email FROM leads WHERE email LIKE :like"),
                    {"like": f"seed%.{mix.nonce}@example.com"},
                ).all()
            if len(rows) == SEEDS:
                return [Seed(number, owner, email) for number, owner, email in rows if owner in REPS]
            time.sleep(0.2)
    finally:
        engine.dispose()
    raise RuntimeError(f"only {len(rows)} of {SEEDS} seed leads were captured")


def seed_email(nonce: str, n: int) -> str:
    return f"seed{n}.{nonce}@example.com"


# --- answers -------------------------------------------------------------------------


def answers_seen(fake: FakeSlack, requests: Sequence[Request], wait: float) -> Counter[str]:
    """Set each request's time until its person sees the answer; returns how many times each
    tag was answered after the ack (a response_url post, or the modal's reply message)."""
    deadline = time.monotonic() + wait
    while True:
        arrivals, counts = _arrivals(fake, requests)
        for request in requests:
            _see(request, arrivals.get(request.tag))
        if all(r.seen_ms is not None for r in requests if not r.error) or time.monotonic() > deadline:
            return counts
        time.sleep(0.5)


def _arrivals(fake: FakeSlack, requests: Sequence[Request]) -> tuple[dict[str, float], Counter[str]]:
    arrivals: dict[str, float] = {}
    counts: Counter[str] = Counter()
    modal_names = {r.tag for r in requests if r.kind == "modal"}
    for call in fake.calls:
        if call.failed or call.refused:
            continue
        tag = None
        if call.method == "response_url":
            tag = unquote(urlsplit(call.params["_url"]).path.rsplit("/", 1)[-1]).split("-", 1)[-1]
        elif call.method in ("chat.postEphemeral", "chat.postMessage"):
            shown = json.dumps(call.params)
            tag = next((name for name in modal_names if name in shown), None)
        if tag is not None:
            counts[tag] += 1
            arrivals.setdefault(tag, call.at)
    return arrivals, counts


def _see(request: Request, arrived: float | None) -> None:
    if request.error or request.ack_ms is None:
        return
    if arrived is not None:
        request.seen_ms = max(request.ack_ms, 1000 * (arrived - request.sent_at))
    elif request.kind in ("web_lead", "event") or asked_again(request) or _answered_in_ack(request):
        request.answered_in_ack = True
        request.seen_ms = request.ack_ms


def _answered_in_ack(request: Request) -> bool:
    if request.kind in ANSWERED_BY_RESPONSE_URL or request.kind == "modal":
        return False
    return '"text"' in request.reply and "Adding " not in request.reply


# --- report --------------------------------------------------------------------------


def summary(requests: Sequence[Request], seconds: float) -> dict[str, Any]:
    def stats(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "p50": percentile(ordered, 50),
            "p99": percentile(ordered, 99),
            "max": ordered[-1] if ordered else 0,
        }

    kinds = sorted({r.kind for r in requests})
    rows = {
        kind: {
            "requests": len(mine := [r for r in requests if r.kind == kind]),
            "errors": sum(1 for r in mine if r.error),
            "ack_ms": stats([r.ack_ms for r in mine if r.ack_ms is not None]),
            "seen_ms": stats([r.seen_ms for r in mine if r.seen_ms is not None]),
            "unseen": sum(1 for r in mine if not r.error and r.seen_ms is None),
        }
        for kind in kinds
    }
    every = [r for r in requests]
    rows["all"] = {
        "requests": len(every),
        "errors": sum(1 for r in every if r.error),
        "ack_ms": stats([r.ack_ms for r in every if r.ack_ms is not None]),
        "seen_ms": stats([r.seen_ms for r in every if r.seen_ms is not None]),
        "unseen": sum(1 for r in every if not r.error and r.seen_ms is None),
    }
    return {"seconds": seconds, "offered_per_second": len(every) / seconds if seconds else 0, "kinds": rows}


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "| kind | requests | errors | ack p50 / p99 / max ms | seen p50 / p99 / max ms | never seen |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, row in report["kinds"].items():
        ack, seen = row["ack_ms"], row["seen_ms"]
        lines.append(
            f"| {kind} | {row['requests']} | {row['errors']} "
            f"| {ack['p50']:.1f} / {ack['p99']:.1f} / {ack['max']:.1f} "
            f"| {seen['p50']:.1f} / {seen['p99']:.1f} / {seen['max']:.1f} | {row['unseen']} |"
        )
    return "\n".join(lines)


def checks(
    expected: Effects,
    measured: Effects,
    answers: Counter[str],
    requests: Sequence[Request],
    outbox: dict[str, int],
) -> list[tuple[str, bool]]:
    twice = [tag for tag, n in answers.items() if n > 1]
    later = {r.tag for r in requests if not r.error and not r.answered_in_ack}
    missing = [tag for tag in later if answers[tag] == 0]
    result = [
        (
            f"{name}: {measured.count(name)} effects for {expected.count(name)} requests, "
            f"{len(measured.lost(name, expected))} lost, {measured.duplicated(name)} duplicated",
            measured.matches(name, expected),
        )
        for name in expected.names()
    ]
    result += [
        (
            f"answers after the ack: {len(missing)} never came, {len(twice)} came twice",
            not missing and not twice,
        ),
        (
            f"outbox: {outbox['sent']} messages sent (and {outbox['replies_sent']} answers on a "
            f"response_url), {outbox['unsent']} unsent ({outbox['dead']} given up), "
            f"{outbox['queued']} commands still queued; "
            f"Slack accepted {outbox['posted']} posts and updates, {outbox['posted_twice']} of them a repeat",
            outbox["unsent"] == 0
            and outbox["queued"] == 0
            and outbox["posted"] == outbox["sent"]
            and outbox["posted_twice"] == 0,
        ),
    ]
    return result


# --- command line --------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the load runs (default 60)")
    parser.add_argument("--rate", type=float, default=20.0, help="requests a second, all kinds (default 20)")
    parser.add_argument("--replicas", type=int, default=2, help="`leadbot serve` processes (default 2)")
    parser.add_argument("--workers", type=int, default=32, help="sending threads (default 32)")
    parser.add_argument(
        "--settle",
        type=float,
        default=180.0,
        help="seconds to wait afterwards for queued work and messages (default 180)",
    )
    parser.add_argument(
        "--admin-url",
        default=POSTGRES,
        help="a PostgreSQL URL allowed to CREATE DATABASE; the run gets a fresh database",
    )
    parser.add_argument("--keep-database", action="store_true", help="leave the run's database behind")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--logs", type=Path, default=None, help="keep each replica's log under this folder")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    nonce = secrets.token_hex(3)
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_database(args.admin_url, args.keep_database))
        fake = stack.enter_context(FakeSlack(team_id=TEAM_ID))
        ports = start_replicas(stack, fake, database_url, args.replicas, args.logs)
        print(
            f"{args.replicas} replicas on ports {ports}, database {database_url.rsplit('/', 1)[-1]}",
            flush=True,
        )
        seeder = Mix(nonce, fake, SlackSigner(SIGNING_SECRET), WEBHOOK_SECRET.encode(), [])
        seeds = seed_leads(seeder, fake, ports[0], database_url)
        mix = Mix(nonce, fake, SlackSigner(SIGNING_SECRET), WEBHOOK_SECRET.encode(), seeds)
        fake.reset()  # the seeds' answers are not the run's
        print(f"{len(seeds)} seed leads; {args.rate:g} requests a second for {args.seconds:g} s", flush=True)
        started = time.monotonic()
        requests = drive(mix, ports, args.rate, args.seconds, args.workers)
        took = time.monotonic() - started
        outbox = settle(database_url, fake, args.settle)
        answers = answers_seen(fake, requests, wait=10.0)
        expected = expected_effects(requests)
        measured = measured_effects(database_url, nonce, seeds)
    report = summary(requests, took)
    results = checks(expected, measured, answers, requests, outbox)
    print(markdown(report))
    asked = sum(1 for r in requests if asked_again(r))
    print(f"{asked} form submissions were asked again (nothing saved, as Slack shows the form anew)")
    for kind, errors in Counter((r.kind, r.error[:120]) for r in requests if r.error).most_common(8):
        print(f"  error x{errors}: {kind[0]}: {kind[1]}")
    for text, ok in results:
        print(f"{'ok  ' if ok else 'FAIL'} {text}")
    passed = all(ok for _, ok in results) and report["kinds"]["all"]["errors"] == 0
    if args.json:
        errors = [{"index": r.index, "kind": r.kind, "error": r.error} for r in requests if r.error]
        args.json.write_text(
            json.dumps({**report, "checks": results, "errors": errors, "passed": passed}, indent=2)
        )
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
