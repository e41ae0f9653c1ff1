"""Tags and custom fields on a lead after capture: `/lead tag L-42 hot -cold`, `/lead set L-42
industry:retail`. Each change is an edit of the lead (domain/permissions.Action.WORK), with its
audit entry and a timeline line, in the caller's transaction."""

from dataclasses import dataclass

from domain.book.tags import TagChange, applied
from domain.capture.validation import closest
from domain.custom_fields import field_named, read_fields
from domain.errors import InvalidInput
from domain.followups.activity import Activity, ActivityKind
from domain.lead import PROFILE_FIELDS, Lead
from domain.permissions import Action, require
from handlers.commands import SetFields, TagLead
from handlers.context import Context, audit, load_lead
from handlers.results import FieldsSet, LeadTagged, LeadView
from handlers.scoring.rescore import rescore_lead
from store.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class Retagged:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def tag_lead(cmd: TagLead, uow: SqlUnitOfWork, ctx: Context) -> LeadTagged:
    """Adding a tag the lead has, or removing one it lacks, changes nothing: a repeat of the
    same command is harmless."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.WORK)
        done = retag(uow, ctx, lead, TagChange(cmd.add, cmd.remove))
        uow.commit()
    return LeadTagged(LeadView.of(lead, ctx.config.fields), done.added, done.removed)


def retag(uow: SqlUnitOfWork, ctx: Context, lead: Lead, change: TagChange) -> Retagged:
    """Add and remove tags on one lead inside the caller's unit of work (which commits): the
    edit rule checked, an audit entry and a timeline line written when anything changed.
    Bulk tagging calls this once per lead."""
    require(ctx.actor, Action.WORK, lead)
    after = applied(lead.tags, change)
    done = Retagged(
        tuple(t for t in after if t not in lead.tags), tuple(t for t in lead.tags if t not in after)
    )
    if not done.added and not done.removed:
        return done
    before = lead.snapshot()
    lead.tags, lead.updated_at = after, ctx.now
    uow.leads.save(lead)
    uow.activities.add(lead, Activity(ActivityKind.SYSTEM, _tag_line(done), ctx.actor.user_id, ctx.now))
    audit(uow, ctx, "lead.tagged", lead, before, lead.snapshot())
    return done


def _tag_line(done: Retagged) -> str:
    parts = []
    if done.added:
        parts.append(f"Tagged {', '.join(done.added)}")
    if done.removed:
        parts.append(f"{'untagged' if parts else 'Untagged'} {', '.join(done.removed)}")
    return "; ".join(parts)


def set_fields(cmd: SetFields, uow: SqlUnitOfWork, ctx: Context) -> FieldsSet:
    """Each value read as its field's type says (all or nothing: a bad one changes nothing);
    `-` clears a field. The lead is rescored, since rules may look at its fields."""
    values = _read(cmd, ctx)
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.WORK)
        changed = {
            key: (lead.custom.get(key), value)
            for key, value in values.items()
            if lead.custom.get(key) != value
        }
        if changed:
            before = lead.snapshot()
            merged = {**lead.custom, **values}
            lead.custom = {key: value for key, value in merged.items() if value is not None}
            lead.updated_at = ctx.now
            uow.leads.save(lead)
            line = "Set " + "; ".join(_change_text(ctx, key, old, new) for key, (old, new) in changed.items())
            uow.activities.add(lead, Activity(ActivityKind.SYSTEM, line, ctx.actor.user_id, ctx.now))
            audit(uow, ctx, "lead.fields_set", lead, before, lead.snapshot())
            lead = rescore_lead(uow, ctx, lead, f"fields set: {', '.join(changed)}")
        uow.commit()
    return FieldsSet(LeadView.of(lead, ctx.config.fields), tuple(changed))


CLEAR = "-"  # `/lead set L-42 industry:-` empties the field


def _read(cmd: SetFields, ctx: Context) -> dict[str, object]:
    own = tuple(f.key for f in ctx.config.fields)
    for key in cmd.fields:
        if key in own:
            continue
        if key in PROFILE_FIELDS:
            raise InvalidInput(
                key,
                f"`{key}` is a built-in field: `/lead set` changes your own fields "
                f"({', '.join(own) or 'none declared'}).",
            )
        guess = closest(key, own)
        hint = (
            f" Did you mean `{guess}`?"
            if guess
            else f" Your fields: {', '.join(own) or 'none declared in the config'}."
        )
        raise InvalidInput(key, f"Unknown field `{key}`.{hint}")
    cleared = {key: None for key, value in cmd.fields.items() if value == CLEAR}
    given = {key: value for key, value in cmd.fields.items() if key not in cleared}
    return {**read_fields(ctx.config.fields, given), **cleared}


def _change_text(ctx: Context, key: str, old: object, new: object) -> str:
    field = field_named(ctx.config.fields, key)
    shown = field.text if field is not None else str
    return f"{key}: {shown(old) or '—'} → {shown(new) or '—'}"
