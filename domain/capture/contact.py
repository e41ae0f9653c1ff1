"""A contact: a person who bought. Made when a lead converts; their next interest is a new lead."""

from dataclasses import dataclass, field
from datetime import datetime

from domain.lead import Lead


@dataclass(slots=True)
class Contact:
    team_id: str
    name: str
    lead_id: int  # the lead that converted first
    created_by: str
    created_at: datetime
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    id: int | None = field(default=None, compare=False)


def contact_from(lead: Lead, by: str, now: datetime) -> Contact:
    assert lead.id is not None, "a stored lead converts"
    return Contact(
        team_id=lead.team_id,
        name=lead.name,
        lead_id=lead.id,
        created_by=by,
        created_at=now,
        email=lead.email,
        phone=lead.phone,
        company=lead.company,
    )
