"""Bulk actions on a list (domain/book/bulk.py): counted and confirmed first, then applied to every
open lead the filter matches, a batch per short transaction (others' writes never wait long
behind hundreds of leads), each lead with its audit entry and timeline line; one undo takes
the whole action back within a day, leaving leads someone changed since as they are.

What each kind does to a lead is handlers/book/bulk_kinds.BULK_KINDS; this module is the engine."""

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from domain.book.bulk import BulkAction, BulkItem, BulkState
from domain.book.filters import LeadFilter, ListQuery, parse_filter
from domain.delivery.messages import BulkOwnersDm, OutboxMessage
from domain.errors import InvalidInput, NotFound, PermissionDenied
from domain.followups.activity import Activity, ActivityKind
from domain.lead import Lead, lead_ref
from domain.lifecycle import OPEN_STATUSES
from domain.permissions import Action, Role, can, require
from handlers.book.bulk_kinds import BULK_KINDS, BulkOps, Fields
from handlers.book.lists import resolve
from handlers.commands import ApplyBulk, CancelBulk, PrepareBulk, UndoBulk
from handlers.context import Context, audit
from handlers.results import BulkDone, BulkToConfirm
from store.unit_of_work import SqlUnitOfWork

BATCH = 10  # leads per transaction: a capture waits behind one batch at most (bench/bulk_action.py)
SHOWN_SKIPS = 20  # leads a summary names as skipped (the rest are counted)
Progress = Callable[[int, int], None]  # (leads done, of how many)
T = TypeVar("T")


def prepare_bulk(cmd: PrepareBulk, uow: SqlUnitOfWork, ctx: Context) -> BulkToConfirm:
    """Managers and admins: the kind's parameters checked and the open leads counted; a
    pending action holds them until Confirm. A repeat of the request shows the same one."""
    require(ctx.actor, Action.BULK)
    params = dict(cmd.params)
    BULK_KINDS[cmd.kind].check(params, ctx)
    query = open_only(cmd.filter, ctx)
    team = ctx.actor.team_id
    with uow:
        earlier = uow.requests.first(team, cmd.request_key, ctx.now)
        if earlier:
            action = uow.bulk.get(team, int(earlier))
            if action is not None:
                return BulkToConfirm(action, cmd.filter)
        total = uow.lead_lists.page(team, query, 0, 1).total
        if not total:
            raise InvalidInput(
                "filter", f"No open lead you can see matches `{cmd.filter.text()}`: nothing to do."
            )
        pairs = [list(pair) for pair in cmd.filter.pairs()]
        wanted = BulkAction(
            team, cmd.kind, {**params, "filter": pairs}, cmd.filter.text(), ctx.actor.user_id, ctx.now
        )
        action = uow.bulk.add(replace(wanted, total=total))
        uow.requests.settle(team, cmd.request_key, str(action.id))
        uow.commit()
    return BulkToConfirm(action, cmd.filter)


def open_only(wanted: LeadFilter, ctx: Context) -> ListQuery:
    """A bulk action changes open leads: a converted or lost one keeps its owner and history."""
    query = resolve(wanted, ctx)
    statuses = tuple(s for s in query.statuses if s in OPEN_STATUSES) or tuple(sorted(OPEN_STATUSES))
    if query.statuses and len(statuses) < len(query.statuses):
        raise InvalidInput("status", "A bulk action changes open leads only: leave converted and lost out.")
    return replace(query, statuses=statuses)


def cancel_bulk(cmd: CancelBulk, uow: SqlUnitOfWork, ctx: Context) -> BulkDone:
    with uow:
        action = _action(uow, ctx, cmd.action_id)
        if uow.bulk.move(action, BulkState.PENDING, BulkState.CANCELLED):
            uow.commit()
            return BulkDone(replace(action, state=BulkState.CANCELLED))
    return BulkDone(action, repeated=True)


