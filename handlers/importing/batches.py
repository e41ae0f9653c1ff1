"""An import's rows, cleaned and keyed a batch at a time: in this process for a small file,
or, for a large one, in a second process while this one matches and writes the batch before.

Reading, cleaning, validation, enrichment and blocking keys depend on the row alone, and were
over a third of an import's CPU; matching, deciding and writing depend on every row before and
stay here, in file order. The second process is forked (it inherits the rows and the context,
nothing is sent to it) and hands back each batch as plain tuples, which cost far less to pass
than the leads themselves; the leads rebuilt here are those `prepare` made there (tests compare
the two ways)."""

import gc
import multiprocessing
import pickle
import threading
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from itertools import chain, islice
from multiprocessing.connection import Connection
from operator import attrgetter
from typing import Any

from domain.lead import Lead
from domain.matching.profile import profile_of
from handlers.context import Context
from handlers.importing.prepare import prepare
from handlers.importing.rows import ImportProblem, ImportRow, Incoming, Prepared
from handlers.importing.upkeep import forget_match_caches

# Below this many rows (two batches) a second process is not worth starting: this one would
# wait for its first batch, and have little left to overlap. The rows are prepared here.
POOL_FROM_ROWS = 10_000
_LEAD_FIELDS = tuple(field.name for field in fields(Lead))  # Lead's own order: Lead(*values)
_lead_values = attrgetter(*_LEAD_FIELDS)
_END = b""  # the worker's last message: every row sent


@dataclass(slots=True)
class PreparedBatch:
    """A batch of rows, cleaned and keyed, in file order."""

    first_row: int  # numbers as a spreadsheet shows them
    last_row: int
    again: Callable[[], Prepared]  # the same leads and problems, made afresh
    ready: Prepared | None = None

    def take(self) -> Prepared:
        """The rows' leads and problems. Deciding changes the leads, so each call after the
        first (a batch saved again after a conflict) makes them afresh."""
        ready, self.ready = self.ready, None
        return ready if ready is not None else self.again()


def prepared_batches(
    rows: Iterable[ImportRow], ctx: Context, batch_rows: int, pool_from: int = POOL_FROM_ROWS
) -> Generator[PreparedBatch, None, None]:
    """Batches of `batch_rows` rows (the last may be shorter), in file order. From `pool_from`
    rows on, a second process prepares them while the caller works through those before."""
    iterator = iter(rows)
    head = list(islice(iterator, pool_from))
    if len(head) < pool_from or not _may_fork():
        yield from _prepared_here(chain(head, iterator), ctx, batch_rows)
        return
    # The worker owns the rows from here (it has its own copy of `head`): this process has
    # the matching and the writes to do, which take longer.
    with _worker(chain(head, iterator), ctx, batch_rows) as received:
        yield from received


def _prepared_here(rows: Iterable[ImportRow], ctx: Context, batch_rows: int) -> Iterator[PreparedBatch]:
    for chunk in _chunks(rows, batch_rows):

        def again(chunk: list[ImportRow] = chunk) -> Prepared:
            return [prepare(row, ctx) for row in chunk]

        yield PreparedBatch(chunk[0].number, chunk[-1].number, again, again())


def _may_fork() -> bool:
    """Forking copies only the calling thread: with other threads running (a Slack server),
    a lock one of them held would stay held in the child. The CLI has one thread."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


@contextmanager
def _worker(rows: Iterable[ImportRow], ctx: Context, batch_rows: int) -> Iterator[Iterator[PreparedBatch]]:
    receiving, sending = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(
        target=_work, args=(rows, ctx, batch_rows, sending), name="leadbot-import-rows", daemon=True
    )
    process.start()
    sending.close()
    try:
        yield _received(receiving)
    finally:
        receiving.close()  # a worker still at work fails its next send and ends
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()
            process.join()


def _work(rows: Iterable[ImportRow], ctx: Context, batch_rows: int, sending: Connection) -> None:
    """The second process: every remaining row prepared and sent a batch at a time. What it
    inherited is frozen out of its GC's passes, which an import may have turned off."""
    gc.freeze()
    gc.enable()
    try:
        for chunk in _chunks(rows, batch_rows):
            packed = [_pack(prepare(row, ctx)) for row in chunk]
            message = (chunk[0].number, chunk[-1].number, packed)
            sending.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
            forget_match_caches(chunk[0].number, chunk[-1].number)  # as the importing process does
            # Here a row's profile is worked out once, for its keys, and met again only in a
            # copy of the row: kept to the next forget, they held tens of MB for nothing.
            profile_of.cache_clear()
        sending.send_bytes(_END)
    except BrokenPipeError:
        pass  # the import stopped early (a conflict, an error): nobody is listening
    except BaseException:  # noqa: BLE001 - reported to the importing process, which raises it
        sending.send_bytes(pickle.dumps(traceback.format_exc()))
    finally:
        sending.close()


def _received(receiving: Connection) -> Iterator[PreparedBatch]:
    while (message := receiving.recv_bytes()) != _END:
        sent = pickle.loads(message)
        if isinstance(sent, str):
            raise RuntimeError(f"Preparing the rows failed in the second process:\n{sent}")
        first, last, packed = sent

        def again(message: bytes = message) -> Prepared:
            return [_unpack(item) for item in pickle.loads(message)[2]]

        yield PreparedBatch(first, last, again, [_unpack(item) for item in packed])


Packed = tuple[Any, ...]


def _pack(item: Incoming | ImportProblem) -> Packed:
    """A prepared row as plain values: (row, lead's fields, keys, what the lead has no field
    for) or (row, reason)."""
    if isinstance(item, ImportProblem):
        return item.row, item.reason
    return item.row, _lead_values(item.lead), item.keys, item.warnings, item.owner, item.note


def _unpack(item: Packed) -> Incoming | ImportProblem:
    if len(item) == 2:
        return ImportProblem(item[0], "rejected", None, item[1])
    row, values, keys, warnings, owner, note = item
    return Incoming(row, Lead(*values), keys, warnings, owner, note)


def _chunks(rows: Iterable[ImportRow], size: int) -> Iterator[list[ImportRow]]:
    """Lists of `size` rows (the last may be shorter)."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk
