"""On SQLite, this process's writing transactions take turns at a lock of our own.

SQLite lets one transaction write at a time. Waiting for that in SQLite's busy handler,
which sleeps and polls, lets an unlucky waiter starve for seconds; so writers of this
process queue here instead, and meet other processes (`leadbot tick`, an import) at the
busy timeout only. Reads take no turn (store/engine.reading_only): they never wait for a
writer, not even one of ours that is itself waiting for another process's lock.

A turn is held from the transaction's BEGIN to its COMMIT or ROLLBACK, or until its
connection goes back to the pool or is thrown away, whichever comes first. Inside
store/deadline.answering a turn is waited for only as long as the deadline allows."""

import threading
from typing import Any

import sqlalchemy as sa

TURN = "write_turn"  # set in a connection's info while its transaction holds the turn


class WriteTurns:
    def __init__(self) -> None:
        self._lock = threading.Lock()

    def take(self, info: dict[Any, Any], seconds: float | None) -> None:
        if info.get(TURN):
            return  # this connection's transaction has it already
        if not self._lock.acquire(timeout=-1 if seconds is None else seconds):
            raise sa.exc.TimeoutError("another transaction of this process kept the write lock")
        info[TURN] = True

    def give_back(self, info: dict[Any, Any]) -> None:
        if info.pop(TURN, False):
            self._lock.release()

    def attach(self, engine: sa.Engine) -> None:
        def ended(conn: sa.Connection) -> None:
            self.give_back(conn.connection.info)

        def returned(_dbapi: Any, record: Any) -> None:
            self.give_back(record.info)

        def reset(_dbapi: Any, record: Any, _state: Any) -> None:
            self.give_back(record.info)

        def lost(_dbapi: Any, record: Any, _exception: Any) -> None:
            self.give_back(record.info)

        sa.event.listen(engine, "commit", ended)
        sa.event.listen(engine, "rollback", ended)
        sa.event.listen(engine, "checkin", returned)
        sa.event.listen(engine, "close", returned)
        sa.event.listen(engine, "reset", reset)
        sa.event.listen(engine, "invalidate", lost)
        sa.event.listen(engine, "soft_invalidate", lost)
