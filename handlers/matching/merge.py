"""Merging duplicates: atomic, nothing lost, confirmed when the two differ, and undoable by
whoever merged, a manager or an admin."""

from typing import Any

from domain.book.tags import MAX_TAGS
from domain.errors import InvalidInput, NotFound
from domain.followups.activity import Activity, ActivityKind
from domain.lead import CONTACT_FIELDS, PROFILE_FIELDS, Lead, lead_ref
from domain.matching.merging import differences
from domain.permissions import Action, require_merge_undoer
from domain.routing.assignment import AssignmentState
from handlers.commands import KeepBoth, MergeLeads, UndoMerge
from handlers.context import Context, audit, find_lead, load_lead, use_survivor
from handlers.matching.duplicates import refresh_match_keys
from handlers.nurture.cadences import follow_owner, stop_cadences
from handlers.results import DuplicateDismissed, LeadsMerged, LeadView, MergeToConfirm, MergeUndone
from handlers.scoring.rescore import rescore_lead, rescore_leads
from store.unit_of_work import SqlUnitOfWork

MERGEABLE = (*CONTACT_FIELDS, *PROFILE_FIELDS)


def merge_leads(cmd: MergeLeads, uow: SqlUnitOfWork, ctx: Context) -> LeadsMerged | MergeToConfirm:
    """The kept lead takes every activity and reminder of the duplicate and fills
    its empty fields from it; the duplicate stays only as a pointer, for undo. Leads that
    name different emails or phones are likely two people: nothing is merged until the
    person confirms."""
    if cmd.duplicate == cmd.keep:
        raise InvalidInput("lead", "A lead cannot be merged into itself.")
    with uow:
        keep = load_lead(uow, ctx, cmd.keep, Action.WORK)
        duplicate = load_lead(uow, ctx, cmd.duplicate, Action.WORK, merged_away=True)
        if duplicate.merged_into == keep.id:
            return _already_merged(keep, duplicate)
        if duplicate.merged_into is not None:
            raise InvalidInput("lead", use_survivor(uow, duplicate))
        differs = differences(duplicate, keep)
        if differs and not cmd.confirmed:
            return MergeToConfirm(LeadView.of(duplicate), LeadView.of(keep), differs)
        if not uow.merges.claim(keep.team_id, duplicate.id or 0, keep.id or 0):
            return _merged_meanwhile(uow, keep, duplicate)
        result = _merge(uow, ctx, duplicate, keep)
        uow.commit()
    return result


def _already_merged(keep: Lead, duplicate: Lead) -> LeadsMerged:
    return LeadsMerged(LeadView.of(keep), LeadView.of(duplicate), (), already_done=True)


def _merged_meanwhile(uow: SqlUnitOfWork, keep: Lead, duplicate: Lead) -> LeadsMerged:
    """Another request (a double click) merged the duplicate after we read it: the same
    merge is done already; a different one leaves this one nothing to do."""
    if uow.merges.merged_into(duplicate.id or 0) == keep.id:
        return _already_merged(keep, duplicate)
    raise InvalidInput("lead", f"{duplicate.ref} was just merged into another lead: nothing was changed.")


def _merge(uow: SqlUnitOfWork, ctx: Context, duplicate: Lead, keep: Lead) -> LeadsMerged:
    before = keep.snapshot()
    filled = {f: getattr(duplicate, f) for f in MERGEABLE if getattr(duplicate, f) and not getattr(keep, f)}
    for field, value in filled.items():
        setattr(keep, field, value)
    filled |= _fill_own(keep, duplicate)
    keep.updated_at = duplicate.updated_at = ctx.now
    duplicate.merged_into, duplicate.duplicate_of = keep.id, None
    _one_cadence(uow, ctx, duplicate, keep)
    _withdraw_proposal(uow, ctx, duplicate)
    uow.merges.move_history(keep.team_id, duplicate.id or 0, keep.id or 0)
    follow_owner(uow, ctx, keep)
    _keep_do_not_contact(uow, ctx, duplicate, keep)
    uow.merges.record(
        team_id=keep.team_id,
        source_id=duplicate.id or 0,
        target_id=keep.id or 0,
        filled=filled,
        by=ctx.actor.user_id,
        at=ctx.now,
    )
    _save_both(uow, duplicate, keep)  # the duplicate retires first: its email/phone may move over
    named = [f.removeprefix(CUSTOM) for f in filled]
    note = f"Merged {duplicate.ref} into this lead" + (f", filling {', '.join(named)}" if filled else "")
    uow.activities.add(keep, Activity(ActivityKind.SYSTEM, note, ctx.actor.user_id, ctx.now))
    audit(uow, ctx, "lead.merged", keep, before, {**keep.snapshot(), "merged": duplicate.ref})
    keep = rescore_lead(uow, ctx, keep, f"merged {duplicate.ref}")  # the duplicate's engagement counts now
    return LeadsMerged(LeadView.of(keep), LeadView.of(duplicate), tuple(named))


