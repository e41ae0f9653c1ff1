"""The columns an import understands: one table of what CRM exports write, and the header read
through it. Data, not branches: a header a CRM writes is added by adding a line below.

Headers are compared without case, spaces or punctuation (`header_key`), so `Lead Source`,
`LeadSource` (Salesforce's API names) and `lead_source` (Close) are one entry. The spellings
come from each CRM's own export and import pages: HubSpot (contacts export), Salesforce (Leads
report and Data Loader), Pipedrive (leads and people exports, `Person - `, `Organization - `,
`Lead - ` prefixes), Zoho CRM (Leads module export), Odoo (CRM leads export), Close (leads
export, `primary_contact_*`), Copper (people export), Freshsales (contacts export) and LinkedIn
Lead Gen Forms (the leads CSV of a form)."""

import difflib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from domain.custom_fields import CustomField
from domain.lead import PROFILE

# Canonical field -> the headers that mean it. Fields beyond the lead's own:
#   phone2     a second number (Mobile): the lead's phone when the first is empty, else noted
#   created    when the CRM captured the person: the lead's capture date
#   status     the CRM's status, read into the lifecycle (domain/importing/status.py)
#   owner      a rep's email or name: matched to a Slack user, else routing decides
#   tags       the lead's tags (domain/book/tags.py)
#   notes, email2, deal: kept in the lead's import note
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": (
        "Name", "Full Name", "Lead Name", "Contact Name", "Contact", "Person Name",
        "Person - Name",  # Pipedrive
        "primary_contact_name",  # Close
    ),
    "first_name": ("First Name", "First", "Given Name", "Forename", "Person - First name"),
    "last_name": ("Last Name", "Last", "Surname", "Family Name", "Person - Last name"),
    "email": (
        "Email", "E-mail", "Email Address", "Mail", "Work Email", "Business Email", "Emails",
        "Primary Email", "Person - Email", "Person - Email - Work",
        "primary_contact_primary_email",  # Close
    ),
    "email2": (
        "Secondary Email", "Personal Email", "Other Email", "Person - Email - Home", "Person - Email - Other",
    ),
    "phone": (
        "Phone", "Phone Number", "Tel", "Telephone", "Work Phone", "Work number", "Business Phone",
        "Primary Phone", "Person - Phone", "Person - Phone - Work",
        "primary_contact_primary_phone",  # Close
    ),
    "phone2": (
        "Mobile", "Mobile Phone", "Mobile Phone Number", "Mobile Number", "Cell", "Cell Phone",
        "Home Phone", "Other Phone", "Person - Phone - Mobile", "Person - Phone - Home",
    ),
    "company": (
        "Company / Account",  # Salesforce Leads report
        "Organization - Name", "Person - Organization",  # Pipedrive
        "Associated Company", "Account name", "Sales accounts", "Company Name",
        "display_name",  # Close: a lead is the company
    ),
    "title": (
        "Designation",  # Zoho
        "Job Position",  # Odoo
        "Person - Job title", "primary_contact_title", "Job title",
    ),
    "website": ("Website URL", "Work Website", "Organization - Website", "url"),
    "country": (
        "Country/Region",  # HubSpot, LinkedIn
        "Country Name", "Organization - Country", "primary_address_country", "Mailing Country",
    ),
    "source": (
        "Original Source",  # HubSpot
        "Lead Source", "LeadSource", "Source", "Lead - Source", "custom.Lead Source", "Source channel",
    ),
    "campaign": ("Campaign", "Campaign Name", "UTM Campaign"),
    "status": (
        "Lead Status", "Status", "Stage", "status_label",
        "Lead - Status",
        "Lifecycle Stage",  # HubSpot's broader stage: read when no Lead Status column says more
    ),
    "owner": (
        "Lead Owner", "Contact owner", "Owner", "Salesperson", "Owned By", "Sales owner",
        "Lead - Owner", "Person - Owner", "OwnerEmail", "Owner Email", "lead_owner", "Assigned To",
    ),
    "created": (
        "Create Date",  # HubSpot, Salesforce
        "Created Date", "CreatedDate", "Created Time",  # Zoho
        "Created on",  # Odoo
        "date_created",  # Close
        "Date Created",  # Copper
        "Created at",  # Freshsales
        "Lead - Lead created", "Lead - Created", "Person - Person created",  # Pipedrive
        "Submitted At", "Date Submitted", "Submission Date",  # LinkedIn Lead Gen Forms
        "Created",
    ),
    "tags": ("Tags", "Tag", "Labels", "Lead - Labels", "Person - Labels"),
    "notes": ("Notes", "Note", "Description", "Details", "Internal Notes", "Person - Note", "Comments"),
    "deal": ("Opportunity", "Lead - Title", "Deal Name"),  # Odoo, Pipedrive: the lead's own title
    # The forecast's expected deal (domain/reporting/forecast.py). Odoo's `Opportunity` is the deal's
    # name (above), its value is `Expected Revenue`.
    "value": (
        "Amount",  # HubSpot deals, Salesforce opportunities
        "Deal value", "Deal - Value", "Lead - Value", "Value",  # Pipedrive
        "Expected Revenue",  # Odoo
        "Opportunity Amount", "Deal Amount", "Expected value", "opportunity_value",  # Close
    ),
    "close": (
        "Close Date", "CloseDate",  # HubSpot, Salesforce
        "Expected Closing",  # Odoo
        "Expected close date", "Deal - Expected close date", "Lead - Expected close date",  # Pipedrive
        "Closing Date",  # Zoho
        "Expected close", "opportunity_date_won", "Close month",
    ),
    "team": ("Team", "Sales Team"),
    "external_id": (
        "External ID", "ID", "Lead ID", "CRM ID", "Record ID", "Record Id", "Contact ID", "Person ID",
        "Lead - ID", "Person - ID", "Copper ID",
    ),
}  # fmt: skip
# Columns the CRMs above write that Leadbot keeps out on purpose: listed as not imported, never
# with a "did you mean" (LinkedIn's "Form Name" is not a misspelt "Forename").
KEPT_OUT = (
    "Form Name", "Lead Type", "LinkedIn Profile URL",  # LinkedIn Lead Gen Forms
    "Contact Type",  # Copper
    "Lifecycle Stage", "Marketing contact status", "Last Activity Date",  # HubSpot
    "Original Source Drill-Down 1", "Original Source Drill-Down 2",
    "Salutation", "Rating", "Industry", "Street", "City", "State/Province", "Zip/Postal Code",
    "No. of Employees", "Annual Revenue",  # Salesforce, Zoho
    "Medium", "Priority",  # Odoo
    "created_by_name", "Time zone",  # Close, Freshsales
)  # fmt: skip
# Pipedrive and others write "<object> - <field>"; what follows the prefix is read as a header
# when the whole header is not in the table (`Person - Title`, `Lead - Campaign`).
PREFIXES = ("Person - ", "Lead - ", "Contact - ")
# An organisation's own columns are not the person's: only these are read.
ORGANIZATION_PREFIX = "Organization - "
NAME_FIELDS = frozenset({"name", "first_name", "last_name", "email"})
SECOND_OF = {"phone": "phone2", "email": "email2"}  # where a second column for a field goes
HINT_CUTOFF = 0.8  # how alike a header must be to a known one to suggest it


