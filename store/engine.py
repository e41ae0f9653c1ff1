"""Engine and session factory construction; nothing happens at import."""
# https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from store.deadline import bound_waits, postgres_connect_args

SQLITE_BUSY_MS = 30_000


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    return _postgres_engine(url, **kwargs)


def _postgres_engine(url: str, **kwargs: Any) -> sa.Engine:
    kwargs["connect_args"] = {**postgres_connect_args(), **kwargs.get("connect_args", {})}
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
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"
