"""Engine and session factory construction; nothing happens at import."""
# https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from store.deadline import DeadlinePool, bound_waits, postgres_connect_args, seconds_left
from store.sqlite_turns import WriteTurns

SQLITE_BUSY_MS = 30_000
SQLITE_CONNECTIONS = 5

# The thread that reads only: a copy of this context in another thread (work after an ack)
# may write.
_READING: ContextVar[int | None] = ContextVar("reading_only", default=None)


@contextmanager
def reading_only() -> Iterator[None]:
    """Transactions begun in this block only read. On SQLite they take no write lock, so
    a long write elsewhere (an import, a retrain) does not hold them up and a long read
    (a year's report) holds up nobody; SQLite refuses any write in them (query_only), so
    a handler that starts writing is caught by the tests, not by a busy moment."""
    token = _READING.set(threading.get_ident())
    try:
        yield
    finally:
        _READING.reset(token)


@dataclass(slots=True)
class _BriefWait:
    thread: int
    seconds: float
    spent: bool = False


# The first writing transaction of a block that asked for a brief wait (below).
_BRIEF: ContextVar[_BriefWait | None] = ContextVar("brief_lock_wait", default=None)
# Longer than a capture's own writing transaction takes (10-30 ms), so two captures or a
# capture and a sent message rarely queue each other; short enough that an ack that meets a
# long job's lock stays near 100 ms (bench/acks_under_load.py: at 0.5 s, /lead add's p99
# while jobs ran was that wait, 517-586 ms).
BRIEF_LOCK_WAIT_SECONDS = 0.1


@contextmanager
def brief_lock_wait(seconds: float = BRIEF_LOCK_WAIT_SECONDS) -> Iterator[None]:
    """The first writing transaction begun in this block (this thread) waits at most `seconds`
    for a lock another transaction holds (SQLite's write lock, a PostgreSQL row lock), then
    fails before it has changed anything: a capture a person waits for queues itself then
    (bot/deps.py) rather than wait out Slack's time behind an import or a long job. Later
    transactions (what follows the capture once it committed) wait as usual."""
    token = _BRIEF.set(_BriefWait(threading.get_ident(), seconds))
    try:
        yield
    finally:
        _BRIEF.reset(token)


def _brief_wait() -> float | None:
    """This thread's brief wait, once: the transaction beginning now takes it."""
    wait = _BRIEF.get()
    if wait is None or wait.spent or wait.thread != threading.get_ident():
        return None
    wait.spent = True
    return wait.seconds


def _shortest(*seconds: float | None) -> float | None:
    given = [s for s in seconds if s is not None]
    return min(given) if given else None


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    # A database error's text would otherwise quote the statement's values (a lead's name,
    # email, phone) into whatever logs it.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    return _postgres_engine(url, **kwargs)


def _postgres_engine(url: str, **kwargs: Any) -> sa.Engine:
    kwargs["connect_args"] = {**postgres_connect_args(), **kwargs.get("connect_args", {})}
    kwargs.setdefault("poolclass", DeadlinePool)
    engine = sa.create_engine(url, pool_pre_ping=True, **kwargs)
    bound_waits(engine)  # a server that stops answering fails a request, not hangs it
    sa.event.listen(engine, "begin", _postgres_begin)
    return engine


def _postgres_begin(conn: sa.Connection) -> None:
    brief = _brief_wait()
    if brief is not None:  # for this transaction only
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{max(int(brief * 1000), 1)}ms'")


def _sqlite_engine(url: str, **kwargs: Any) -> sa.Engine:
    kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000})
    # Writers take turns (store/sqlite_turns.py); the pool's other connections serve
    # reads, which under WAL wait for no writer.
    kwargs.setdefault("pool_size", SQLITE_CONNECTIONS)
    kwargs.setdefault("max_overflow", 0)
    kwargs.setdefault("pool_timeout", SQLITE_BUSY_MS / 1000)
    kwargs.setdefault("poolclass", DeadlinePool)  # ... but a person waits only their time
    engine = sa.create_engine(url, **kwargs)
    turns = WriteTurns()
    turns.attach(engine)
    sa.event.listen(engine, "connect", _sqlite_on_connect)
    sa.event.listen(engine, "begin", lambda conn: _sqlite_begin(conn, turns))
    return engine


def _sqlite_on_connect(dbapi_conn: Any, record: Any) -> None:
    # Hand transaction control to SQLAlchemy so "begin" below decides how to start.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    record.info.update(busy_timeout=SQLITE_BUSY_MS, query_only=0)  # what _set_pragma compares with


def _sqlite_begin(conn: sa.Connection, turns: WriteTurns) -> None:
    # A deferred transaction that reads then writes fails at once with
    # SQLITE_BUSY when another writer got in between; taking the write lock up
    # front makes it wait (busy_timeout) instead. The price: our writing
    # transactions take turns (first at our own lock, then at SQLite's). Reads
    # (reading_only) begin deferred: under WAL they see the last commit and wait
    # for no writer. Embedded SQLite serves one small team; several replicas or
    # heavy load belong on PostgreSQL.
    reading = _READING.get() == threading.get_ident()
    _set_pragma(conn, "query_only", int(reading))
    if reading:
        conn.exec_driver_sql("BEGIN")
        return
    brief = _brief_wait()
    brief_ends = None if brief is None else time.monotonic() + brief
    turns.take(conn.connection.info, _shortest(seconds_left(), brief))
    try:
        # what the turn left of the person's time, or of the brief wait
        brief_left = None if brief_ends is None else max(brief_ends - time.monotonic(), 0.001)
        _set_pragma(conn, "busy_timeout", _lock_wait_ms(_shortest(seconds_left(), brief_left)))
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        turns.give_back(conn.connection.info)
        raise


def _lock_wait_ms(seconds: float | None) -> int:
    """While a person waits (store/deadline.answering), another process's long write (an
    import, `leadbot tick`) may hold the lock only as long as Slack's time allows: then
    SQLite answers "database is locked" and the person is told to try again, instead of
    an ack that comes too late to be shown. Background work waits the full SQLITE_BUSY_MS."""
    return SQLITE_BUSY_MS if seconds is None else max(int(seconds * 1000), 1)


def _set_pragma(conn: sa.Connection, name: str, value: int) -> None:
    """Per connection, and only when it changes: most transactions need no extra statement."""
    info = conn.connection.info
    if info.get(name) != value:
        conn.exec_driver_sql(f"PRAGMA {name}={value}")
        info[name] = value


def make_session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"
