"""Returning customers: a contact who shows new interest becomes a new lead, their next cycle."""

from domain.capture.contact import Contact, contact_from
from domain.errors import InvalidInput
from domain.followups.activity import Activity, ActivityKind
from domain.lead import Lead, lead_ref
from domain.matching.identity import phone_identifies
from domain.permissions import Action
from handlers.commands import LinkReturning
from handlers.context import Context, audit, load_lead
from handlers.results import ContactView, LeadView, ReturningLinked
from store.unit_of_work import SqlUnitOfWork


def link_returning_contact(uow: SqlUnitOfWork, lead: Lead) -> ContactView | None:
    """A new lead whose email or phone belongs to a contact is that customer coming back.
    It is linked to the contact and numbered as their next cycle, so funnel numbers count
    a new cycle instead of a second first-time lead (and the converted lead, with its
    deal, stays as it was)."""
    contact = returning_contact(uow, lead)
    if contact is None or contact.id is None:
        return None
    lead.contact_id = contact.id
    lead.cycle = uow.contacts.last_cycle(lead.team_id, contact.id) + 1
    return contact_view(uow, contact)


def new_contact(uow: SqlUnitOfWork, ctx: Context, lead: Lead) -> Contact:
    """The customer a won lead makes (a conversion in Slack, a closed-won row of an import),
    with its audit entry in the same transaction."""
    contact = uow.contacts.add(contact_from(lead, ctx.actor.user_id, ctx.now))
    after = {
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "company": contact.company,
        "lead_id": contact.lead_id,
    }
    uow.audit.record(
        team_id=contact.team_id,
        actor_id=ctx.actor.user_id,
        action="contact.created",
        entity="contact",
        entity_ref=f"contact:{contact.id}",
        at=ctx.now,
        after=after,
    )
    return contact


def is_returning(uow: SqlUnitOfWork, lead: Lead) -> bool:
    return returning_contact(uow, lead) is not None


def returning_contact(uow: SqlUnitOfWork, lead: Lead) -> Contact | None:
    """The customer a new lead is, by the one identity rule (domain.matching.identity): their email,
    else their phone when nothing says the lead is someone else on that line (a colleague
    at the customer's switchboard is a new person, not the customer back)."""
    contact = uow.contacts.matching(lead.team_id, email=lead.email, phone=None)
    if contact is not None or not lead.phone:
        return contact
    phone = lead.phone
    contact = uow.contacts.matching(lead.team_id, email=None, phone=phone)
    if contact is not None and phone_identifies(lead.name, lead.email, contact.name, contact.email, phone):
        return contact
    return None


def contact_view(uow: SqlUnitOfWork, contact: Contact) -> ContactView:
    assert contact.id is not None
    return ContactView(contact.id, contact.name, lead_ref(uow.leads.number_of(contact.lead_id)))


def contact_of(uow: SqlUnitOfWork, lead: Lead) -> ContactView | None:
    contact = uow.contacts.get(lead.team_id, lead.contact_id) if lead.contact_id else None
    return contact_view(uow, contact) if contact else None


def link_to_customer(cmd: LinkReturning, uow: SqlUnitOfWork, ctx: Context) -> ReturningLinked:
    """The rep's answer to "looks like a customer's lead": this is that customer back (a new
    email or phone, so capture could not tell). The lead becomes the contact's next cycle and
    stops being flagged; the customer's won lead and its deal stay as they were."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.WORK)
        linked = uow.contacts.get(lead.team_id, lead.contact_id) if lead.contact_id else None
        if linked is not None:
            return ReturningLinked(LeadView.of(lead), contact_view(uow, linked), already_done=True)
        contact = _customer_flagged_for(uow, lead)
        assert contact.id is not None
        before = lead.snapshot()
        lead.contact_id = contact.id
        lead.cycle = uow.contacts.last_cycle(lead.team_id, contact.id) + 1
        lead.duplicate_of, lead.updated_at = None, ctx.now
        uow.leads.save(lead)
        view = contact_view(uow, contact)
        note = (
            f"Linked to returning customer {contact.name} (contact of {view.first_lead}): cycle {lead.cycle}"
        )
        uow.activities.add(lead, Activity(ActivityKind.SYSTEM, note, ctx.actor.user_id, ctx.now))
        audit(uow, ctx, "lead.linked_to_contact", lead, before, lead.snapshot())
        uow.commit()
    return ReturningLinked(LeadView.of(lead), view)


def _customer_flagged_for(uow: SqlUnitOfWork, lead: Lead) -> Contact:
    """The contact of the lead this one is flagged as a likely duplicate of."""
    original = uow.leads.by_id(lead.team_id, lead.duplicate_of) if lead.duplicate_of else None
    contact = (
        uow.contacts.get(lead.team_id, original.contact_id) if original and original.contact_id else None
    )
    if contact is None:
        raise InvalidInput(
            "lead",
            f"{lead.ref} is not flagged as alike a customer's lead: merge it or keep both instead.",
        )
    return contact
