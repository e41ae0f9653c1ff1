"""Import: many rows through the capture rules at once, one transaction per batch.

Each row gets what `add_lead` would give it, in file order: the same cleaning and
enrichment (`build_lead`), the same same-person rule (external id, then email, then a phone
nothing contradicts, `domain.matching.identity`: new data updates that lead, `absorb`), the same
likely-duplicate rule (`domain.matching.dedupe`, against the workspace and the rows before it), the
same activity and audit entry. What differs is the plumbing: a batch reads the leads it can
meet in a few queries, decides in memory, and writes with bulk statements, so a crash loses
at most the batch in hand and a re-run updates instead of duplicating. Each committed batch
records `LeadsImported`: run through the bus (handlers.registry.run) the leads are then
scored and routed like captured ones, and each team channel gets one summary, never a
message per lead."""

from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import datetime

from domain import events
from domain.capture.contact import contact_from
from domain.capture.enrich import FROM_CHANNEL
from domain.capture.recapture import captured_note, match_record, recaptured_note
from domain.errors import Conflict
from domain.followups.activity import MAX_ACTIVITY_TEXT, Activity, ActivityKind
from domain.lead import Lead, lead_ref
from domain.lifecycle import LeadStatus
from domain.matching.dedupe import LikelyDuplicate, likely_duplicate
from domain.permissions import Action, can, require
from handlers.capture.cycles import new_contact
from handlers.commands import CaptureChannel
from handlers.context import Context
from handlers.importing.batches import POOL_FROM_ROWS, PreparedBatch, prepared_batches
from handlers.importing.checkpoint import Checkpoint
from handlers.importing.rows import QUIET_OUTCOMES, ImportProblem, ImportRow, Incoming
from handlers.importing.upkeep import PageCache, forget_match_caches, kept_from_gc, roomy_cache
from handlers.importing.view import Change, Clash, Memory, ShortKey, View
from store.importing.bulk import CAPTURED, RECAPTURED, AuditEntry, BulkLeads, WriteConflict
from store.unit_of_work import SqlUnitOfWork

# A commit rewrites every index page the batch touched, and the key index takes inserts all
# over: 5,000 rows a batch write each page less often than 2,000 did (docs/benchmarks.md).
BATCH_ROWS = 5000
CONFLICT_RETRIES = 3  # a concurrent capture stored an identifier this batch was about to: redo it
CHANNEL = CaptureChannel.IMPORT
# A rep's email or name as the file's owner column writes it -> the Slack user, or None.
Owners = Callable[[str], str | None]
# Told each batch's report lines, in row order, as the batch is done (a report file written
# as the import goes): the result then keeps only the first SAMPLE_LINES needing a look.
Report = Callable[[Sequence[ImportProblem]], None]
SAMPLE_LINES = 20


@dataclass(frozen=True, slots=True)
class LeadsImported:
    created: int  # likely duplicates and returning customers included
    updated: int
    duplicates: int
    rejected: int
    problems: tuple[ImportProblem, ...]
    dry_run: bool
    returning: int = 0  # created as a contact's next cycle
    columns: tuple[str, ...] = ()  # the file's columns not imported, each with a did-you-mean hint
    warnings: int = 0  # values left out of rows that were kept
    notable: int = 0  # report lines that need a look (not created, updated or unchanged)
    unchanged: int = 0  # rows an earlier, interrupted run of the same file imported


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
    # Every row's outcome, told once every lead has its number: (row, lead, outcome, reason)
    outcomes: list[tuple[int, Lead, str, str]] = field(default_factory=list)
    warnings: list[tuple[int, Lead, str]] = field(default_factory=list)

    def report(self, view: View) -> None:
        """Report lines for every row, once every lead has its number."""
        flagged = {row: (lead, duplicate) for row, lead, duplicate in self.flagged}
        returning = {row: lead for row, lead in self.returning}
        for row, lead, outcome, reason in self.outcomes:
            if row in flagged:
                original = lead_ref(view.number_of(flagged[row][1].id))
                outcome, reason = (
                    "duplicate",
                    f"Likely duplicate of {original}: {', '.join(flagged[row][1].reasons)}",
                )
            elif row in returning:
                assert lead.contact_id is not None
                customer = lead_ref(view.first_lead_number(lead.contact_id))
                outcome, reason = (
                    "returning",
                    f"Returning customer: contact of {customer}, cycle {lead.cycle}",
                )
            self.problems.append(ImportProblem(row, outcome, lead.ref, reason))
        for row, clash in self.clashes:
            self.problems.append(ImportProblem(row, "rejected", None, clash.reason()))
        for row, lead, warning in self.warnings:
            self.problems.append(ImportProblem(row, "warning", lead.ref, warning))


