"""`GET /readyz` over a real socket: ready when the database answers, the background process
runs and the scheduler's last sweep is recent; else 503 naming what is wrong. /healthz stays
the process's "alive". (The database cut off: tests/bot/test_database_outage.py.)"""

import http.client
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from webhook_support import start

from bot.bootstrap import Runtime, build_runtime
from bot.web.server import LeadbotServer


def get(server: LeadbotServer, path: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("GET", path)
    answer = connection.getresponse()
    return answer.status, json.loads(answer.read())


def wait_for_a_sweep(runtime: Runtime, timeout: float = 30) -> datetime:
    """The heartbeat moves past the start: a sweep finished, in whichever process runs it."""
    started = runtime.heartbeat.last()
    deadline = time.monotonic() + timeout
    while runtime.heartbeat.last() == started and time.monotonic() < deadline:
        time.sleep(0.05)
    last = runtime.heartbeat.last()
    assert last is not None and last != started, "no sweep finished"
    return last


@pytest.fixture
def served(settings, config) -> Iterator[tuple[Runtime, LeadbotServer]]:
    runtime = build_runtime(settings, config, sweep_seconds=0.2)
    server = start(runtime)
    yield runtime, server
    server.shutdown()
    server.server_close()
    runtime.stop()
    runtime.app.listener_runner.listener_executor.shutdown(wait=True)
    runtime.engine.dispose()


def test_a_started_server_is_ready_and_says_each_part_is_ok(served):
    runtime, server = served
    runtime.start()
    wait_for_a_sweep(runtime)

    status, body = get(server, "/readyz")

    assert status == 200
    assert body == {
        "ready": True,
        "failing": [],
        "checks": dict.fromkeys(["database", "background", "scheduler"], "ok"),
    }


def test_a_server_whose_background_has_not_started_is_not_ready_but_alive(served):
    _runtime, server = served

    status, body = get(server, "/readyz")

    assert status == 503 and body["ready"] is False
    assert body["failing"] == ["background", "scheduler"]
    assert body["checks"]["scheduler"] == "not started"
    assert get(server, "/healthz") == (200, {"ok": True})


def test_a_scheduler_that_stopped_sweeping_is_named_as_lagging(served):
    runtime, server = served
    runtime.start()
    wait_for_a_sweep(runtime)
    runtime.scheduler.pause()  # stuck: no sweep finishes any more
    runtime.heartbeat.beat(datetime.now(UTC) - runtime.lag_limit - timedelta(seconds=30))

    status, body = get(server, "/readyz")

    assert status == 503 and body["failing"] == ["scheduler"]
    assert body["checks"]["scheduler"].startswith("lagging: last sweep 9")  # 90 s, give or take
    assert body["checks"]["scheduler"].endswith("more than 60 s")
    assert get(server, "/healthz")[0] == 200


def test_the_background_process_sweeps_and_its_death_makes_the_server_not_ready(settings, config):
    """As `leadbot serve` runs: the scheduler in a child process, its sweeps seen by the server."""
    runtime = build_runtime(settings, config, worker_process=True, sweep_seconds=0.5)
    server = start(runtime)
    runtime.start()
    try:
        wait_for_a_sweep(runtime)  # the child's sweep, through shared memory
        assert get(server, "/readyz")[0] == 200

        runtime.worker._process.kill()  # as the OOM killer would
        runtime.worker._process.join(10)
        status, body = get(server, "/readyz")
    finally:
        server.shutdown()
        server.server_close()
        runtime.stop()
        runtime.engine.dispose()
    assert status == 503 and body["failing"] == ["background"]
    assert body["checks"]["background"] == "not running: restart the service"
