"""Export: every lead of a workspace in the public JSON/CSV shape (DESIGN.md)."""

from collections.abc import Iterator
from typing import Any

from domain.lead import lead_ref
from store.unit_of_work import SqlUnitOfWork

EXPORT_FIELDS = (
    "id",
    "name",
    "email",
    "phone",
    "company",
    "title",
    "source",
    "campaign",
    "country",
    "product",
    "status",
    "score",
    "owner",
    "team",
    "created_at",
    "duplicate_of",
    # A returning customer's lead is the contact's next cycle: count people by contact_id,
    # buying cycles by (contact_id, cycle), so a funnel never counts one person twice.
    "contact_id",
    "cycle",
)


def export_leads(uow: SqlUnitOfWork, workspace_id: str) -> Iterator[dict[str, Any]]:
    with uow:
        leads = uow.leads.all(workspace_id)
    number_by_id = {lead.id: lead.number for lead in leads}
    for lead in leads:
        duplicate = number_by_id.get(lead.duplicate_of) if lead.duplicate_of else None
        yield {
            "id": lead.ref,
            "name": lead.name,
            "email": lead.email,
            "phone": lead.phone,
            "company": lead.company,
            "title": lead.title,
            "source": lead.source,
            "campaign": lead.campaign,
            "country": lead.country,
            "product": lead.product,
            "status": str(lead.status),
            "score": lead.score,
            "owner": lead.owner_id,
            "team": lead.sales_team,
            "created_at": lead.created_at.isoformat(),
            "duplicate_of": lead_ref(duplicate) if duplicate else None,
            "contact_id": lead.contact_id,
            "cycle": lead.cycle,
        }
