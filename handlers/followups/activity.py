"""Tracking: notes and logged calls, emails and meetings on a lead's timeline."""

from dataclasses import replace
from datetime import datetime

from domain.capture.normalize import clean_text
from domain.followups.activity import Activity, ActivityKind
from domain.lead import Lead
from domain.lifecycle import LeadStatus
from domain.permissions import Action
from handlers.commands import AddNote, LogActivity
from handlers.context import Context, audit, load_lead
from handlers.nurture import cadences as nurture
from handlers.results import ActivityAdded, LeadView
from handlers.scoring.rescore import count_engagement
from store.unit_of_work import SqlUnitOfWork


def add_note(cmd: AddNote, uow: SqlUnitOfWork, ctx: Context) -> ActivityAdded:
    """A repeat of the same request (same request key) adds no second note."""
    note = Activity(ActivityKind.NOTE, _body(cmd.text), ctx.actor.user_id, ctx.now)
    return _record(uow, ctx, cmd.number, note, cmd.request_key)


def log_activity(cmd: LogActivity, uow: SqlUnitOfWork, ctx: Context) -> ActivityAdded:
    """Logging a touch on a new lead marks it contacted: the rep has reached out.
    A double click (same request key) logs it once."""
    activity = Activity(cmd.kind, _body(cmd.text), ctx.actor.user_id, ctx.now)
    return _record(uow, ctx, cmd.number, activity, cmd.request_key)


def _body(text: str) -> str:
    return clean_text(text, field="text", limit=4000) or ""


def _record(
    uow: SqlUnitOfWork,
    ctx: Context,
    number: int,
    activity: Activity,
    request_key: str | None = None,
) -> ActivityAdded:
    with uow:
        lead = load_lead(uow, ctx, number, Action.WORK)
        earlier = uow.requests.first(lead.team_id, request_key, ctx.now)
        if earlier is not None:
            return ActivityAdded(LeadView.of(lead), _as_recorded(activity, earlier), already_recorded=True)
        uow.activities.add(lead, activity)
        before = lead.snapshot()
        _mark_contacted(lead, activity.kind, ctx)
        uow.leads.save(lead)
        nurture.on_activity(uow, ctx, lead, activity.kind)
        uow.sla.touched(lead, ctx.actor.user_id, ctx.now)
        audit(uow, ctx, f"activity.{activity.kind}", lead, before, lead.snapshot())
        uow.requests.settle(
            lead.team_id, request_key, f"activity:{activity.kind}@{activity.created_at.isoformat()}"
        )
        lead = count_engagement(uow, ctx, lead, activity)
        uow.commit()
    return ActivityAdded(LeadView.of(lead), activity)


def _as_recorded(activity: Activity, earlier: str) -> Activity:
    """The activity as the first request recorded it: a repeat answers with its time."""
    _, marked, recorded_at = earlier.partition("@")
    return replace(activity, created_at=datetime.fromisoformat(recorded_at)) if marked else activity


def _mark_contacted(lead: Lead, kind: ActivityKind, ctx: Context) -> None:
    if kind is not ActivityKind.NOTE and lead.status is LeadStatus.NEW:
        lead.move_to(LeadStatus.CONTACTED, ctx.now)
    else:
        lead.updated_at = ctx.now
