"""What an import keeps between its batches, kept cheaply: out of the cyclic GC's passes, in a
page cache wide enough for the index pages the batches write, and in match caches emptied now
and then, so that a file of any length keeps the import's memory bounded."""

import ctypes
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from domain.matching.compare import org_level, org_word_codes, word_level
from domain.matching.profile import forget_profiles
from store.importing.page_cache import restore_page_cache, widen_page_cache
from store.unit_of_work import SqlUnitOfWork

# Duplicate matching caches what it works out of names, companies and pairs of them, in each
# process of an import (domain.matching.profile, domain.matching.compare); full, those caches held
# more than the key index (docs/benchmarks.md). Emptied each this many rows, they hold what the
# recent rows met, and the popular names are worked out again once per this many rows (25,000:
# a 1,000,000-row file's importing process grew past 1 GB with 50,000).
FORGET_EVERY_ROWS = 25_000


def forget_match_caches(first_row: int = 1, last_row: int = FORGET_EVERY_ROWS) -> None:
    """Empty the match caches when the rows first_row..last_row (a batch) pass a multiple of
    FORGET_EVERY_ROWS; without rows, at once (the import is over)."""
    if last_row // FORGET_EVERY_ROWS > (first_row - 1) // FORGET_EVERY_ROWS:
        forget_profiles()
        for cached in (word_level, org_level, org_word_codes):
            cached.cache_clear()
        _give_back_freed_memory()


def _give_back_freed_memory() -> None:
    """Emptied caches leave free holes all over the C heap, which the process keeps unless told
    (glibc's malloc_trim hands their pages back): a long import's resident memory otherwise
    climbs with every cycle of filling and emptying. Elsewhere (macOS, musl), nothing."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """The C library's malloc_trim, looked up among the symbols the process has loaded (no
    search for the library file), or None where the C library has none."""
    trim: Callable[[int], int] | None = getattr(ctypes.CDLL(None), "malloc_trim", None)
    return trim


@contextmanager
def kept_from_gc() -> Iterator[Callable[[], None]]:
    """What an import keeps between batches (the key index it has read, match profiles) only
    grows, and the cyclic GC's full passes over it found nothing to free while costing a fifth
    of the import's CPU (docs/benchmarks.md, "CSV import"). So what is alive after a batch is
    frozen out of those passes (gc.freeze), and handed back at the end. Within a batch the
    automatic passes are off too: they went over the batch's young leads again and again; one
    pass at the end of the batch collects what it left (an unused session's cycles). A process
    that froze objects itself (before forking workers) is left as it is: unfreezing would undo
    that."""
    if gc.get_freeze_count() or not gc.isenabled():
        yield lambda: None
        return
    gc.disable()
    try:
        yield _collect_and_freeze
    finally:
        gc.unfreeze()
        gc.enable()


def _collect_and_freeze() -> None:
    gc.collect(0)  # nothing was collected during the batch: all it allocated is generation 0
    gc.freeze()


@dataclass(slots=True)
class PageCache:
    """Batches write index pages all over the leads' tables: a page cache that keeps them
    between batches saves reading them back (store.importing.page_cache)."""

    before: int | None = None  # the connection's own setting, to put back (None: nothing to)

    def widen(self, uow: SqlUnitOfWork) -> None:
        before = widen_page_cache(uow)
        if self.before is None:
            self.before = before


@contextmanager
def roomy_cache(uow: SqlUnitOfWork) -> Iterator[PageCache]:
    """The connection gets its own setting back at the end (a pool hands one thread the one
    connection it returned)."""
    cache = PageCache()
    try:
        yield cache
    finally:
        if cache.before is not None:
            with uow:
                restore_page_cache(uow, cache.before)
