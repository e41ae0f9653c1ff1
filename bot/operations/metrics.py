"""What Leadbot counts as it runs, for `GET /metrics` (bot/web/metrics_endpoint.py).

Every series is named `leadbot_*` and every label comes from a fixed vocabulary: a surface, a
Slack method name, a Slack error code, an import outcome, a scheduler job. Never a user,
workspace, email or free text, so the series stay few and carry nothing personal.

These are the figures counted where the work happens. The server process counts requests
and the Slack calls of its listeners; the background process (bot/capture/worker.py) counts
the scheduler's jobs and the outbox's Slack calls, and hands them to the server as a snapshot
file (Snapshot below): the server reads it at each scrape. Figures that live in the database
(the outbox, dead messages, queued captures) are read there at scrape time instead.
"""
# https://prometheus.github.io/client_python/instrumenting/

import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_SUBMITTED,
    JobExecutionEvent,
    JobSubmissionEvent,
    SchedulerEvent,
)
from apscheduler.schedulers.base import BaseScheduler
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.metrics_core import Metric
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from handlers.importing.pipeline import LeadsImported

log = logging.getLogger(__name__)

SURFACES = ("command", "action", "view", "event", "webhook", "other")
# Slack's 3 s ack limit sits between the last two buckets but one.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
IMPORT_OUTCOMES = ("created", "updated", "duplicate", "returning", "rejected", "warning", "unchanged")
METHOD = re.compile(r"[A-Za-z]+(?:\.[A-Za-z]+)+")  # chat.postMessage, views.publish
ERROR_CODE = re.compile(r"[a-z0-9_]{1,64}")  # Slack's error codes: channel_not_found
JOB_PREFIX = "leadbot."  # scheduler/runner.py's job ids

# No `*_created` series beside each counter: twice the lines, and nothing we read.
disable_created_metrics()

# This process's own series; the endpoint adds the background's and the database's.
REGISTRY = CollectorRegistry()
ACK_SECONDS = Histogram(
    "leadbot_ack_seconds",
    "Time from a request's arrival to its answer (Slack's ack), by surface.",
    ["surface"],
    buckets=ACK_BUCKETS,
    registry=REGISTRY,
)
REQUESTS = Counter(
    "leadbot_requests",
    "Requests answered, by surface and status class (2xx, 4xx, 5xx).",
    ["surface", "status"],
    registry=REGISTRY,
)
SLACK_CALLS = Counter(
    "leadbot_slack_api_calls",
    "Slack Web API attempts, by method and error code (ok when it succeeded).",
    ["method", "error"],
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "leadbot_slack_rate_limited",
    "Slack Web API answers of 429 (rate limited), by method.",
    ["method"],
    registry=REGISTRY,
)
IMPORT_ROWS = Counter(
    "leadbot_import_rows",
    "Rows of imports from Slack (/lead import), by outcome.",
    ["outcome"],
    registry=REGISTRY,
)
JOB_LAG = Gauge(
    "leadbot_job_lag_seconds",
    "How late the scheduled job's last run started, after it fell due.",
    ["job"],
    registry=REGISTRY,
)
JOB_LAST_SUCCESS = Gauge(
    "leadbot_job_last_success_timestamp_seconds",
    "When the scheduled job last finished without an error (Unix time).",
    ["job"],
    registry=REGISTRY,
)
JOB_RUNS = Counter(
    "leadbot_job_runs",
    "Runs of each scheduled job, by outcome (ok, error).",
    ["job", "outcome"],
    registry=REGISTRY,
)


def observe_request(surface: str, status: int, seconds: float) -> None:
    surface = surface if surface in SURFACES else "other"
    ACK_SECONDS.labels(surface).observe(seconds)
    REQUESTS.labels(surface, f"{status // 100}xx").inc()


def observe_import(result: LeadsImported) -> None:
    """An import's rows by outcome, as its report names them."""
    counts = {
        "created": result.created,
        "updated": result.updated,
        "duplicate": result.duplicates,
        "returning": result.returning,
        "rejected": result.rejected,
        "warning": result.warnings,
        "unchanged": result.unchanged,
    }
    for outcome, rows in counts.items():
        if rows:
            IMPORT_ROWS.labels(outcome).inc(rows)


class SlackCallCounter(RetryHandler):
    """Counts every answer the Web API gives, retried ones too, and never retries itself.

    slack_sdk shows each attempt's answer to the client's retry handlers in turn (200s with
    `ok: false` too), and Bolt copies the handlers into the client it makes for each request:
    first in the list, this one sees every call of every client built with it."""

    def __init__(self) -> None:
        super().__init__(max_retry_count=0)

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        try:
            method = _method(request.url)
            SLACK_CALLS.labels(method, _error(response)).inc()
            if response is not None and response.status_code == 429:
                RATE_LIMITED.labels(method).inc()
        except Exception:  # noqa: BLE001 - counting must never break a call to Slack
            log.exception("could not count a Slack API call")
        return False


def _method(url: str) -> str:
    name = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    return name if len(name) <= 64 and METHOD.fullmatch(name) else "other"


def _error(response: HttpResponse | None) -> str:
    if response is None:
        return "connection_error"
    if response.status_code == 429:
        return "ratelimited"
    if response.status_code != 200:
        return f"http_{response.status_code}"
    body = response.body if isinstance(response.body, dict) else {}
    if body.get("ok", True):
        return "ok"
    code = str(body.get("error") or "unknown")
    return code if ERROR_CODE.fullmatch(code) else "other"


def watch_scheduler(scheduler: BaseScheduler, snapshot: "Snapshot | None" = None) -> None:
    """Each job's lag (when it was handed to a thread, after it fell due), last success and
    runs; `snapshot`, when this is the background process, is written after each run."""

    def heard(event: SchedulerEvent) -> None:
        job = _job_name(getattr(event, "job_id", ""))
        now = datetime.now(UTC)
        if isinstance(event, JobSubmissionEvent) and event.scheduled_run_times:
            due = min(event.scheduled_run_times)
            JOB_LAG.labels(job).set(max(0.0, (now - due).total_seconds()))
        elif isinstance(event, JobExecutionEvent):
            failed = event.exception is not None
            JOB_RUNS.labels(job, "error" if failed else "ok").inc()
            if not failed:
                JOB_LAST_SUCCESS.labels(job).set(now.timestamp())
            if snapshot is not None:
                snapshot.write()

    scheduler.add_listener(heard, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)


def _job_name(job_id: str) -> str:
    """sweep, paced, housekeeping: the scheduler's own fixed ids."""
    name = job_id.removeprefix(JOB_PREFIX)
    return name if re.fullmatch(r"[a-z_]{1,32}", name) else "other"


# --- the background process's figures, handed to the server -------------------------------


class Snapshot:
    """This process's series as a JSON file the server reads at each scrape.

    Prometheus' multiprocess mode would do it too, but it must be switched on by an
    environment variable before prometheus_client is first imported in every process, and
    it changes how every series of the process is kept (memory-mapped files per process,
    cleared by hand at start). One file, replaced whole (write then rename) at most once
    every `every` seconds by the one background process, is the simpler correct way: the
    server never reads half a file, and a figure is at most a sweep old."""

    def __init__(self, path: Path, every: float = 1.0) -> None:
        self.path = path
        self._every = every
        self._lock = threading.Lock()
        self._written = float("-inf")

    def write(self, force: bool = False) -> None:
        with self._lock:
            if not force and time.monotonic() - self._written < self._every:
                return
            self._written = time.monotonic()
            families = [_plain(family) for family in REGISTRY.collect()]
            partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            try:
                partial.write_text(json.dumps(families), encoding="utf-8")
                os.replace(partial, self.path)
            except OSError as error:
                log.warning("could not write the metrics snapshot (%s)", type(error).__name__)


def _plain(family: Metric) -> dict[str, Any]:
    return {
        "name": family.name,
        "type": family.type,
        "help": family.documentation,
        "samples": [[s.name, s.labels, s.value] for s in family.samples],
    }


def read_snapshot(path: Path | None) -> list[Metric]:
    """The background process's families, or none (not started, or no background process)."""
    if path is None:
        return []
    try:
        families = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return list(_metrics(families))


def _metrics(families: Iterable[dict[str, Any]]) -> Iterable[Metric]:
    for family in families:
        metric = Metric(family["name"], family["help"], family["type"])
        for name, labels, value in family["samples"]:
            metric.add_sample(name, labels, value)
        yield metric
