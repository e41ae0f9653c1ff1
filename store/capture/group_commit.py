"""Group commit: many threads' small writes made in one transaction, each thread still
returning only once its own row is committed.

Why here: a server thread that holds the queue's one connection (store/capture/spool.py) loses
the GIL during SQLite's call and must win it back before it can hand the connection
on, so at twenty concurrent acks every insert waited behind others' GIL turns (a convoy:
a third of acks waited 16 ms for the pool). With one writer thread, a waiting ack holds
nothing, and one commit serves every ack that arrived meanwhile.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Row = TypeVar("Row")
IDLE_SECONDS = 5.0  # the writer thread ends when idle this long; the next write starts another


@dataclass(slots=True)
class _Pending(Generic[Row]):
    row: Row
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class GroupCommit(Generic[Row]):
    def __init__(self, write: Callable[[list[Row]], None], name: str) -> None:
        self._write, self._name = write, name
        self._pending: list[_Pending[Row]] = []
        self._wake = threading.Condition()
        self._running = False

    def submit(self, row: Row) -> None:
        """Write `row`; returns once it is committed, raises what the write raised."""
        pending = _Pending(row)
        with self._wake:
            self._pending.append(pending)
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name=self._name, daemon=True).start()
            self._wake.notify()
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    def _run(self) -> None:
        while batch := self._next_batch():
            try:
                self._write([pending.row for pending in batch])
            except BaseException as error:  # noqa: BLE001 - every waiter hears of it
                for pending in batch:
                    pending.error = error
            for pending in batch:
                pending.done.set()

    def _next_batch(self) -> list[_Pending[Row]]:
        """All rows waiting now; empty (and the thread ends) after IDLE_SECONDS of none."""
        with self._wake:
            if not self._pending:
                self._wake.wait(IDLE_SECONDS)
            batch, self._pending = self._pending, []
            if not batch:
                self._running = False
            return batch
