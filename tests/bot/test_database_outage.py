"""PostgreSQL cut off behind a TCP proxy that keeps every connection open and passes nothing
on: the way a network partition or a stalled load balancer looks to us. A person's command is
answered within Slack's 3 s with a plain message, /healthz says 503, and all recovers when
the proxy flows again (store/deadline.py)."""

import http.client
import json
import select
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from support import ANN, SIGNING_SECRET
from webhook_support import SECRET, send, start

from bot.bootstrap import Runtime, build_runtime
from bot.local.standin.signer import SlackSigner
from bot.local.standin.workspace import LocalWorkspace, in_process
from domain.config import CONSOLE_WORKSPACE
from store.tables import LeadRow

SLACKS_TIME = 3.0


class StallingProxy:
    """Forwards TCP to PostgreSQL while `flowing` is set; when it is cleared, holds every
    connection open (its kernel still acknowledges what we send) and passes nothing on."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.flowing = threading.Event()
        self.flowing.set()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(self.upstream)
            self.open += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        while True:
            self.flowing.wait()
            try:
                readable, _, _ = select.select(list(peers), [], [], 0.05)
                for source in readable:
                    if not self.flowing.is_set():
                        break  # stalled between select and read: leave it in the buffer
                    data = source.recv(65536)
                    if not data:
                        return self._close(a, b)
                    peers[source].sendall(data)
            except (OSError, ValueError):  # ValueError: closed by close() meanwhile (its fd is -1)
                return self._close(a, b)

    @staticmethod
    def _close(*sockets: socket.socket) -> None:
        for each in sockets:
            each.close()

    def close(self) -> None:
        self.flowing.set()
        self.listener.close()
        self._close(*self.open)


@pytest.fixture
def proxy(database_url: str) -> Iterator[StallingProxy]:
    if not database_url.startswith("postgresql"):
        pytest.skip("a network between us and the database: PostgreSQL only")
    url = sa.make_url(database_url)
    stalling = StallingProxy((url.host or "127.0.0.1", url.port or 5432))
    yield stalling
    stalling.close()


@pytest.fixture
def proxied(proxy: StallingProxy, settings, config, database_url: str) -> Iterator[Runtime]:
    url = sa.make_url(database_url).set(host="127.0.0.1", port=proxy.port)
    database = url.render_as_string(hide_password=False)
    runtime = build_runtime(
        settings.model_copy(update={"database_url": database, "leadbot_webhook_secret": SecretStr(SECRET)}),
        config,
    )
    yield runtime
    proxy.flowing.set()  # work after the acks (learning time zones) finishes before teardown
    runtime.app.listener_runner.listener_executor.shutdown(wait=True)
    runtime.engine.dispose()


def workspace(runtime: Runtime, fake_slack) -> LocalWorkspace:
    return LocalWorkspace(in_process(runtime.app), fake_slack, SlackSigner(SIGNING_SECRET), CONSOLE_WORKSPACE)


def pool_idle(runtime: Runtime) -> None:
    """Work after the acks (learning a time zone) has handed its connection back: the next
    command takes a pooled connection, which must be pinged through the stall."""
    deadline = time.monotonic() + 5
    while runtime.engine.pool.checkedout() and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.01)
    assert not runtime.engine.pool.checkedout()  # type: ignore[attr-defined]


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_stalled_database_fails_a_command_within_slacks_time_and_recovers(proxied, proxy, fake_slack):
    slack = LocalWorkspace(
        in_process(proxied.app), fake_slack, SlackSigner(SIGNING_SECRET), CONSOLE_WORKSPACE
    )
    assert "Added L-1" in slack.slash(ANN, "add Dana Scully dana@fbi.gov").text
    pool_idle(proxied)

    proxy.flowing.clear()
    shown, took = timed(lambda: slack.slash(ANN, "show L-1"))
    assert took < SLACKS_TIME
    assert shown.status == 200 and "database is not answering" in shown.text
    assert "nothing was changed" in shown.text and "Traceback" not in shown.text
    healthy, took = timed(proxied.healthy)
    assert healthy is False and took < SLACKS_TIME

    proxy.flowing.set()
    assert "dana@fbi.gov" in json.dumps(slack.slash(ANN, "show L-1").blocks)
    assert proxied.healthy() is True


def test_a_stalled_database_refuses_a_new_connection_within_slacks_time(proxied, proxy, fake_slack):
    slack = LocalWorkspace(
        in_process(proxied.app), fake_slack, SlackSigner(SIGNING_SECRET), CONSOLE_WORKSPACE
    )
    proxied.engine.dispose()  # no pooled connection: the command must connect through the stall
    proxy.flowing.clear()
    added, took = timed(lambda: slack.slash(ANN, "add Fox Mulder fox@fbi.gov"))
    assert took < SLACKS_TIME and "database is not answering" in added.text

    proxy.flowing.set()
    assert "Added L-1 Fox Mulder" in slack.slash(ANN, "add Fox Mulder fox@fbi.gov").text


def health(server) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("GET", "/healthz")
    return connection.getresponse().status


def ready(server) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("GET", "/readyz")
    answer = connection.getresponse()
    return answer.status, json.loads(answer.read())


def test_over_http_the_webhook_and_healthz_say_503_within_slacks_time_then_recover(proxied, proxy):
    server = start(proxied)
    try:
        assert send(server, {"name": "Dana Scully", "email": "dana@fbi.gov"})[0] == 201
        pool_idle(proxied)
        proxy.flowing.clear()
        (status, answer), took = timed(lambda: send(server, {"name": "Fox Mulder", "email": "fox@fbi.gov"}))
        assert (status, took < SLACKS_TIME) == (503, True) and "retry later" in answer["error"]
        status, took = timed(lambda: health(server))
        assert (status, took < SLACKS_TIME) == (503, True)
        (status, body), took = timed(lambda: ready(server))
        assert (status, took < SLACKS_TIME) == (503, True)
        assert "database" in body["failing"] and body["checks"]["database"] == "not answering"

        proxy.flowing.set()
        assert send(server, {"name": "Fox Mulder", "email": "fox@fbi.gov"})[0] == 201
        assert health(server) == 200
    finally:
        server.shutdown()
        server.server_close()


def test_a_write_lock_held_elsewhere_fails_a_command_within_slacks_time(slack, database_url):
    """`leadbot import` or `leadbot tick` in another process holding SQLite's write lock: the
    ack does not wait past Slack's time, and nothing is half done."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's one write lock")
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    other_process = sqlite3.connect(sa.make_url(database_url).database, isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    try:
        noted, took = timed(lambda: slack.slash(ANN, "note L-1 wants a demo"))
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()
    assert took < SLACKS_TIME and "database is not answering" in noted.text
    assert "wants a demo" not in json.dumps(slack.slash(ANN, "show L-1").blocks)
    assert "Noted on" in slack.slash(ANN, "note L-1 wants a demo").text


def test_reads_do_not_wait_for_a_write_lock_held_elsewhere(slack, runtime, database_url):
    """A long import or retrain holding SQLite's write lock: looking at leads goes on as usual."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's one write lock")
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    pool_idle(runtime)
    other_process = sqlite3.connect(sa.make_url(database_url).database, isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    other_process.execute("UPDATE leads SET name = 'Not Yet Committed'")
    try:
        (shown, found, tasks), took = timed(
            lambda: [slack.slash(ANN, text) for text in ("show L-1", "find scully", "tasks")]
        )
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()
    assert took < 1.0  # none of them waited for the lock (a wait would be Slack's 2.5 s)
    assert "Dana Scully" in json.dumps(shown.blocks) and "Dana Scully" in json.dumps(found.body)
    assert "Not Yet Committed" not in json.dumps([shown.body, found.body])
    assert "database is not answering" not in tasks.text


def test_a_row_lock_held_elsewhere_fails_a_command_within_slacks_time(slack, database_url):
    """PostgreSQL: another process holds the lead's row (a long job's transaction): the ack
    does not wait past Slack's time, nothing is half done, and all works once it lets go."""
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's row locks")
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as other:
            lead = sa.select(LeadRow).where(LeadRow.number == 1).with_for_update()
            assert other.execute(lead).first() is not None
            noted, took = timed(lambda: slack.slash(ANN, "log L-1 call spoke with her"))
            other.rollback()
    finally:
        engine.dispose()
    assert took < SLACKS_TIME, took
    if "Logged" not in noted.text:  # it waited for the row and gave up in time
        assert "database is not answering" in noted.text
        assert "spoke with her" not in json.dumps(slack.slash(ANN, "show L-1").blocks)
    assert "Logged" in slack.slash(ANN, "log L-1 call spoke with her").text
