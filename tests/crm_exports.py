"""The CRM export fixtures: each CRM's own headers, date forms, encoding and CSV dialect, written
from tests/crm_people.py. `python tests/crm_exports.py` rewrites tests/fixtures/crm/ (a test
checks the files there are what this module writes).

Every file also has: a person twice (the second row updates the first's lead), a row with
neither name nor email (rejected), a phone nobody can read (the lead is kept, without it), and
Claire's colleague on the same switchboard number."""

import csv
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from crm_people import PEOPLE, WESTERN, Person, created  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "crm"
EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)
Row = dict[str, str]


@dataclass(frozen=True)
class Export:
    crm: str
    file: str
    header: tuple[str, ...]
    row: Callable[[int, Person, "Export"], Row]
    people: tuple[Person, ...] = PEOPLE
    delimiter: str = ","
    encoding: str = "utf-8"
    line_end: str = "\r\n"
    statuses: tuple[tuple[str, str], ...] = ()  # (as the CRM writes it, the lifecycle it means)
    sources: tuple[str, ...] = ("",)
    date_precision: str = "minute"  # or "day": what the file's created dates hold
    extra: dict[str, str] = field(default_factory=dict)  # values every row carries

    def status(self, index: int) -> str:
        return self.statuses[index % len(self.statuses)][0] if self.statuses else ""

    def expected_status(self, index: int) -> str:
        return self.statuses[index % len(self.statuses)][1] if self.statuses else "new"

    def source(self, index: int) -> str:
        return self.sources[index % len(self.sources)]

    def rows(self) -> list[Row]:
        """The people, then: one again with a new title, one nobody, one unreadable phone."""
        rows = [self.row(i, person, self) for i, person in enumerate(self.people)]
        again = dict(rows[1])
        again[self.title_column] = "Board Member"
        nobody = {column: "" for column in self.header}
        nobody[self.company_column] = "Nobody Ltd"
        unreadable = self.row(len(self.people), UNREADABLE, self)
        return [*rows, again, nobody, unreadable]

    @property
    def title_column(self) -> str:
        return next(c for c in self.header if c in TITLE_COLUMNS)

    @property
    def company_column(self) -> str:
        return next(c for c in self.header if c in COMPANY_COLUMNS)

    def text(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, self.header, delimiter=self.delimiter, lineterminator=self.line_end)
        writer.writeheader()
        writer.writerows({**row} for row in self.rows())
        return out.getvalue()

    def data(self) -> bytes:
        text = self.text()
        if self.encoding == "utf-8-sig":
            return "\ufeff".encode() + text.encode()
        return text.encode(self.encoding)


UNREADABLE = Person(
    "Pat",
    "Unreadable",
    "pat@unreadable.example",
    "United States",
    "US",
    "call reception",
    "",
    "Nowhere Inc",
    "Buyer",
)
TITLE_COLUMNS = {
    "Job Title",
    "Title",
    "Person - Job title",
    "Designation",
    "Job Position",
    "primary_contact_title",
    "Job title",
}
COMPANY_COLUMNS = {
    "Company Name",
    "Company / Account",
    "Organization - Name",
    "Company",
    "display_name",
    "Account name",
}
TAGS = ("hot, enterprise", "", "webinar", "")


def us_time(when: datetime) -> str:
    """Salesforce reports in a US locale: 3/15/2024 10:26 AM."""
    return f"{when.month}/{when.day}/{when.year} {when.strftime('%I:%M %p').lstrip('0')}"


def excel_serial(when: datetime) -> str:
    """A date column Excel turned into numbers when the file was re-saved."""
    return f"{(when - EXCEL_EPOCH).total_seconds() / 86400:.6f}"


def hubspot(i: int, p: Person, e: "Export") -> Row:
    when = created(i)
    return {
        "Record ID": str(51000 + i),
        "First Name": p.first,
        "Last Name": p.last,
        "Email": p.email,
        "Phone Number": p.phone,
        "Mobile Phone Number": "",
        "Company Name": p.company,
        "Job Title": p.title,
        "Country/Region": p.country,
        "City": "",
        "Original Source": e.source(i),
        "Original Source Drill-Down 1": "",
        "Lifecycle Stage": "Lead",
        "Lead Status": e.status(i),
        "Contact owner": "",
        "Create Date": when.strftime("%Y-%m-%d %H:%M"),
        "Last Activity Date": "",
        "Marketing contact status": "Marketing contact",
    }


