"""Closing: convert a lead into a contact and a deal, lose it with a reason, reopen it."""

from collections.abc import Callable

from domain import events
from domain.capture.contact import Contact
from domain.closing import outcomes as closing
from domain.followups.activity import Activity, ActivityKind
from domain.lead import Lead
from domain.lifecycle import LeadStatus, check_transition
from domain.permissions import Action
from handlers.capture.cycles import contact_of, new_contact
from handlers.commands import ConvertLead, LoseLead, ReopenLead
from handlers.context import Context, audit, load_lead
from handlers.nurture import cadences as nurture
from handlers.results import LeadClosed, LeadView
from store.unit_of_work import SqlUnitOfWork

# What a close does to the lead, given the unit of work: returns the timeline entry.
Change = Callable[[SqlUnitOfWork, Lead], str]


def convert_lead(cmd: ConvertLead, uow: SqlUnitOfWork, ctx: Context) -> LeadClosed:
    """The person becomes a contact (the same one if they bought before) and the lead
    carries the deal; its timeline, answers and history stay where they are. Any open lead
    converts, `new` included: then the conversion is its first contact (speed to lead)."""

    def change(uow: SqlUnitOfWork, lead: Lead) -> str:
        check_transition(lead.status, LeadStatus.CONVERTED)  # before a contact is made
        contact = _contact_for(uow, ctx, lead)
        assert contact.id is not None
        closing.convert(lead, value=cmd.value, product=cmd.product, contact_id=contact.id, now=ctx.now)
        uow.sla.converted(lead, ctx.now)
        deal = f" a deal of {lead.deal_value:,}" if lead.deal_value is not None else ""
        product = f" for {lead.deal_product}" if lead.deal_product else ""
        return f"Converted{deal}{product}"

    return _close(uow, ctx, cmd.number, cmd.request_key, "converted", change)


def lose_lead(cmd: LoseLead, uow: SqlUnitOfWork, ctx: Context) -> LeadClosed:
    """Lost with one of the configured reasons; "other" needs a note saying why."""

    def change(uow: SqlUnitOfWork, lead: Lead) -> str:
        reasons = ctx.config.lost_reasons
        closing.mark_lost(lead, reason=cmd.reason, note=cmd.note, reasons=reasons, now=ctx.now)
        return f"Lost: {lead.lost_reason}" + (f" ({lead.lost_note})" if lead.lost_note else "")

    return _close(uow, ctx, cmd.number, cmd.request_key, "lost", change)


def reopen_lead(cmd: ReopenLead, uow: SqlUnitOfWork, ctx: Context) -> LeadClosed:
    """A lost lead comes back to work; why it was lost stays in the timeline."""

    def change(uow: SqlUnitOfWork, lead: Lead) -> str:
        was = f"lost: {lead.lost_reason}" if lead.lost_reason else "lost"
        closing.reopen(lead, cmd.status, ctx.now)
        return f"Reopened as {lead.status} (was {was})"

    return _close(uow, ctx, cmd.number, cmd.request_key, "reopened", change)


def _close(
    uow: SqlUnitOfWork, ctx: Context, number: int, key: str | None, action: str, change: Change
) -> LeadClosed:
    """Load with the close permission, answer a repeat with the lead as it is, else change
    it and record the change in the timeline and audit log in one transaction."""
    with uow:
        lead = load_lead(uow, ctx, number, Action.CLOSE)
        if uow.requests.seen_before(lead.team_id, key, ctx.now):
            return LeadClosed(LeadView.of(lead), action, contact_of(uow, lead), repeated=True)
        before = lead.snapshot()
        body = change(uow, lead)
        uow.leads.save(lead)
        uow.activities.add(lead, Activity(ActivityKind.SYSTEM, body, ctx.actor.user_id, ctx.now))
        audit(uow, ctx, f"lead.{action}", lead, before, lead.snapshot())
        uow.refresh_homes(lead.team_id, (lead.owner_id, *ctx.config.overseers(lead.sales_team)), ctx.now)
        nurture.on_closed(uow, ctx, lead, action)
        uow.requests.settle(lead.team_id, key, action)
        uow.record(_event(lead, action))
        result = LeadClosed(LeadView.of(lead), action, contact_of(uow, lead))
        uow.commit()
    return result


def _event(lead: Lead, action: str) -> events.Event:
    assert lead.id is not None
    if action == "reopened":
        return events.LeadReopened(lead.team_id, lead.id)
    return events.LeadClosed(lead.team_id, lead.id, action)


def _contact_for(uow: SqlUnitOfWork, ctx: Context, lead: Lead) -> Contact:
    """A returning customer's lead converts into the contact they already are."""
    known = uow.contacts.get(lead.team_id, lead.contact_id) if lead.contact_id else None
    if known is not None:
        return known
    return new_contact(uow, ctx, lead)