def apply_bulk(
    cmd: ApplyBulk, uow: SqlUnitOfWork, ctx: Context, progress: Progress | None = None
) -> BulkDone:
    """Confirm: the filter is read again now (a lead closed meanwhile is left out), and each
    lead changed in batches. A second Confirm (double click, Slack's retry) finds the action
    no longer pending and answers with it as it is."""
    with uow:
        action = _action(uow, ctx, cmd.action_id)
        if not uow.bulk.move(action, BulkState.PENDING, BulkState.RUNNING, applied_at=ctx.now):
            return BulkDone(action, changed=action.done, repeated=True)
        ids = uow.lead_lists.ids(ctx.actor.team_id, open_only(_filter(action), ctx))
        uow.commit()
    ops = BULK_KINDS[action.kind]
    run = _Run(action, ops)
    for batch in _batches(ids):
        with uow:
            run.apply_batch(uow, ctx, batch)
            uow.bulk.count_done(action, run.changed)
            uow.commit()
        _report(progress, run.seen, len(ids))
    with uow:
        applied = replace(action, state=BulkState.APPLIED, applied_at=ctx.now, done=run.changed)
        uow.bulk.move(action, BulkState.RUNNING, BulkState.APPLIED, applied_at=ctx.now, done=run.changed)
        run.tell(uow, ctx, applied, undone=False)
        uow.commit()
    return BulkDone(applied, run.changed, run.skips())


def undo_bulk(cmd: UndoBulk, uow: SqlUnitOfWork, ctx: Context, progress: Progress | None = None) -> BulkDone:
    """The whole action back, by whoever ran it or an admin, within a day. A lead someone
    changed since (another owner, reopened, out of the cadence) keeps that change and is
    named as skipped."""
    team = ctx.actor.team_id
    with uow:
        earlier = uow.requests.first(team, cmd.request_key, ctx.now)
        if earlier:  # the same request again: the answer, not "already undone"
            done = uow.bulk.get(team, int(earlier))
            if done is not None:
                return BulkDone(done, changed=done.done, repeated=True)
        action = _to_undo(uow, ctx, cmd.action_id)
        refusal = action.undo_refusal(ctx.now)
        if refusal is not None or not uow.bulk.move(action, action.state, BulkState.UNDOING):
            raise InvalidInput("undo", refusal or f"Bulk action #{action.id} is being undone right now.")
        uow.requests.settle(team, cmd.request_key, str(action.id))
        uow.commit()
    run = _Run(action, BULK_KINDS[action.kind])
    after = 0
    while True:
        with uow:
            items = uow.bulk.items(action, after, BATCH)
            run.undo_batch(uow, ctx, items)
            uow.commit()
        if not items:
            break
        after = items[-1].lead_id
        _report(progress, run.seen, action.done)
    with uow:
        undone = replace(action, state=BulkState.UNDONE, undone_at=ctx.now, undone_by=ctx.actor.user_id)
        uow.bulk.move(
            action, BulkState.UNDOING, BulkState.UNDONE, undone_at=ctx.now, undone_by=ctx.actor.user_id
        )
        run.tell(uow, ctx, undone, undone=True)
        uow.commit()
    return BulkDone(undone, run.changed, run.skips())


def _action(uow: SqlUnitOfWork, ctx: Context, action_id: int) -> BulkAction:
    """The pending action a Confirm or Cancel is about: only the person who asked may."""
    action = uow.bulk.get(ctx.actor.team_id, action_id)
    if action is None:
        raise NotFound("That bulk action no longer exists.")
    if action.actor_id != ctx.actor.user_id:
        raise PermissionDenied(
            f"Bulk action #{action.id} is someone else's: only the person who asked can confirm or cancel it."
        )
    return action


def _to_undo(uow: SqlUnitOfWork, ctx: Context, action_id: int | None) -> BulkAction:
    require(ctx.actor, Action.BULK)
    if action_id is None:
        states = (BulkState.APPLIED, BulkState.RUNNING, BulkState.UNDOING, BulkState.UNDONE)
        latest = uow.bulk.latest_of(ctx.actor.team_id, ctx.actor.user_id, states)
        if latest is None:
            raise NotFound("You have no bulk action to undo. `/lead help bulk` shows how to run one.")
        return latest
    action = uow.bulk.get(ctx.actor.team_id, action_id)
    if action is None:
        raise NotFound("That bulk action no longer exists.")
    if action.actor_id != ctx.actor.user_id and ctx.actor.role is not Role.ADMIN:
        raise PermissionDenied(f"Only the person who ran bulk action #{action.id}, or an admin, can undo it.")
    return action