def salesforce(i: int, p: Person, e: "Export") -> Row:
    return {
        "Lead ID": f"00Q5g00000{i:05d}AAA",
        "Salutation": "",
        "First Name": p.first,
        "Last Name": p.last,
        "Title": p.title,
        "Company / Account": p.company,
        "Email": p.email,
        "Phone": p.phone,
        "Mobile": f"+1 415 555 {i:04d}" if i % 3 == 0 else "",
        "Website": "",
        "Street": "",
        "City": "",
        "State/Province": "",
        "Zip/Postal Code": "",
        "Country": p.country,
        "Lead Source": e.source(i),
        "Lead Status": e.status(i),
        "Rating": "Warm",
        "Industry": "",
        "Lead Owner": "Ann Lee",
        "Create Date": us_time(created(i)),
    }


def pipedrive(i: int, p: Person, e: "Export") -> Row:
    # No country column: phones are read in the country of the email's domain (.fr, .co.uk...).
    return {
        "Lead - Title": f"{p.company} lead",
        "Lead - Owner": "",
        "Lead - Source": e.source(i),
        "Lead - Labels": TAGS[i % len(TAGS)],
        "Lead - Lead created": created(i).strftime("%Y-%m-%d %H:%M:%S"),
        "Person - Name": p.name,
        "Person - Email": p.email,
        "Person - Phone": p.phone,
        "Person - Job title": p.title,
        "Organization - Name": p.company,
        "Organization - Address": "",
    }


def zoho(i: int, p: Person, e: "Export") -> Row:
    # A German Excel re-saved it: semicolons, and dates with the day first.
    return {
        "Record Id": f"zcrm_4876000000{i:06d}",
        "Lead Owner": "",
        "Salutation": "",
        "First Name": p.first,
        "Last Name": p.last,
        "Company": p.company,
        "Designation": p.title,
        "Email": p.email,
        "Secondary Email": "",
        "Phone": p.phone,
        "Mobile": "",
        "Website": "",
        "Lead Source": e.source(i),
        "Lead Status": e.status(i),
        "Industry": "",
        "No. of Employees": "",
        "Annual Revenue": "",
        "Country": p.country,
        "Tag": TAGS[i % len(TAGS)],
        "Description": p.notes,
        "Created Time": created(i).strftime("%d.%m.%Y %H:%M"),
    }


def odoo(i: int, p: Person, e: "Export") -> Row:
    return {
        "ID": f"__export__.crm_lead_{i + 12}_{i * 7919 % 100000:05x}",
        "Opportunity": f"{p.company}: Pro plan",
        "Contact Name": p.name,
        "Company Name": p.company,
        "Email": p.email,
        "Phone": p.phone,
        "Mobile": "",
        "Salesperson": "",
        "Sales Team": "Sales",
        "Stage": e.status(i),
        "Tags": TAGS[i % len(TAGS)],
        "Created on": created(i).strftime("%Y-%m-%d %H:%M:%S"),
        "Country": p.country,
        "Source": e.source(i),
        "Medium": "Email",
        "Campaign": "Spring launch",
        "Website": "",
        "Job Position": p.title,
        "Priority": "Medium",
        "Internal Notes": p.notes,
    }


def close(i: int, p: Person, e: "Export") -> Row:
    when = created(i)
    return {
        "id": f"lead_{i:04d}abcdEFGH",
        "display_name": p.company,
        "status_label": e.status(i),
        "url": "",
        "description": p.notes,
        "date_created": when.isoformat(timespec="microseconds"),
        "created_by_name": "Mia Manager",
        "primary_contact_name": p.name,
        "primary_contact_title": p.title,
        "primary_contact_primary_email": p.email,
        "primary_contact_primary_phone": p.phone,
        "primary_address_country": p.code,
        "custom.Lead Source": e.source(i),
    }


def copper(i: int, p: Person, e: "Export") -> Row:
    return {
        "Name": p.name,
        "First Name": p.first,
        "Last Name": p.last,
        "Title": p.title,
        "Company": p.company,
        "Work Email": p.email,
        "Work Phone": p.phone,
        "Mobile Phone": "",
        "Work Website": "",
        "Country": p.country,
        "Tags": TAGS[i % len(TAGS)],
        "Source": e.source(i),
        "Status": e.status(i),
        "Owned By": "",
        "Contact Type": "Potential Customer",
        "Date Created": excel_serial(created(i)),
        "Details": p.notes,
    }


def freshsales(i: int, p: Person, e: "Export") -> Row:
    return {
        "Id": str(16000 + i),
        "First name": p.first,
        "Last name": p.last,
        "Job title": p.title,
        "Emails": p.email,
        "Work number": p.phone,
        "Mobile number": "",
        "Account name": p.company,
        "Sales owner": "",
        "Lead source": e.source(i),
        "Campaign": "Q3 outbound",
        "Status": e.status(i),
        "Tags": TAGS[i % len(TAGS)],
        "Country": p.country,
        "Created at": created(i).strftime("%d/%m/%Y %H:%M"),
        "Time zone": "",
    }


