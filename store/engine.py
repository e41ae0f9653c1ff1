"""Engine and session factory construction; nothing happens at import."""
# https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from store.deadline import DeadlinePool, bound_waits, postgres_connect_args, seconds_left

SQLITE_BUSY_MS = 30_000


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    return _postgres_engine(url, **kwargs)


def _postgres_engine(url: str, **kwargs: Any) -> sa.Engine:
    kwargs["connect_args"] = {**postgres_connect_args(), **kwargs.get("connect_args", {})}
    kwargs.setdefault("poolclass", DeadlinePool)
    engine = sa.create_engine(url, pool_pre_ping=True, **kwargs)
    bound_waits(engine)  # a server that stops answering fails a request, not hangs it
    return engine


def _sqlite_engine(url: str, **kwargs: Any) -> sa.Engine:
    kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000})
    # Every transaction here writes (BEGIN IMMEDIATE below), so only one runs at a time
    # anyway. One pooled connection makes this process's transactions wait their turn
    # in the pool's queue, first come first served, instead of in SQLite's busy
    # handler, which sleeps and polls and lets an unlucky waiter starve for seconds.
    # Other processes (`leadbot tick`, an import) still meet us at the busy timeout.
    kwargs.setdefault("pool_size", 1)
    kwargs.setdefault("max_overflow", 0)
    kwargs.setdefault("pool_timeout", SQLITE_BUSY_MS / 1000)
    kwargs.setdefault("poolclass", DeadlinePool)  # ... but a person waits only their time
    engine = sa.create_engine(url, **kwargs)
    sa.event.listen(engine, "connect", _sqlite_on_connect)
    sa.event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy so "begin" below decides how to start.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate(conn: sa.Connection) -> None:
    # A deferred transaction that reads then writes fails at once with
    # SQLITE_BUSY when another writer got in between; taking the write lock up
    # front makes it wait (busy_timeout) instead. The price: our transactions,
    # reads included, take turns. Embedded SQLite serves one small team; several
    # replicas or heavy load belong on PostgreSQL.
    _wait_for_the_lock_at_most(conn, seconds_left())
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _wait_for_the_lock_at_most(conn: sa.Connection, seconds: float | None) -> None:
    """While a person waits (store/deadline.answering), another process's long write (an
    import, `leadbot tick`) may hold the lock only as long as Slack's time allows: then
    SQLite answers "database is locked" and the person is told to try again, instead of
    an ack that comes too late to be shown. Background work waits the full SQLITE_BUSY_MS."""
    wanted = SQLITE_BUSY_MS if seconds is None else max(int(seconds * 1000), 1)
    info = conn.connection.info
    if info.get("busy_timeout_ms") != wanted:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={wanted}")
        info["busy_timeout_ms"] = wanted


def make_session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"