def header_key(header: str) -> str:
    """ "E-mail", "e_mail " and "EMAIL" all read as "email"."""
    folded = unicodedata.normalize("NFKC", header).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _table() -> dict[str, tuple[str, str]]:
    """header key -> (field, the header as the table spells it). The profile's own headers
    (domain/lead.PROFILE) are read too; the CRM spellings above come first."""
    table: dict[str, tuple[str, str]] = {}
    for field, headers in (*COLUMNS.items(), *((fact.key, fact.headers) for fact in PROFILE)):
        for header in headers:
            table.setdefault(header_key(header), (field, header))
    return table


_TABLE = _table()
_KEPT_OUT = frozenset(header_key(header) for header in KEPT_OUT)
_RANK = {
    header_key(header): rank
    for headers in (*COLUMNS.values(), *(fact.headers for fact in PROFILE))
    for rank, header in reversed(list(enumerate(headers)))
}


@dataclass(frozen=True, slots=True)
class HeaderMap:
    columns: tuple[str | None, ...]  # canonical field per column, None for one not imported
    skipped: tuple[str, ...]  # one line per column not imported, with a hint when there is one


def map_header(header: Sequence[str], fields: tuple[CustomField, ...] = ()) -> HeaderMap:
    """Each column's field. A second column for a field already taken is never a reason to
    refuse the file: a second phone or email has its own field, anything else is skipped and
    said so. A custom field is named by its key or its label (the workspace declared them,
    so they come before the CRM spellings)."""
    own = {header_key(name): f.key for f in fields for name in (f.key, f.label)}
    columns: list[str | None] = []
    skipped: list[str] = []
    seen: dict[str, str] = {}
    for cell in header:
        label = cell.strip()
        field = own.get(header_key(label)) or field_of(label)
        if field is not None and field in seen:
            field = _second(field, label, seen, columns, skipped)
        if field:
            seen[field] = label
        elif label and field_of(label) is None and header_key(label) not in own:
            skipped.append(_skipped(label))
        columns.append(field)
    return HeaderMap(tuple(columns), tuple(skipped))


def _second(
    field: str, label: str, seen: dict[str, str], columns: list[str | None], skipped: list[str]
) -> str | None:
    """A second column for a field: a second phone or email has its own field; otherwise the
    column the table ranks first is read (HubSpot's `Lead Status` before its `Lifecycle
    Stage`, whichever comes first in the file) and the other is said to be skipped."""
    second = SECOND_OF.get(field)
    if second is not None and second not in seen:
        return second
    what = {"phone2": "second phone", "email2": "second email"}.get(field, field.replace("_", " "))
    if _rank(label) < _rank(seen[field]):
        columns[columns.index(field)] = None
        skipped.append(f"`{seen[field]}`: `{label}` gives the {what}")
        return field
    skipped.append(f"`{label}`: `{seen[field]}` gives the {what}")
    return None


def _rank(header: str) -> int:
    """Where the table lists a header among its field's (prefixed ones by what follows)."""
    key = header_key(header)
    if key in _RANK:
        return _RANK[key]
    prefix = next((p for p in PREFIXES if header.startswith(p)), None)
    return _rank(header[len(prefix) :]) if prefix else len(_RANK)


def field_of(header: str) -> str | None:
    """The field a header means, or None."""
    key = header_key(header)
    if key in _TABLE:
        return _TABLE[key][0]
    for prefix in PREFIXES:
        if header.startswith(prefix):
            return field_of(header[len(prefix) :])
    return None


def has_name_or_email(columns: Sequence[str | None]) -> bool:
    return bool(NAME_FIELDS & set(columns))


def _skipped(label: str) -> str:
    hint = _hint(label)
    return f"`{label}`: not imported" + (f" (did you mean `{hint}`?)" if hint else "")


def _hint(label: str) -> str | None:
    """The known header this one looks like a misspelling of."""
    key = header_key(label)
    if label.startswith(ORGANIZATION_PREFIX) or len(key) < 4 or key in _KEPT_OUT:
        return None
    close = difflib.get_close_matches(key, _TABLE.keys(), n=1, cutoff=HINT_CUTOFF)
    return _TABLE[close[0]][1] if close else None
