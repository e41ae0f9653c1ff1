"""Merging duplicates: atomic, nothing lost, and undoable by a manager."""

from domain.activity import Activity, ActivityKind
from domain.errors import InvalidInput, NotFound
from domain.lead import CONTACT_FIELDS, PROFILE_FIELDS, Lead, lead_ref
from domain.permissions import Action
from handlers.commands import KeepBoth, MergeLeads, UndoMerge
from handlers.context import Context, audit, load_lead
from handlers.matching import refresh_match_keys
from handlers.nurture import follow_owner, stop_cadences
from handlers.once import earlier_result, settle
from handlers.rescore import rescore_lead, rescore_leads
from handlers.results import DuplicateDismissed, LeadsMerged, LeadView, MergeUndone
from store.cadences import CadenceRepository
from store.unit_of_work import SqlUnitOfWork

MERGEABLE = (*CONTACT_FIELDS, *PROFILE_FIELDS)


def merge_leads(cmd: MergeLeads, uow: SqlUnitOfWork, ctx: Context) -> LeadsMerged:
    """The kept lead takes every activity and reminder of the duplicate and fills
    its empty fields from it; the duplicate stays only as a pointer, for undo."""
    if cmd.duplicate == cmd.keep:
        raise InvalidInput("lead", "A lead cannot be merged into itself.")
    with uow:
        keep = load_lead(uow, ctx, cmd.keep, Action.WORK)
        duplicate = load_lead(uow, ctx, cmd.duplicate, Action.WORK)
        if duplicate.merged_into == keep.id:
            return LeadsMerged(LeadView.of(keep), LeadView.of(duplicate), (), already_done=True)
        _refuse_merged(keep, duplicate)
        result = _merge(uow, ctx, duplicate, keep)
        uow.commit()
    return result


def _merge(uow: SqlUnitOfWork, ctx: Context, duplicate: Lead, keep: Lead) -> LeadsMerged:
    before = keep.snapshot()
    filled = {f: getattr(duplicate, f) for f in MERGEABLE if getattr(duplicate, f) and not getattr(keep, f)}
    for field, value in filled.items():
        setattr(keep, field, value)
    keep.updated_at = duplicate.updated_at = ctx.now
    duplicate.merged_into, duplicate.duplicate_of = keep.id, None
    _one_cadence(uow, ctx, duplicate, keep)
    uow.merges.move_history(keep.team_id, duplicate.id or 0, keep.id or 0)
    follow_owner(uow, ctx, keep)
    uow.merges.record(
        team_id=keep.team_id,
        source_id=duplicate.id or 0,
        target_id=keep.id or 0,
        filled=filled,
        by=ctx.actor.user_id,
        at=ctx.now,
    )
    _save_both(uow, duplicate, keep)  # the duplicate retires first: its email/phone may move over
    note = f"Merged {duplicate.ref} into this lead" + (f", filling {', '.join(filled)}" if filled else "")
    uow.activities.add(keep, Activity(ActivityKind.SYSTEM, note, ctx.actor.user_id, ctx.now))
    audit(uow, ctx, "lead.merged", keep, before, {**keep.snapshot(), "merged": duplicate.ref})
    keep = rescore_lead(uow, ctx, keep, f"merged {duplicate.ref}")  # the duplicate's engagement counts now
    return LeadsMerged(LeadView.of(keep), LeadView.of(duplicate), tuple(filled))


def undo_merge(cmd: UndoMerge, uow: SqlUnitOfWork, ctx: Context) -> MergeUndone:
    """Managers only: the merged lead comes back with its own history, and the
    fields the merge filled are emptied again unless someone changed them since."""
    with uow:
        source = load_lead(uow, ctx, cmd.number, Action.UNDO_MERGE)
        earlier = earlier_result(uow, source.team_id, cmd.request_key, ctx.now)
        if earlier is not None:  # a repeat: the first answer, not "is not merged"
            return MergeUndone(LeadView.of(source), _kept(uow, source.team_id, int(earlier)))
        merge = uow.merges.open_merge_of(source.team_id, source.id or 0)
        if merge is None or source.merged_into is None:
            raise InvalidInput("lead", f"{source.ref} is not merged into another lead.")
        keep = load_lead(uow, ctx, uow.leads.number_of(merge.target_id), Action.UNDO_MERGE)
        before = keep.snapshot()
        for field, value in merge.filled.items():
            if getattr(keep, field) == value:
                setattr(keep, field, None)
        uow.merges.move_history_back(keep.team_id, source.id or 0, keep.id or 0)
        follow_owner(uow, ctx, source)
        source.merged_into, source.duplicate_of = None, keep.id
        keep.updated_at = source.updated_at = ctx.now
        _save_both(uow, keep, source)  # the keeper lets go of filled fields before the source returns
        uow.merges.mark_undone(merge, ctx.actor.user_id, ctx.now)
        settle(uow, source.team_id, cmd.request_key, str(keep.number))
        audit(uow, ctx, "lead.merge_undone", keep, before, {**keep.snapshot(), "restored": source.ref})
        assert keep.id is not None and source.id is not None
        reasons = {keep.id: f"merge of {source.ref} undone", source.id: "merge undone"}
        rescore_leads(uow, keep.team_id, list(reasons), reasons, ctx.now, ctx.config)
        source = uow.leads.by_id(source.team_id, source.id) or source
        keep = uow.leads.by_id(keep.team_id, keep.id) or keep
        uow.commit()
    return MergeUndone(LeadView.of(source), LeadView.of(keep))


def keep_both(cmd: KeepBoth, uow: SqlUnitOfWork, ctx: Context) -> DuplicateDismissed:
    """A repeat of the click says which flag it cleared, as the first did."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.WORK)
        earlier = earlier_result(uow, lead.team_id, cmd.request_key, ctx.now)
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
            settle(uow, lead.team_id, cmd.request_key, flagged.ref)
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
    if CadenceRepository(uow.session).active(keep.team_id, keep.id or 0):
        stop_cadences(uow, ctx, duplicate, f"merged into {keep.ref}, already in a cadence")


def _refuse_merged(*leads: Lead) -> None:
    for lead in leads:
        if lead.merged_into is not None:
            raise InvalidInput("lead", f"{lead.ref} was already merged into another lead.")


def _save_both(uow: SqlUnitOfWork, *leads: Lead) -> None:
    for lead in leads:
        uow.leads.save(lead)
        refresh_match_keys(uow, lead)