CUSTOM = "custom."  # a custom field's name in a merge's `filled`


def _fill_own(keep: Lead, duplicate: Lead) -> dict[str, Any]:
    """The duplicate's custom values fill the keeper's gaps, and its tags join the keeper's
    (within MAX_TAGS); what was filled is recorded so an undo can take it back."""
    filled: dict[str, Any] = {
        f"{CUSTOM}{key}": value for key, value in duplicate.custom.items() if keep.custom.get(key) is None
    }
    keep.custom = {**keep.custom, **{key.removeprefix(CUSTOM): value for key, value in filled.items()}}
    added = [tag for tag in duplicate.tags if tag not in keep.tags][: max(0, MAX_TAGS - len(keep.tags))]
    if added:
        keep.tags = (*keep.tags, *added)
        filled["tags"] = added
    return filled


def _unfill_own(keep: Lead, field: str, value: Any) -> None:
    """Undo what _fill_own filled, unless someone changed it since."""
    if field == "tags":
        keep.tags = tuple(tag for tag in keep.tags if tag not in value)
        return
    key = field.removeprefix(CUSTOM)
    if keep.custom.get(key) == value:
        keep.custom = {k: v for k, v in keep.custom.items() if k != key}


def _keep_do_not_contact(uow: SqlUnitOfWork, ctx: Context, duplicate: Lead, keep: Lead) -> None:
    """One person: an unsubscription on either lead holds for the kept one (the earlier
    date), and no cadence it now has goes on. An undo leaves it so: they did unsubscribe."""
    if duplicate.do_not_contact_at is not None:
        keep.mark_do_not_contact(duplicate.do_not_contact_at, ctx.now)
    if keep.do_not_contact_at is not None:
        stop_cadences(uow, ctx, keep, "unsubscribed")


def undo_merge(cmd: UndoMerge, uow: SqlUnitOfWork, ctx: Context) -> MergeUndone:
    """The person who merged, a manager of the leads' team or an admin: the merged lead
    comes back with its own history, and the fields the merge filled are emptied again
    unless someone changed them since."""
    with uow:
        source = find_lead(uow, ctx, cmd.number)
        earlier = uow.requests.first(source.team_id, cmd.request_key, ctx.now)
        if earlier is not None:  # a repeat: the first answer, not "is not merged"
            return MergeUndone(LeadView.of(source), _kept(uow, source.team_id, int(earlier)))
        merge = uow.merges.open_merge_of(source.team_id, source.id or 0)
        keep = uow.leads.by_id(source.team_id, merge.target_id) if merge else None
        if merge is None or keep is None or source.merged_into is None:
            raise _nothing_to_undo(source)
        require_merge_undoer(ctx.actor, merge.merged_by, source, keep)
        if keep.merged_into is not None:
            raise _undo_the_later_merge_first(source, keep)
        if not uow.merges.mark_undone(merge, ctx.actor.user_id, ctx.now):  # a double click: once
            raise _nothing_to_undo(source)
        result = _undo(uow, ctx, source, keep, merge.filled)
        uow.requests.settle(source.team_id, cmd.request_key, str(result.kept.number))
        uow.commit()
    return result