def linkedin(i: int, p: Person, e: "Export") -> Row:
    return {
        "First Name": p.first,
        "Last Name": p.last,
        "Email Address": p.email,
        "Phone Number": p.phone,
        "Company Name": p.company,
        "Job Title": p.title,
        "Country/Region": p.country,
        "LinkedIn Profile URL": f"https://www.linkedin.com/in/person-{i}",
        "Campaign Name": "EMEA ABM 2025",
        "Form Name": "Request a demo",
        "Lead Type": "Sponsored",
        "Submitted At": created(i).date().isoformat(),
    }


def _export(crm: str, file: str, row: Callable[[int, Person, Export], Row], **kwargs: object) -> Export:
    export = Export(crm, file, (), row, **kwargs)  # type: ignore[arg-type]
    return replace(export, header=tuple(row(0, PEOPLE[0], export)))


HUBSPOT = _export(
    "HubSpot",
    "hubspot-contacts.csv",
    hubspot,
    encoding="utf-8-sig",
    sources=("Organic Search", "Paid Social", "Offline Sources", "Referrals", "Direct Traffic"),
    statuses=(
        ("New", "new"),
        ("Open", "new"),
        ("In Progress", "contacted"),
        ("Attempted to contact", "contacted"),
        ("Connected", "contacted"),
        ("Bad Timing", "nurturing"),
        ("Unqualified", "nurturing"),
    ),
)
SALESFORCE = _export(
    "Salesforce",
    "salesforce-leads-report.csv",
    salesforce,
    sources=("Web", "Phone Inquiry", "Partner Referral", "Trade Show", "Purchased List"),
    statuses=(
        ("Open - Not Contacted", "new"),
        ("Working - Contacted", "contacted"),
        ("Closed - Converted", "converted"),
        ("Closed - Not Converted", "lost"),
    ),
)
PIPEDRIVE = _export(
    "Pipedrive",
    "pipedrive-leads.csv",
    pipedrive,
    line_end="\n",
    sources=("Web forms", "Prospector", "Import", "Live chat"),
)
ZOHO = _export(
    "Zoho",
    "zoho-leads.csv",
    zoho,
    delimiter=";",
    sources=("Advertisement", "Cold Call", "Employee Referral", "Online Store", "Trade Show"),
    statuses=(
        ("Not Contacted", "new"),
        ("Attempted to Contact", "contacted"),
        ("Contact in Future", "nurturing"),
        ("Pre-Qualified", "qualified"),
        ("Junk Lead", "lost"),
    ),
)
ODOO = _export(
    "Odoo",
    "odoo-crm-leads.csv",
    odoo,
    line_end="\n",
    sources=("Search engine", "Newsletter", "Facebook", "LinkedIn"),
    statuses=(("New", "new"), ("Qualified", "qualified"), ("Proposition", "qualified"), ("Won", "converted")),
)
CLOSE = _export(
    "Close",
    "close-leads.csv",
    close,
    sources=("Inbound", "Outbound", "Referral"),
    statuses=(
        ("Potential", "new"),
        ("Qualified", "qualified"),
        ("Bad Fit", "lost"),
        ("Customer", "converted"),
    ),
)
COPPER = _export(
    "Copper",
    "copper-people.csv",
    copper,
    sources=("Website", "Email", "Phone", "Trade show"),
    statuses=(("Open", "new"), ("Unqualified", "nurturing"), ("Junk", "lost")),
)
FRESHSALES = _export(
    "Freshsales",
    "freshsales-contacts.txt",
    freshsales,
    delimiter="\t",
    encoding="utf-16",
    sources=("Organic search", "Web form", "Chat", "Email"),
    statuses=(("New", "new"), ("Contacted", "contacted"), ("Interested", "contacted"), ("Won", "converted")),
)
LINKEDIN = _export(
    "LinkedIn Lead Gen Forms",
    "linkedin-lead-gen.csv",
    linkedin,
    encoding="cp1252",
    people=WESTERN,
    date_precision="day",
)
EXPORTS = (HUBSPOT, SALESFORCE, PIPEDRIVE, ZOHO, ODOO, CLOSE, COPPER, FRESHSALES, LINKEDIN)


def write_all(folder: Path = FIXTURES) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for export in EXPORTS:
        (folder / export.file).write_bytes(export.data())


if __name__ == "__main__":
    write_all()
