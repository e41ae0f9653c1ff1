"""What SQLite keeps after a row is gone: an erasure's last step works on the database
file itself, outside any transaction (`leadbot privacy erase`, the retention policy)."""

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from store.capture.spool import queue_file_url
from store.engine import SQLITE_BUSY_MS


def forget_freed_space(bind: sa.Engine | sa.Connection) -> None:
    """SQLite keeps the old content of updated and deleted rows in the file's free space and
    in its write-ahead log until they are reused. After an erasure, rebuild the database (and
    the queue file beside it) from live rows only and empty the log, so no byte of the person
    is left in any file Leadbot writes. It holds the write lock while it runs (about a second
    per 100 MB): an erasure is rare. PostgreSQL's files are the server's to reclaim."""
    engine = bind.engine
    if engine.dialect.name != "sqlite":
        return
    files = [engine.url.database]
    queue = queue_file_url(engine.url.render_as_string(hide_password=False))
    if queue is not None:
        files.append(sa.engine.make_url(queue).database)
    for path in files:
        if path and Path(path).exists():
            _rebuild(path)


def _rebuild(path: str) -> None:
    connection = sqlite3.connect(path, timeout=SQLITE_BUSY_MS / 1000, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
