"""While a person waits for an answer, the database gets a bounded time to reply.

A PostgreSQL that vanishes without closing its connections (a network partition, a stalled
proxy or load balancer, a frozen VM) leaves a statement waiting for a reply that never comes.
TCP's own timeouts do not end that wait when something in between still acknowledges our
packets, and Slack wants its ack within 3 s. So the work done while answering a request runs
under a deadline (`answering`): a watchdog thread shuts down the socket of any connection that
request still holds when the deadline passes. The driver then fails at once, as if the server
had gone; SQLAlchemy sees a disconnect and the pool throws that connection away, so the next
request connects afresh (within `CONNECT_SECONDS`) and recovers when the database does.

Background work (scheduled jobs, queued captures, imports) sets no deadline: it waits for the
database to come back. A pool's liveness ping is always bounded: it should take a millisecond.
SQLite has no network between us and it, so none of this applies there.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import QueuePool

log = logging.getLogger(__name__)

ACK_BUDGET_SECONDS = 2.5  # Slack's 3 s, less the time to answer once the database has failed
PING_SECONDS = 2.0
# Inside `answering`, a ping gets less: a pooled connection that does not answer it is
# replaced, and connecting again may take CONNECT_SECONDS of the same budget.
ANSWERING_PING_SECONDS = 0.5
CONNECT_SECONDS = 2  # libpq's connect_timeout: whole seconds

# (thread, deadline): work after an ack runs in a copy of the request's context (for its log
# lines' request id) but in another thread, and must not inherit a deadline that has passed.
_DEADLINE: ContextVar[tuple[int, float] | None] = ContextVar("database_deadline", default=None)


@contextmanager
def answering(seconds: float = ACK_BUDGET_SECONDS) -> Iterator[None]:
    """Database work in this block (this thread) must be done `seconds` from now."""
    token = _DEADLINE.set((threading.get_ident(), time.monotonic() + seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _deadline() -> float | None:
    """This thread's deadline, if it set one."""
    set_by = _DEADLINE.get()
    return set_by[1] if set_by is not None and set_by[0] == threading.get_ident() else None


class Watchdog:
    """Cuts the sockets of connections still held past their deadline. One thread per engine,
    asleep while nothing is watched."""

    def __init__(self) -> None:
        self._due: dict[int, tuple[float, int]] = {}  # id(DBAPI connection) -> (deadline, fd)
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, key: int, fd: int, deadline: float) -> None:
        with self._changed:
            self._due[key] = (deadline, fd)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="leadbot-db-watchdog", daemon=True)
                self._thread.start()
            self._changed.notify()

    def release(self, key: int) -> None:
        with self._changed:
            self._due.pop(key, None)

    def _run(self) -> None:
        with self._changed:
            while True:
                now = time.monotonic()
                for key, (deadline, fd) in list(self._due.items()):
                    if deadline <= now:
                        del self._due[key]
                        _cut(fd)
                soonest = min((deadline for deadline, _ in self._due.values()), default=None)
                self._changed.wait(None if soonest is None else max(soonest - now, 0.01))


def _cut(fd: int) -> None:
    """Shut the connection's socket down under the driver's feet: its wait ends with an error.
    Under the watchdog's lock, so the connection cannot have been handed back meanwhile."""
    log.warning("the database did not answer in time: dropping the connection")
    try:
        with socket.socket(fileno=os.dup(fd)) as duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing is waiting on it


def seconds_left() -> float | None:
    """What remains of the deadline of the work in hand; None outside `answering`."""
    deadline = _deadline()
    return None if deadline is None else max(deadline - time.monotonic(), 0.0)


class DeadlinePool(QueuePool):
    """A pool whose checkouts inside `answering` wait for a free connection only as long as
    the deadline allows (SQLite's pool holds one connection, which work after an ack may hold
    while it waits for another process's write lock)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pool = _WaitsWithinDeadline(self._pool)  # type: ignore[assignment]


class _WaitsWithinDeadline:
    """The pool's queue of idle connections, its waits cut to the deadline."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        left = seconds_left()
        if block and left is not None:
            timeout = left if timeout is None else min(timeout, left)
        return self._queue.get(block, timeout)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._queue, name)


def bound_waits(engine: sa.Engine) -> Watchdog:
    """Watch every connection this engine hands out inside `answering`, and every ping."""
    watchdog = Watchdog()

    def checked_out(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        deadline = _deadline()
        if deadline is not None:
            watchdog.watch(id(dbapi_connection), dbapi_connection.fileno(), deadline)

    def checked_in(dbapi_connection: Any, _record: Any) -> None:
        watchdog.release(id(dbapi_connection))

    sa.event.listen(engine, "checkout", checked_out)
    sa.event.listen(engine, "checkin", checked_in)
    sa.event.listen(engine, "close", checked_in)
    engine.dialect.do_ping = _bounded_ping(engine.dialect.do_ping, watchdog)  # type: ignore[method-assign,assignment]
    return watchdog


def _bounded_ping(ping: Callable[[Any], bool], watchdog: Watchdog) -> Callable[[Any], bool]:
    """The pool pings a connection before handing it out, before any checkout event fires."""

    def bounded(dbapi_connection: Any) -> bool:
        answering_by = _deadline()
        if answering_by is None:
            deadline = time.monotonic() + PING_SECONDS
        else:
            deadline = min(answering_by, time.monotonic() + ANSWERING_PING_SECONDS)
        watchdog.watch(id(dbapi_connection), dbapi_connection.fileno(), deadline)
        try:
            return ping(dbapi_connection)
        finally:
            watchdog.release(id(dbapi_connection))

    return bounded


def postgres_connect_args() -> dict[str, Any]:
    """libpq settings so that a server that is gone is noticed: a connection attempt gives up
    after CONNECT_SECONDS, and the kernel drops a connection whose packets go unacknowledged
    (a real partition) within seconds rather than the default of minutes."""
    return {
        "connect_timeout": CONNECT_SECONDS,
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
        "tcp_user_timeout": 5000,
    }
