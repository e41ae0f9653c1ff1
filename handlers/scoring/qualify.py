"""Qualification: BANT answers recorded with who and when, history kept."""

from domain.closing.outcomes import require_open
from domain.followups.activity import Activity, ActivityKind
from domain.lead import Lead
from domain.permissions import Action
from domain.scoring.qualification import Qualification, answer, changed, summary
from handlers.commands import OpenQualification, QualifyLead
from handlers.context import Context, audit, load_lead
from handlers.results import LeadQualified, LeadView, QualificationDraft
from handlers.scoring.rescore import rescore_lead
from store.unit_of_work import SqlUnitOfWork


def qualify_lead(cmd: QualifyLead, uow: SqlUnitOfWork, ctx: Context) -> LeadQualified:
    """Answers given replace the latest, the rest carry over; each change is a new record,
    so the history shows how the picture grew. Qualifying does not move the status by
    itself: scoring decides when a lead is qualified (the answers feed the BANT fit rules,
    and crossing SQL qualifies it)."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.WORK)
        latest = uow.qualifications.latest(lead)
        if uow.requests.seen_before(lead.team_id, cmd.request_key, ctx.now):
            return LeadQualified(LeadView.of(lead), latest, (), repeated=True)
        require_open(lead)
        updated = answer(latest, cmd.answers, ctx.actor.user_id, ctx.now)
        changes = changed(latest, updated)
        if changes:
            _record(uow, ctx, lead, latest, updated)
            lead = rescore_lead(uow, ctx, lead, "BANT qualification")
        uow.requests.settle(lead.team_id, cmd.request_key, "qualified")
        uow.commit()
    return LeadQualified(LeadView.of(lead), updated, changes)


def _record(
    uow: SqlUnitOfWork, ctx: Context, lead: Lead, latest: Qualification | None, updated: Qualification
) -> None:
    uow.qualifications.add(lead, updated)
    body = f"Qualification (BANT): {summary(updated)}"
    uow.activities.add(lead, Activity(ActivityKind.SYSTEM, body, ctx.actor.user_id, ctx.now))
    lead.updated_at = ctx.now
    uow.leads.save(lead)
    before = {"bant": latest.answers()} if latest else None
    audit(uow, ctx, "lead.qualified", lead, before, {"bant": updated.answers()})


def open_qualification(cmd: OpenQualification, uow: SqlUnitOfWork, ctx: Context) -> QualificationDraft:
    """The latest answers, for the form; refused up front (before a form opens) when the
    actor may not work the lead or it is closed."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.WORK)
        require_open(lead)
        latest = uow.qualifications.latest(lead)
    return QualificationDraft(LeadView.of(lead), latest)
