"""Backups of an embedded SQLite database, taken and put back while Leadbot may be running.

Both directions go through SQLite's online backup API (sqlite3.Connection.backup), never a
file copy: a copy of a file being written can be torn, and a file swapped under a running
Leadbot would leave its open connections on the old inode. Taken in one step, a backup reads
one snapshot (WAL mode: writers go on meanwhile); put back, it writes through SQLite's own
locks, so connections already open see the restored database at their next transaction.

The queue of acked commands (store/capture/spool.py) is a second file beside the database
(`leadbot.db` -> `leadbot-queue.db`); a backup at PATH takes it along under the same rule
(`backup.db` -> `backup-queue.db`), and a restore of PATH puts it back if it is there.
"""

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from store.capture.spool import QUEUE_SUFFIX
from store.engine import SQLITE_BUSY_MS
from store.migrate import alembic_config


class BackupRefused(Exception):
    """Said to the operator as it is: what is wrong, and what to do."""


@dataclass(frozen=True)
class Copied:
    path: Path
    queue: Path | None  # the queue file copied too, if the database has one
    leads: int


def sqlite_file(database_url: str) -> Path | None:
    """The database file of a SQLite URL; None for PostgreSQL."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupRefused("Only a SQLite database in a file can be backed up this way.")
    return Path(url.database)


def queue_of(path: Path) -> Path:
    """The queue file that goes with a database (or a backup) file."""
    return path.with_name(f"{path.stem}{QUEUE_SUFFIX}{path.suffix}")


def back_up(database: Path, target: Path) -> Copied:
    """A consistent copy of the database (and its queue) at `target`, checked before it is
    put in place: a half-written or failed backup never replaces a good one."""
    if not database.exists():
        raise BackupRefused(f"There is no database at {database}.")
    copied_queue = _with_queue(_copy, database, target)
    return Copied(target, copied_queue, _count_leads(target))


def _copy(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with _connect(source) as src, _closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)  # one step: one snapshot, however busy the writers are
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    problem = integrity_problem(partial)
    if problem:
        partial.unlink(missing_ok=True)
        raise BackupRefused(
            f"The copy of {source} failed its integrity check ({problem}); nothing was replaced."
        )
    os.replace(partial, target)


def check_backup(path: Path) -> str | None:
    """Why this file cannot be restored (not SQLite, damaged, not Leadbot's, from a newer
    Leadbot), or None when it can. Read-only: the file is not touched."""
    if not path.is_file():
        return f"There is no file at {path}."
    try:
        problem = integrity_problem(path)
    except sqlite3.DatabaseError as error:
        return f"{path} is not a SQLite database ({error})."
    if problem:
        return f"{path} fails SQLite's integrity check: {problem}"
    revision = _revision(path)
    if revision is None:
        return f"{path} is not a Leadbot database (it has no schema version)."
    if revision not in _known_revisions():
        return f"{path} was made by a newer Leadbot (schema {revision}): upgrade Leadbot before restoring it."
    return None


def restore(backup: Path, database: Path) -> Copied:
    """Put a checked backup (and its queue, if it has one) in place of the database."""
    problem = check_backup(backup)
    if problem:
        raise BackupRefused(problem)
    restored_queue = _with_queue(_restore_file, backup, database)
    return Copied(database, restored_queue, _count_leads(database))


def _with_queue(copy: Callable[[Path, Path], None], source: Path, target: Path) -> Path | None:
    """Copy the database, then its queue file if it has one (store/capture/spool.py): the target's
    queue, or None."""
    copy(source, target)
    queue = queue_of(source)
    if not queue.exists():
        return None
    copy(queue, queue_of(target))
    return queue_of(target)


def _restore_file(source: Path, target: Path) -> None:
    with _readonly(source) as src, _connect(target) as dst:
        src.backup(dst)
    problem = integrity_problem(target)
    if problem:
        raise BackupRefused(f"{target} failed its integrity check after the restore ({problem}).")


def leads_held(database: Path) -> int | None:
    """How many leads the database holds (None: none, or not a Leadbot database yet)."""
    if not database.exists():
        return None
    try:
        return _count_leads(database)
    except sqlite3.DatabaseError:
        return None


def integrity_problem(path: Path) -> str | None:
    with _readonly(path) as db:
        rows = [row[0] for row in db.execute("PRAGMA integrity_check")]
    return None if rows == ["ok"] else "; ".join(str(row) for row in rows[:5])


def _revision(path: Path) -> str | None:
    with _readonly(path) as db:
        try:
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
    return str(row[0]) if row else None


def _known_revisions() -> set[str]:
    """Every migration this Leadbot has: a backup at any of them is at or below its head."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return {script.revision for script in scripts.walk_revisions()}


def _count_leads(path: Path) -> int:
    with _readonly(path) as db:
        return int(db.execute("SELECT count(*) FROM leads").fetchone()[0])


class _closing:
    """sqlite3's own context manager commits; this one closes (the file is released)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def _connect(path: Path) -> _closing:
    return _closing(sqlite3.connect(path, timeout=SQLITE_BUSY_MS / 1000))


def _readonly(path: Path) -> _closing:
    return _closing(
        sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=SQLITE_BUSY_MS / 1000)
    )