def import_leads(
    rows: Iterable[ImportRow],
    uow: SqlUnitOfWork,
    ctx: Context,
    *,
    dry_run: bool = False,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
    pool_from: int = POOL_FROM_ROWS,
    owners: Owners | None = None,
    columns: tuple[str, ...] = (),
    report: Report | None = None,
    checkpoint: Checkpoint | None = None,
) -> LeadsImported:
    """Capture every row of an import. A row that fails validation is reported with the
    reason and skipped; it never stops the import. `dry_run` decides everything and writes
    nothing. `progress` is told the number of the last row handled after each batch. A batch
    another writer keeps colliding with raises Conflict; the batches before it stay saved.
    From `pool_from` rows on, a second process cleans and keys rows while this one decides
    and writes (handlers.importing.batches); the outcome is the same. `owners` finds the Slack user
    an owner column names (else routing decides); `columns` (the file's columns not imported)
    is handed back in the result for the report. With `report`, each batch's report lines go
    there as the batch is done, and are not kept (memory does not grow with the file). With a
    `checkpoint` (the file's identity), each batch records in its own transaction the last row
    it saved: a run of the same file after one was interrupted skips the rows saved and
    reports them `unchanged`."""
    require(ctx.actor, Action.CAPTURE)
    tally = _Tally(keep_all=report is None)
    memory = Memory()
    stopped = checkpoint.saved(uow, ctx) if checkpoint else None
    done_before = stopped.row if stopped else 0
    if stopped and stopped.since and not dry_run:
        _follow_up_stopped_run(uow, ctx, stopped.since)
    batches = prepared_batches(rows, ctx, batch_rows, pool_from)
    with kept_from_gc() as keep, closing(batches), roomy_cache(uow) as cache:
        for batch in batches:
            lines: list[ImportProblem] = []
            incoming = []
            for item in batch.take():
                if isinstance(item, ImportProblem):
                    lines.append(item)
                elif item.row <= done_before:
                    lines.append(ImportProblem(item.row, "unchanged", None, _saved_before(done_before)))
                else:
                    incoming.append(item)
            if incoming:
                ran = _run_batch(batch, incoming, uow, ctx, memory, dry_run, cache, owners, checkpoint)
                tally.add(ran)
                lines += ran.problems
            lines.sort(key=lambda line: line.row)  # stable: a row's outcome before its warnings
            tally.count(lines)
            if report:
                report(lines)
            forget_match_caches(batch.first_row, batch.last_row)
            keep()
            if progress:
                progress(batch.last_row)
    forget_match_caches()  # scoring and routing, which follow, have no use for them
    if checkpoint and not dry_run:
        checkpoint.finished(uow, ctx)
    return replace(tally.result(dry_run), columns=columns)


def _follow_up_stopped_run(uow: SqlUnitOfWork, ctx: Context, since: datetime) -> None:
    """A run killed after some batches were saved never got to score and route their leads
    (that follows the whole import): this run does, with its own."""
    with uow:
        created, updated = BulkLeads.of(uow).imported_by(ctx.actor.team_id, ctx.actor.user_id, since)
        uow.record(events.LeadsImported(ctx.actor.team_id, tuple(created), tuple(updated)))
        uow.commit()


def _saved_before(row: int) -> str:
    return f"Imported by an earlier run of this file, stopped after row {row}"


