"""Capture: turn what a rep typed into a clean lead, once."""

from domain.activity import Activity, ActivityKind
from domain.errors import InvalidInput
from domain.lead import PROFILE_FIELDS, Lead
from domain.normalize import clean_name, clean_text, normalize_email, normalize_phone
from domain.permissions import Action, require
from handlers.commands import AddLead
from handlers.context import Context, audit
from handlers.results import LeadCaptured, LeadView
from store.unit_of_work import SqlUnitOfWork


def add_lead(cmd: AddLead, uow: SqlUnitOfWork, ctx: Context) -> LeadCaptured:
    """A rep's new lead is theirs and their team's. The same request twice, or a
    lead whose email is already known, makes no second lead."""
    require(ctx.actor, Action.CAPTURE)
    lead = build_lead(cmd, ctx)
    with uow:
        replay = _replayed(cmd, uow, ctx)
        if replay is not None:
            return replay
        existing = uow.leads.find_by_email(lead.team_id, lead.email) if lead.email else None
        if existing is not None:
            return LeadCaptured(LeadView.of(existing), already_existed=True)
        uow.leads.add(lead)
        uow.activities.add(lead, Activity(ActivityKind.SYSTEM, "Lead captured", ctx.actor.user_id, ctx.now))
        audit(uow, ctx, "lead.captured", lead, after=lead.snapshot())
        if cmd.request_key:
            uow.requests.settle(lead.team_id, cmd.request_key, lead.ref)
        uow.commit()
    return LeadCaptured(LeadView.of(lead))


def build_lead(cmd: AddLead, ctx: Context) -> Lead:
    """Validate and normalise every field before anything is stored."""
    unknown = sorted(set(cmd.fields) - set(PROFILE_FIELDS))
    if unknown:
        raise InvalidInput(unknown[0], f"Unknown field `{unknown[0]}`. Fields: {', '.join(PROFILE_FIELDS)}.")
    profile = {key: clean_text(value, field=key) for key, value in cmd.fields.items()}
    actor = ctx.actor
    lead = Lead(
        team_id=actor.team_id,
        name=clean_name(cmd.name),
        created_at=ctx.now,
        created_by=actor.user_id,
        email=normalize_email(cmd.email),
        phone=normalize_phone(cmd.phone, ctx.config.default_region),
        owner_id=actor.user_id,
        sales_team=actor.sales_teams[0] if actor.sales_teams else None,
        updated_at=ctx.now,
    )
    for key, value in profile.items():
        setattr(lead, key, value)
    return lead


def _replayed(cmd: AddLead, uow: SqlUnitOfWork, ctx: Context) -> LeadCaptured | None:
    if not cmd.request_key:
        return None
    ref = uow.requests.first(ctx.actor.team_id, cmd.request_key, ctx.now)
    if not ref:
        return None
    lead = uow.leads.get(ctx.actor.team_id, int(ref.removeprefix("L-")))
    return LeadCaptured(LeadView.of(lead), already_existed=True) if lead else None
