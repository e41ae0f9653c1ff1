"""Returning customers: a contact who shows new interest becomes a new lead, their next cycle."""

from domain.contact import Contact
from domain.lead import Lead, lead_ref
from handlers.results import ContactView
from store.unit_of_work import SqlUnitOfWork


def link_returning_contact(uow: SqlUnitOfWork, lead: Lead) -> ContactView | None:
    """A new lead whose email or phone belongs to a contact is that customer coming back.
    It is linked to the contact and numbered as their next cycle, so funnel numbers count
    a new cycle instead of a second first-time lead (and the converted lead, with its
    deal, stays as it was)."""
    contact = uow.contacts.matching(lead.team_id, email=lead.email, phone=lead.phone)
    if contact is None or contact.id is None:
        return None
    lead.contact_id = contact.id
    lead.cycle = uow.contacts.last_cycle(lead.team_id, contact.id) + 1
    return contact_view(uow, contact)


def is_returning(uow: SqlUnitOfWork, lead: Lead) -> bool:
    return uow.contacts.matching(lead.team_id, email=lead.email, phone=lead.phone) is not None


def contact_view(uow: SqlUnitOfWork, contact: Contact) -> ContactView:
    assert contact.id is not None
    return ContactView(contact.id, contact.name, lead_ref(uow.leads.number_of(contact.lead_id)))


def contact_of(uow: SqlUnitOfWork, lead: Lead) -> ContactView | None:
    contact = uow.contacts.get(lead.team_id, lead.contact_id) if lead.contact_id else None
    return contact_view(uow, contact) if contact else None
