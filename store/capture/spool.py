"""Where commands queued at the ack wait to be carried out.

On PostgreSQL that is the database's own `deferred_commands` table: inserting a row
waits for no other transaction. An embedded SQLite database has one write lock for the
whole file, held by a capture from its first statement to its commit, so an ack that
stored its command there would wait behind whichever capture runs, in SQLite's
sleep-and-poll busy handler. There, the queue is a second SQLite file beside the
database (`leadbot.db` -> `leadbot-queue.db`) holding only that table: a capture
never locks it, so an ack waits for nothing but the other acks' inserts.

The queue and the database are never written in one transaction, and need not be: a
queued command carries its request key, so carrying it out twice replays the first
result, and its answer's outbox dedupe key drops a second answer.
"""

import threading
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from domain.capture.deferred import DeferredCommand
from domain.errors import Busy
from store.capture.deferred import QUEUE_INSERT, QUEUED, queued_values
from store.capture.group_commit import GroupCommit
from store.engine import make_engine, make_session_factory
from store.unit_of_work import SqlUnitOfWork

QUEUE_SUFFIX = "-queue"
_COLUMNS = (
    "team_id",
    "request_key",
    "user_id",
    "command",
    "response_url",
    "received_at",
    "status",
    "attempts",
)
Processor = Callable[[Any], Any]

# Commands waiting beyond which a new one is refused rather than promised: at the 10-40
# captures a second the queue is worked off, the last one is answered within a minute or
# two, long before Slack's 30 minutes run out (a burst once left 2,738 waiting 25 min on).
QUEUE_BOUND = 1000
COUNT_EVERY_SECONDS = 1.0
FULL = (
    "Leadbot has more captures waiting than it can promise to add soon, so it did not take "
    "this one: nothing was saved. Please send it again in a minute."
)


class Spool:
    def __init__(
        self, engine: sa.Engine, uow_factory: Callable[[], SqlUnitOfWork], bound: int = QUEUE_BOUND
    ) -> None:
        self.engine = engine
        self.uow_factory = uow_factory  # use only its `deferred` repository
        self.bound = bound
        self._writes: GroupCommit[Any] = GroupCommit(self._insert, "leadbot-queue-writer")
        self._waiting = _Estimate(self._count_waiting)

    def add(self, command: DeferredCommand) -> None:
        """Queue a command (once: a request key already queued is left alone); returns
        when it is committed. This runs before an ack, so it goes straight to the driver,
        in a group commit with whatever other acks are queuing at the same moment.
        Raises Busy, queuing nothing, when the queue holds `bound` commands already."""
        if not self._waiting.take_one(self.bound):
            raise Busy(FULL)
        _, order, convert = _queue_insert(self.engine.dialect)
        values = queued_values(command)
        for name, processor in convert:
            values[name] = processor(values[name])
        self._writes.submit(tuple(values[name] for name in order) if order else values)

    def _insert(self, rows: list[Any]) -> None:
        sql, _, _ = _queue_insert(self.engine.dialect)
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            if self.engine.dialect.name == "sqlite":
                cursor.execute("BEGIN IMMEDIATE")  # autocommit mode (store/engine.py): one transaction
            cursor.executemany(sql, rows)
            cursor.close()
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()  # back to the pool

    def _count_waiting(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(sa.func.count()).select_from(QUEUED).where(QUEUED.c.status == "pending")
            ).scalar_one()


class _Estimate:
    """How many commands wait, counted in the queue at most once a second (every replica
    and the worker change it) and, in between, raised by this process's own additions:
    an ack pays for a count only once a second, and a burst cannot slip past the bound
    between two counts. A refusal is always checked against a fresh count."""

    def __init__(self, count: Callable[[], int]) -> None:
        self._count = count
        self._lock = threading.Lock()
        self._value = 0
        self._counted_at = float("-inf")

    def take_one(self, bound: int) -> bool:
        """Count one more waiting, unless `bound` wait already."""
        with self._lock:
            if time.monotonic() - self._counted_at >= COUNT_EVERY_SECONDS or self._value >= bound:
                self._value, self._counted_at = self._count(), time.monotonic()
            if self._value >= bound:
                return False
            self._value += 1
            return True


@lru_cache(maxsize=4)
def _queue_insert(dialect: sa.Dialect) -> tuple[str, tuple[str, ...], tuple[tuple[str, Processor], ...]]:
    """The queue's INSERT (ON CONFLICT DO NOTHING) in the driver's own SQL: the statement,
    the order of its positional parameters (empty where they are named), and the converters
    of the columns that have one (JSON, dates), SQLAlchemy's own, so the row is the one a
    Core insert writes."""
    compiled = QUEUE_INSERT[dialect.name].compile(dialect=dialect, column_keys=list(_COLUMNS))
    convert = tuple(
        (name, processor)
        for name in _COLUMNS
        if (processor := QUEUED.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    return str(compiled), tuple(compiled.positiontup or ()), convert


def queue_file_url(database_url: str) -> str | None:
    """The queue's own SQLite file for a SQLite database file; None where the
    database's table serves (PostgreSQL, or SQLite in memory)."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):
        return None
    path = Path(url.database)
    return str(url.set(database=str(path.with_name(f"{path.stem}{QUEUE_SUFFIX}{path.suffix}"))))


def open_spool(database_url: str, engine: sa.Engine, uow_factory: Callable[[], SqlUnitOfWork]) -> Spool:
    queue_url = queue_file_url(database_url)
    if queue_url is None:
        return Spool(engine, uow_factory)
    queue_engine = make_engine(queue_url)
    # A spool, not a record: its one table is created here rather than migrated, and
    # it holds nothing once the queue is worked off.
    QUEUED.create(queue_engine, checkfirst=True)
    _adopt_pending(engine, queue_engine)
    sessions = make_session_factory(queue_engine)
    return Spool(queue_engine, lambda: SqlUnitOfWork(sessions))


def _adopt_pending(engine: sa.Engine, queue_engine: sa.Engine) -> None:
    """Commands queued in the database itself (before the queue had its own file) move
    over, so none is stranded where no worker looks any more."""
    pending = sa.select(QUEUED).where(QUEUED.c.status == "pending")
    with engine.begin() as source:
        rows = [dict(row) for row in source.execute(pending).mappings()]
        if not rows:
            return
        with queue_engine.begin() as target:
            target.execute(sa.insert(QUEUED).prefix_with("OR IGNORE"), [{**r, "id": None} for r in rows])
        source.execute(sa.delete(QUEUED).where(QUEUED.c.id.in_([r["id"] for r in rows])))
