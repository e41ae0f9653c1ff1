"""Export: every lead of a workspace in the public JSON/CSV shape (DESIGN.md)."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from domain.custom_fields import CustomField
from domain.lead import PROFILE_FIELDS, Lead, lead_ref
from store.unit_of_work import SqlUnitOfWork

EXPORT_FIELDS = (
    "id",
    "name",
    "email",
    "phone",
    *PROFILE_FIELDS,  # every field a person may set, so an exported row can be posted back
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
    "tags",  # a list in JSON; "hot, enterprise" in CSV, as an import's Tags column reads it
    # When the person unsubscribed (ISO 8601, UTC), or null: whoever uses the export for a
    # mailing must leave them out.
    "do_not_contact_since",
)


def export_fields(fields: tuple[CustomField, ...] = ()) -> tuple[str, ...]:
    """The export's columns: the fixed ones, then each custom field by its key."""
    return (*EXPORT_FIELDS, *(f.key for f in fields))


def csv_cells(row: dict[str, Any], fields: tuple[CustomField, ...] = ()) -> list[Any]:
    """A JSON row as CSV cells: tags joined, custom values as people write them (yes, 250)."""
    cells: list[Any] = [row[key] for key in EXPORT_FIELDS]
    cells[EXPORT_FIELDS.index("tags")] = ", ".join(row["tags"])
    return cells + [f.text(row[f.key]) for f in fields]


def export_leads(
    uow: SqlUnitOfWork, workspace_id: str, fields: tuple[CustomField, ...] = ()
) -> Iterator[dict[str, Any]]:
    """Live leads only: a merged-away lead is one person counted twice (DESIGN.md)."""
    with uow:
        leads = uow.leads.all(workspace_id)
    number_of = _live_numbers(leads)
    for lead in leads:
        if lead.merged_into is not None:
            continue
        yield {
            "id": lead.ref,
            "name": lead.name,
            "email": lead.email,
            "phone": lead.phone,
            **lead.profile(),
            "status": str(lead.status),
            "score": lead.score,
            "owner": lead.owner_id,
            "team": lead.sales_team,
            "created_at": lead.created_at.isoformat(),
            "duplicate_of": _flagged_as(lead, number_of),
            "contact_id": lead.contact_id,
            "cycle": lead.cycle,
            "tags": list(lead.tags),
            "do_not_contact_since": _iso(lead.do_not_contact_at),
            **{f.key: lead.custom.get(f.key) for f in fields},
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _flagged_as(lead: Lead, live_number: dict[int | None, int]) -> str | None:
    """The live lead this one was flagged alike: the one named, or the one that lead was
    merged into since (none when that is this lead itself)."""
    number = live_number.get(lead.duplicate_of) if lead.duplicate_of else None
    return lead_ref(number) if number and number != lead.number else None


def _live_numbers(leads: list[Lead]) -> dict[int | None, int]:
    """Each lead's id to the number of the live lead that holds it now (itself, or the end of
    its merges), so a flag on a lead merged since names a lead the export lists."""
    by_id = {lead.id: lead for lead in leads}
    numbers = {}
    for lead in leads:
        end, hops = lead, 0
        while end.merged_into is not None and end.merged_into in by_id and hops < len(by_id):
            end, hops = by_id[end.merged_into], hops + 1
        if end.merged_into is None:
            numbers[lead.id] = end.number
    return numbers
