"""Import: many rows through the capture rules at once, one transaction per batch.

Each row gets what `add_lead` would give it, in file order: the same cleaning and enrichment
(`build_lead`), the same same-person rule (external id, then email, then a phone nothing
contradicts, `domain.identity`: new data updates that lead, `absorb`), the same
likely-duplicate rule (`domain.dedupe`, against the workspace and the rows before it), the
same activity and audit entry. What differs is the plumbing: a batch reads the leads it can
meet in a few queries, decides in memory, and writes with bulk statements, so a crash loses
at most the batch in hand and a re-run updates instead of duplicating. An import announces
nothing in Slack: a lead per message would bury a team channel."""

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field

from domain.activity import Activity, ActivityKind
from domain.dedupe import LikelyDuplicate, likely_duplicate
from domain.errors import Conflict
from domain.lead import Lead, lead_ref
from domain.permissions import Action, can, require
from handlers.commands import CaptureChannel
from handlers.context import Context
from handlers.import_batches import POOL_FROM_ROWS, PreparedBatch, prepared_batches
from handlers.import_rows import ImportProblem, ImportRow, Incoming
from handlers.import_view import Change, Clash, Memory, View
from handlers.matching import captured_note, match_record, recaptured_note
from store.bulk import AuditEntry, BulkLeads, WriteConflict
from store.page_cache import restore_page_cache, widen_page_cache
from store.unit_of_work import SqlUnitOfWork

# A commit rewrites every index page the batch touched, and the key index takes inserts all
# over: 5,000 rows a batch write each page less often than 2,000 did (docs/benchmarks.md).
BATCH_ROWS = 5000
CONFLICT_RETRIES = 3  # a concurrent capture stored an identifier this batch was about to: redo it
CHANNEL = CaptureChannel.IMPORT


@dataclass(frozen=True, slots=True)
class LeadsImported:
    created: int  # likely duplicates and returning customers included
    updated: int
    duplicates: int
    rejected: int
    problems: tuple[ImportProblem, ...]
    dry_run: bool
    returning: int = 0  # created as a contact's next cycle


@dataclass(slots=True)
class _Batch:
    """What one batch decided, ready to write."""

    created: list[Lead] = field(default_factory=list)
    updated: dict[int, Lead] = field(default_factory=dict)  # leads stored before this batch
    flagged: list[tuple[int, Lead, LikelyDuplicate]] = field(default_factory=list)
    returning: list[tuple[int, Lead]] = field(default_factory=list)  # created as a contact's next cycle
    clashes: list[tuple[int, Clash]] = field(default_factory=list)
    activities: list[tuple[Lead, Activity]] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    recaptures: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    def report(self, view: View) -> None:
        """Report lines for the flagged leads, once every lead has its number."""
        for row, lead, duplicate in self.flagged:
            original = lead_ref(view.number_of(duplicate.id))
            reason = f"Likely duplicate of {original}: {', '.join(duplicate.reasons)}"
            self.problems.append(ImportProblem(row, "duplicate", lead.ref, reason))
        for row, clash in self.clashes:
            self.problems.append(ImportProblem(row, "rejected", None, clash.reason()))
        for row, lead in self.returning:
            assert lead.contact_id is not None
            customer = lead_ref(view.first_lead_of[lead.contact_id])
            reason = f"Returning customer: contact of {customer}, cycle {lead.cycle}"
            self.problems.append(ImportProblem(row, "returning", lead.ref, reason))


def import_leads(
    rows: Iterable[ImportRow],
    uow: SqlUnitOfWork,
    ctx: Context,
    *,
    dry_run: bool = False,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
    pool_from: int = POOL_FROM_ROWS,
) -> LeadsImported:
    """Capture every row of an import. A row that fails validation is reported with the
    reason and skipped; it never stops the import. `dry_run` decides everything and writes
    nothing. `progress` is told the number of the last row handled after each batch. A batch
    another writer keeps colliding with raises Conflict; the batches before it stay saved.
    From `pool_from` rows on, a second process cleans and keys rows while this one decides
    and writes (handlers.import_batches); the outcome is the same."""
    require(ctx.actor, Action.CAPTURE)
    tally = _Tally()
    memory = Memory()
    batches = prepared_batches(rows, ctx, batch_rows, pool_from)
    with _kept_from_gc() as keep, closing(batches), _roomy_cache(uow) as cache:
        for batch in batches:
            incoming = []
            for item in batch.take():
                if isinstance(item, ImportProblem):
                    tally.problems.append(item)
                else:
                    incoming.append(item)
            tally.add(_run_batch(batch, incoming, uow, ctx, memory, dry_run, cache))
            keep()
            if progress:
                progress(batch.last_row)
    return tally.result(dry_run)


@contextmanager
def _kept_from_gc() -> Iterator[Callable[[], None]]:
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
class _PageCache:
    """Batches write index pages all over the leads' tables: a page cache that keeps them
    between batches saves reading them back (store.page_cache)."""

    before: int | None = None  # the connection's own setting, to put back (None: nothing to)

    def widen(self, uow: SqlUnitOfWork) -> None:
        before = widen_page_cache(uow)
        if self.before is None:
            self.before = before


@contextmanager
def _roomy_cache(uow: SqlUnitOfWork) -> Iterator[_PageCache]:
    """The connection gets its own setting back at the end (a pool hands one thread the one
    connection it returned)."""
    cache = _PageCache()
    try:
        yield cache
    finally:
        if cache.before is not None:
            with uow:
                restore_page_cache(uow, cache.before)