def _run_batch(
    source: PreparedBatch,
    incoming: list[Incoming],
    uow: SqlUnitOfWork,
    ctx: Context,
    memory: Memory,
    dry_run: bool,
    cache: PageCache,
    owners: Owners | None,
    checkpoint: Checkpoint | None,
) -> _Batch:
    attempt, again = 1, False
    while attempt <= CONFLICT_RETRIES:
        if again:  # deciding changed the leads (ids, flags, absorbed data): start afresh
            first = incoming[0].row
            incoming = [item for item in source.take() if isinstance(item, Incoming) and item.row >= first]
        again = True
        with uow:
            bulk = BulkLeads.of(uow)
            cache.widen(uow)
            view = View.load(bulk, ctx.actor.team_id, [(i.lead, i.keys) for i in incoming], memory)
            try:
                batch = _decide(view, incoming, ctx, owners)
            except ShortKey as short:  # rare: not a failed attempt
                memory.read_again(short.key)
                continue
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
                    attempt += 1
                    continue
                _customers_become_contacts(uow, bulk, view, batch, ctx)
                if checkpoint:
                    checkpoint.save(uow, ctx, source.last_row)
                uow.record(_imported(ctx, batch))
                uow.commit()
            memory.remember(view, changes, written=not dry_run)
            batch.report(view)
            return batch
    raise AssertionError("unreachable")


def _customers_become_contacts(
    uow: SqlUnitOfWork, bulk: BulkLeads, view: View, batch: _Batch, ctx: Context
) -> None:
    """A row the file says bought (closed-won) is a customer, as a conversion in Slack makes
    one: a contact, so their next interest, from any channel, is their next cycle rather than
    a likely duplicate of the won lead. A customer coming back already has theirs; one whose
    next cycle is a later row of this batch gets the contact its won row made."""
    made: dict[int, int] = {}  # provisional contact id -> the contact's own
    for provisional, won in view.customers_expected():
        contact = new_contact(uow, ctx, won)
        assert contact.id is not None
        won.contact_id = made[provisional] = contact.id
        view.first_lead_of[contact.id] = won.number
    linked = [lead for lead in batch.created if lead.contact_id in made]  # their later rows
    for lead in linked:
        lead.contact_id = made[lead.contact_id or 0]
    won_or_back = [lead for _, lead in view.customers_expected()] + linked
    bulk.set_contact_of([(lead.id, lead.contact_id) for lead in won_or_back if lead.id and lead.contact_id])


def _imported(ctx: Context, batch: _Batch) -> events.LeadsImported:
    """Scoring and routing follow once the batch is committed (handlers.registry.EVENT_HANDLERS)."""
    created = tuple(lead.id for lead in batch.created if lead.id is not None)
    return events.LeadsImported(ctx.actor.team_id, created, tuple(batch.updated))


def _decide(view: View, incoming: list[Incoming], ctx: Context, owners: Owners | None) -> _Batch:
    """Row by row, in file order, exactly as add_lead would decide one after the other."""
    batch = _Batch()
    for item in incoming:
        known = view.same_person(item.lead)
        clash = view.clash(item.lead, known)
        if clash is not None:
            batch.clashes.append((item.row, clash))
            continue
        if known is None:
            lead = _create(view, batch, item, ctx, owners)
        else:
            lead = _recapture(view, batch, item, *known, ctx)
        batch.warnings.extend((item.row, lead, warning) for warning in item.warnings)
    return batch