def _filter(action: BulkAction) -> LeadFilter:
    return parse_filter([(key, value) for key, value in action.params["filter"]])


def _batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


@dataclass(slots=True)
class _Run:
    """One pass of an action over its leads: what changed, what was skipped and why, and whose
    leads changed hands (for the DMs at the end)."""

    action: BulkAction
    ops: BulkOps
    changed: int = 0
    seen: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    gained: Counter[str] = field(default_factory=Counter)  # owner: leads they got
    lost: Counter[str] = field(default_factory=Counter)  # owner: leads taken from them
    label: str = ""

    def __post_init__(self) -> None:
        self.label = f"bulk action #{self.action.id}"

    def apply_batch(self, uow: SqlUnitOfWork, ctx: Context, ids: Sequence[int]) -> None:
        items = []
        leads = uow.leads.by_ids(ctx.actor.team_id, ids)
        for lead_id in ids:
            self.seen += 1
            lead = leads.get(lead_id)
            if lead is None:
                continue
            if not can(ctx.actor, self.ops.permission, lead):
                self.skipped.append((lead.ref, "not yours to change"))
                continue
            change = self.ops.apply(uow, ctx, lead, self.action.params)
            if isinstance(change, str):
                self.skipped.append((lead.ref, change))
                continue
            before, after = change
            self._record(uow, ctx, lead, before, after, "lead.bulk_" + str(self.action.kind))
            items.append(BulkItem(lead.id or 0, lead.number, before, after))
        uow.bulk.add_items(self.action, items)

    def undo_batch(self, uow: SqlUnitOfWork, ctx: Context, items: Sequence[BulkItem]) -> None:
        leads = uow.leads.by_ids(ctx.actor.team_id, [item.lead_id for item in items])
        for item in items:
            self.seen += 1
            lead = leads.get(item.lead_id)
            if lead is None or lead.merged_into is not None:
                self.skipped.append((lead_ref(item.number), "merged or erased since"))
            elif not self.ops.holds(uow, lead, item.after):
                self.skipped.append((lead.ref, "changed by someone since"))
            else:
                self.ops.undo(uow, ctx, lead, item.before, item.after)
                self._record(uow, ctx, lead, item.after, item.before, "lead.bulk_undone")

    def _record(
        self, uow: SqlUnitOfWork, ctx: Context, lead: Lead, before: Fields, after: Fields, what: str
    ) -> None:
        lead.updated_at = ctx.now
        uow.leads.save(lead)
        undone = " undone" if what == "lead.bulk_undone" else ""
        body = f"{self.ops.line(before, after)} ({self.label}{undone})"
        uow.activities.add(lead, Activity(ActivityKind.SYSTEM, body, ctx.actor.user_id, ctx.now))
        audit(uow, ctx, what, lead, before, {**after, "bulk_action": self.action.id})
        self.changed += 1
        if "owner_id" in after and before.get("owner_id") != after["owner_id"]:
            if after["owner_id"]:
                self.gained[after["owner_id"]] += 1
            if before.get("owner_id"):
                self.lost[before["owner_id"]] += 1

    def skips(self) -> tuple[tuple[str, str], ...]:
        return tuple(self.skipped)

    def tell(self, uow: SqlUnitOfWork, ctx: Context, action: BulkAction, undone: bool) -> None:
        """One DM to each rep whose leads changed hands (not one per lead), through the outbox."""
        step = "undo" if undone else "apply"
        for gained, people in ((True, self.gained), (False, self.lost)):
            for person, count in people.items():
                if person == ctx.actor.user_id:
                    continue
                body = BulkOwnersDm(
                    user=person,
                    by=ctx.actor.user_id,
                    action=action.id,
                    count=count,
                    gained=gained,
                    undone=undone,
                    filter=action.filter_text,
                    to=action.params.get("rep"),  # one rep for them all (reassign), else None
                )
                key = f"bulk:{action.id}:{step}:{'gained' if gained else 'lost'}:{person}"
                uow.outbox.add(OutboxMessage(action.team_id, key, body), ctx.now)