def _run_batch(
    source: PreparedBatch,
    incoming: list[Incoming],
    uow: SqlUnitOfWork,
    ctx: Context,
    memory: Memory,
    dry_run: bool,
    cache: _PageCache,
) -> _Batch:
    for attempt in range(1, CONFLICT_RETRIES + 1):
        if attempt > 1:  # deciding changed the leads (ids, flags, absorbed data): start afresh
            incoming = [item for item in source.take() if isinstance(item, Incoming)]
        with uow:
            bulk = BulkLeads.of(uow)
            cache.widen(uow)
            view = View.load(bulk, ctx.actor.team_id, [(i.lead, i.keys) for i in incoming], memory)
            batch = _decide(view, incoming, ctx)
            changes = view.changes(batch.created, batch.updated.values())
            if dry_run:
                _number(batch, bulk.last_number(ctx.actor.team_id) + memory.created + 1)
                memory.created += len(batch.created)
            else:
                try:
                    _write(bulk, batch, changes, ctx)
                except WriteConflict as exc:
                    if attempt == CONFLICT_RETRIES:
                        raise Conflict(
                            f"Rows {source.first_row}-{source.last_row} could not be saved ({exc}). The rows "
                            "before them are imported; import the file again to finish."
                        ) from exc
                    continue
                uow.commit()
            memory.remember(view, changes, written=not dry_run)
            batch.report(view)
            return batch
    raise AssertionError("unreachable")


def _decide(view: View, incoming: list[Incoming], ctx: Context) -> _Batch:
    """Row by row, in file order, exactly as add_lead would decide one after the other."""
    batch = _Batch()
    for item in incoming:
        known = view.same_person(item.lead)
        clash = view.clash(item.lead, known)
        if clash is not None:
            batch.clashes.append((item.row, clash))
        elif known is None:
            _create(view, batch, item, ctx)
        else:
            _recapture(view, batch, *known, item.lead, ctx)
    return batch


def _create(view: View, batch: _Batch, item: Incoming, ctx: Context) -> None:
    lead = item.lead
    returning = view.link_returning(lead)  # a customer back: a new cycle, not a duplicate
    duplicate = None if returning else likely_duplicate(match_record(lead), view.candidates(item.keys))
    lead.duplicate_of = duplicate.id if duplicate else None
    view.add(lead, item.keys)
    batch.created.append(lead)
    if duplicate:
        batch.flagged.append((item.row, lead, duplicate))
    if returning:
        batch.returning.append((item.row, lead))
    activity = Activity(ActivityKind.SYSTEM, captured_note(CHANNEL), ctx.actor.user_id, ctx.now)
    batch.activities.append((lead, activity))
    batch.audit.append(AuditEntry("lead.captured", lead, None, lead.snapshot()))


def _recapture(view: View, batch: _Batch, lead: Lead, matched_on: str, incoming: Lead, ctx: Context) -> None:
    before = lead.snapshot()
    changed = view.absorb(lead, incoming, may_replace=can(ctx.actor, Action.WORK, lead))
    lead.updated_at = ctx.now
    if not view.is_new(lead):
        assert lead.id is not None
        batch.updated[lead.id] = lead
    note = recaptured_note(CHANNEL, matched_on, changed)
    batch.activities.append((lead, Activity(ActivityKind.SYSTEM, note, ctx.actor.user_id, ctx.now)))
    batch.audit.append(AuditEntry("lead.recaptured", lead, before, lead.snapshot()))
    batch.recaptures += 1


def _number(batch: _Batch, first: int) -> None:
    for number, lead in enumerate(batch.created, start=first):
        lead.number = number


def _write(bulk: BulkLeads, batch: _Batch, changes: list[Change], ctx: Context) -> None:
    if batch.created:
        _number(batch, bulk.reserve_numbers(ctx.actor.team_id, len(batch.created)))
    created_keys = [(lead, keys) for lead, _, keys in changes[: len(batch.created)]]
    updated_keys = [(lead, keys) for lead, _, keys in changes[len(batch.created) :]]
    # A lead may be flagged against one earlier in the same batch, which has no id until inserted.
    pending = {lead.id: lead for lead in batch.created}
    within = [(lead, pending[lead.duplicate_of]) for lead in batch.created if lead.duplicate_of in pending]
    for lead, _ in within:
        lead.duplicate_of = None
    bulk.insert(batch.created)
    for lead, original in within:
        lead.duplicate_of = original.id
    bulk.set_duplicate_of([(lead.id, original.id) for lead, original in within if lead.id and original.id])
    bulk.update(list(batch.updated.values()))
    bulk.replace_match_keys(created_keys, fresh=True)
    bulk.replace_match_keys(updated_keys, fresh=False)
    bulk.add_activities(batch.activities)
    bulk.add_audit(batch.audit, ctx.actor.user_id, ctx.now)


@dataclass(slots=True)
class _Tally:
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    returning: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    def add(self, batch: _Batch) -> None:
        self.created += len(batch.created)
        self.updated += batch.recaptures
        self.duplicates += len(batch.flagged)
        self.returning += len(batch.returning)
        self.problems.extend(batch.problems)

    def result(self, dry_run: bool) -> LeadsImported:
        problems = tuple(sorted(self.problems, key=lambda problem: problem.row))
        rejected = sum(problem.outcome == "rejected" for problem in problems)
        return LeadsImported(
            self.created, self.updated, self.duplicates, rejected, problems, dry_run, self.returning
        )