def _undo(uow: SqlUnitOfWork, ctx: Context, source: Lead, keep: Lead, filled: dict[str, Any]) -> MergeUndone:
    before = keep.snapshot()
    for field, value in filled.items():
        if field.startswith(CUSTOM) or field == "tags":
            _unfill_own(keep, field, value)
        elif getattr(keep, field) == value:
            setattr(keep, field, None)
    uow.merges.move_history_back(keep.team_id, source.id or 0, keep.id or 0)
    follow_owner(uow, ctx, source)
    source.merged_into, source.duplicate_of = None, keep.id
    keep.updated_at = source.updated_at = ctx.now
    _save_both(uow, keep, source)  # the keeper lets go of filled fields before the source returns
    audit(uow, ctx, "lead.merge_undone", keep, before, {**keep.snapshot(), "restored": source.ref})
    assert keep.id is not None and source.id is not None
    reasons = {keep.id: f"merge of {source.ref} undone", source.id: "merge undone"}
    rescore_leads(uow, keep.team_id, list(reasons), reasons, ctx.now, ctx.config)
    source = uow.leads.by_id(source.team_id, source.id) or source
    keep = uow.leads.by_id(keep.team_id, keep.id) or keep
    return MergeUndone(LeadView.of(source), LeadView.of(keep))


def _nothing_to_undo(source: Lead) -> InvalidInput:
    return InvalidInput("lead", f"{source.ref} is not merged into another lead: nothing to undo.")


def _undo_the_later_merge_first(source: Lead, keep: Lead) -> InvalidInput:
    """Its history went on with the lead it was merged into: that merge comes apart first."""
    return InvalidInput(
        "lead",
        f"{keep.ref}, which {source.ref} was merged into, has been merged into another lead since: "
        f"undo that first with `/lead unmerge {keep.ref}`.",
    )


def keep_both(cmd: KeepBoth, uow: SqlUnitOfWork, ctx: Context) -> DuplicateDismissed:
    """A repeat of the click says which flag it cleared, as the first did."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.WORK)
        earlier = uow.requests.first(lead.team_id, cmd.request_key, ctx.now)
        if earlier is not None:
            return DuplicateDismissed(LeadView.of(lead), earlier or None)
        flagged = uow.leads.by_id(lead.team_id, lead.duplicate_of) if lead.duplicate_of else None
        if flagged is not None:
            lead.duplicate_of, lead.updated_at = None, ctx.now
            uow.leads.save(lead)
            audit(
                uow,
                ctx,
                "lead.duplicate_dismissed",
                lead,
                {"duplicate_of": flagged.ref},
                {"duplicate_of": None},
            )
            uow.requests.settle(lead.team_id, cmd.request_key, flagged.ref)
            uow.commit()
    return DuplicateDismissed(LeadView.of(lead), flagged.ref if flagged else None)


def _kept(uow: SqlUnitOfWork, team_id: str, number: int) -> LeadView:
    lead = uow.leads.get(team_id, number)
    if lead is None:
        raise NotFound(f"{lead_ref(number)} no longer exists.")
    return LeadView.of(lead)


def _one_cadence(uow: SqlUnitOfWork, ctx: Context, duplicate: Lead, keep: Lead) -> None:
    """A lead is in one cadence at a time: the duplicate's enrolment follows it into the kept
    lead with the rest of its history, unless the kept lead is in a cadence already; then the
    duplicate's stops, as its steps would double the kept lead's."""
    if uow.cadences.active(keep.team_id, keep.id or 0):
        stop_cadences(uow, ctx, duplicate, f"merged into {keep.ref}, already in a cadence")


def _withdraw_proposal(uow: SqlUnitOfWork, ctx: Context, duplicate: Lead) -> None:
    """A proposal waiting for the duplicate would hand out a lead that is no longer live: the
    merge takes it over (a manager's click then hears so), and the rep gets the turn back."""
    pending = uow.routing.pending_for(duplicate.team_id, duplicate.id or 0)
    if pending is None:
        return
    if uow.routing.decide(pending, AssignmentState.SUPERSEDED, pending.rep_id, ctx.actor.user_id, ctx.now):
        uow.routing.return_turn(pending.team_id, pending.sales_team, pending.rep_id)


def _save_both(uow: SqlUnitOfWork, *leads: Lead) -> None:
    for lead in leads:
        uow.leads.save(lead)
        refresh_match_keys(uow, lead)