def _create(view: View, batch: _Batch, item: Incoming, ctx: Context, owners: Owners | None) -> Lead:
    lead = item.lead
    returning = view.link_returning(lead)  # a customer back: a new cycle, not a duplicate
    duplicate = None if returning else likely_duplicate(match_record(lead), view.candidates(item.keys))
    lead.duplicate_of = duplicate.id if duplicate else None
    reason = _take_owner(batch, item, owners)
    view.add(lead, item.keys)
    if lead.status == LeadStatus.CONVERTED and lead.contact_id is None:
        view.expect_customer(lead, contact_from(lead, ctx.actor.user_id, ctx.now))
    batch.created.append(lead)
    batch.outcomes.append((item.row, lead, "created", reason))
    if duplicate:
        batch.flagged.append((item.row, lead, duplicate))
    if returning:
        batch.returning.append((item.row, lead))
    activity = Activity(ActivityKind.SYSTEM, captured_note(CHANNEL), ctx.actor.user_id, ctx.now)
    batch.activities.append((lead, activity))
    if item.note:
        note = item.note[:MAX_ACTIVITY_TEXT]
        batch.activities.append((lead, Activity(ActivityKind.NOTE, note, ctx.actor.user_id, ctx.now)))
    batch.audit.append(AuditEntry(CAPTURED, lead, None, lead.snapshot()))
    return lead


def _take_owner(batch: _Batch, item: Incoming, owners: Owners | None) -> str:
    """The owner column's rep when Slack or the config knows them; else routing decides."""
    if not item.owner:
        return "New lead"
    user = owners(item.owner) if owners else None
    if user is None:
        warning = f"Owner `{item.owner}` is not a Slack user Leadbot can find: routing decides"
        batch.warnings.append((item.row, item.lead, warning))
        return "New lead"
    item.lead.owner_id = user
    return f"New lead, owner {user}"


def _recapture(view: View, batch: _Batch, item: Incoming, lead: Lead, matched_on: str, ctx: Context) -> Lead:
    before = lead.snapshot()
    incoming = item.lead
    if incoming.enriched.get("source") == FROM_CHANNEL:  # "import" stands in for no source:
        incoming = replace(incoming, source=None)  # a known lead keeps what it had, or nothing
    changed = view.absorb(lead, incoming, may_replace=can(ctx.actor, Action.WORK, lead))
    lead.updated_at = ctx.now
    if not view.is_new(lead):
        assert lead.id is not None
        batch.updated[lead.id] = lead
    note = recaptured_note(CHANNEL, matched_on, changed)
    batch.activities.append((lead, Activity(ActivityKind.SYSTEM, note, ctx.actor.user_id, ctx.now)))
    batch.audit.append(AuditEntry(RECAPTURED, lead, before, lead.snapshot()))
    batch.recaptures += 1
    what = f"updated {', '.join(changed)}" if changed else "nothing new"
    batch.outcomes.append((item.row, lead, "updated", f"Same {matched_on.replace('_', ' ')}: {what}"))
    return lead


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
    # A customer's next cycle in the same batch waits for the contact its won row makes.
    awaiting = [(lead, lead.contact_id) for lead in batch.created if (lead.contact_id or 0) < 0]
    for lead, _ in awaiting:
        lead.contact_id = None
    bulk.insert(batch.created)
    for lead, provisional in awaiting:
        lead.contact_id = provisional
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
    keep_all: bool  # every report line in the result; else only a sample needing a look
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    returning: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # report lines by outcome
    problems: list[ImportProblem] = field(default_factory=list)

    def add(self, batch: _Batch) -> None:
        self.created += len(batch.created)
        self.updated += batch.recaptures
        self.duplicates += len(batch.flagged)
        self.returning += len(batch.returning)

    def count(self, lines: Sequence[ImportProblem]) -> None:
        """A batch's report lines, in row order."""
        for line in lines:
            self.counts[line.outcome] = self.counts.get(line.outcome, 0) + 1
        if self.keep_all:
            self.problems.extend(lines)
        else:
            room = SAMPLE_LINES - len(self.problems)
            self.problems.extend([line for line in lines if line.outcome not in QUIET_OUTCOMES][:room])

    def result(self, dry_run: bool) -> LeadsImported:
        notable = sum(n for outcome, n in self.counts.items() if outcome not in QUIET_OUTCOMES)
        return LeadsImported(
            self.created,
            self.updated,
            self.duplicates,
            self.counts.get("rejected", 0),
            tuple(self.problems),
            dry_run,
            self.returning,
            warnings=self.counts.get("warning", 0),
            notable=notable,
            unchanged=self.counts.get("unchanged", 0),
        )
