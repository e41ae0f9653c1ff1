"""Rows for an import: CSV text read through header aliases, each row made the AddLead every
channel sends, then cleaned, enriched and keyed. Text in, leads out: where the text came
from (a file, a Slack upload) is the caller's."""

import csv
import io
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from domain.dedupe import blocking_keys
from domain.errors import InvalidInput
from domain.lead import PROFILE, PROFILE_FIELDS, Lead
from handlers.capture import build_lead
from handlers.commands import AddLead, CaptureChannel
from handlers.context import Context
from handlers.matching import match_record
from handlers.validation import explain, field_of

# Canonical field -> the headers that mean it, compared without case, spaces or punctuation
# (the profile's fields declare theirs: domain/lead.PROFILE).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("Name", "Full Name", "Lead Name", "Contact Name", "Contact"),
    "first_name": ("First Name", "First", "Given Name", "Forename"),
    "last_name": ("Last Name", "Last", "Surname", "Family Name"),
    "email": ("Email", "E-mail", "Email Address", "Mail", "Work Email", "Business Email"),
    "phone": (
        "Phone",
        "Phone Number",
        "Mobile",
        "Mobile Phone",
        "Mobile Number",
        "Tel",
        "Telephone",
        "Cell",
        "Cell Phone",
        "Work Phone",
    ),
    **{fact.key: fact.headers for fact in PROFILE},
    "team": ("Team", "Sales Team"),
    "external_id": ("External ID", "ID", "Lead ID", "CRM ID", "Record ID"),
}
DELIMITERS = ",;\t|"
FIRST_DATA_ROW = 2  # rows are numbered as a spreadsheet shows them: the header is row 1


def header_key(header: str) -> str:
    """ "E-mail", "e_mail " and "EMAIL" all read as "email"."""
    folded = unicodedata.normalize("NFKC", header).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


_FIELD_OF = {header_key(alias): field for field, aliases in HEADER_ALIASES.items() for alias in aliases}


class UnreadableCsv(Exception):
    """The text is not a CSV file we can import; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class ImportRow:
    number: int  # as a spreadsheet shows it (header = row 1)
    values: Mapping[str, str]  # canonical field -> text as written
    extra: int = 0  # non-empty cells beyond the header's columns


@dataclass(frozen=True, slots=True)
class CsvLayout:
    delimiter: str
    columns: tuple[str | None, ...]  # canonical field per column, None for an ignored one
    ignored: tuple[str, ...]  # headers we do not know, as written
    rows: int  # data rows, blank ones included


def decode(data: bytes) -> str:
    """UTF-8 text, with or without the byte-order mark Excel writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableCsv(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02X} at offset {exc.start}). "
            'Save it as "CSV UTF-8" and import it again.'
        ) from exc


def read_layout(text: str) -> CsvLayout:
    """Check the whole text once before anything is written: header, fields, row count."""
    delimiter = _sniff(text)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise UnreadableCsv("The file is empty: it needs a header row, e.g. `Name,Email,Company`.")
    columns, ignored = _map_header(header)
    try:
        rows = sum(1 for _ in reader)
    except csv.Error as exc:
        raise UnreadableCsv(f"Row {reader.line_num} is not valid CSV: {exc}.") from exc
    return CsvLayout(delimiter, columns, ignored, rows)


def read_rows(text: str, layout: CsvLayout) -> Iterator[ImportRow]:
    """The data rows, skipping blank ones."""
    reader = csv.reader(_lines(text), delimiter=layout.delimiter)
    next(reader, None)
    width = len(layout.columns)
    for number, cells in enumerate(reader, start=FIRST_DATA_ROW):
        if not any(cell.strip() for cell in cells):
            continue
        values = {field: cell for field, cell in zip(layout.columns, cells, strict=False) if field and cell}
        yield ImportRow(number, values, sum(1 for cell in cells[width:] if cell.strip()))


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A line of the import report: a row refused, stored but flagged as a likely duplicate, or
    stored as a returning customer's next cycle."""

    row: int  # as a spreadsheet shows it (header = row 1)
    outcome: str  # "rejected" | "duplicate" | "returning"
    lead: str | None  # "L-12" for a lead stored
    reason: str


@dataclass(slots=True)
class Incoming:
    """A row cleaned, enriched and keyed: a lead ready to match."""

    row: int
    lead: Lead
    keys: frozenset[str]


def lead_command(row: ImportRow) -> AddLead:
    """The row as the command every capture channel sends; a bad value raises InvalidInput."""
    if row.extra:
        raise InvalidInput("row", f"The row has {row.extra} more value(s) than the header has columns.")
    values = row.values
    name = values.get("name", "").strip() or " ".join(
        part for part in (values.get("first_name", "").strip(), values.get("last_name", "").strip()) if part
    )
    try:
        return AddLead(
            name=name or None,
            email=values.get("email"),
            phone=values.get("phone"),
            fields={field: values[field] for field in PROFILE_FIELDS if field in values},
            external_id=values.get("external_id"),
            sales_team=values.get("team", "").strip() or None,
            channel=CaptureChannel.IMPORT,
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InvalidInput(field_of(error["loc"]), explain(error, exc.title)) from exc


def _map_header(header: list[str]) -> tuple[tuple[str | None, ...], tuple[str, ...]]:
    columns: list[str | None] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for cell in header:
        field = _FIELD_OF.get(header_key(cell))
        if field in seen:
            raise UnreadableCsv(f"Columns `{seen[field]}` and `{cell.strip()}` both mean {field}: keep one.")
        if field:
            seen[field] = cell.strip()
        elif cell.strip():
            ignored.append(cell.strip())
        columns.append(field)
    if not {"name", "first_name", "last_name", "email"} & seen.keys():
        raise UnreadableCsv(
            "No column gives a name or an email. Name one of them e.g. `Name`, `First Name`, `Email`; "
            f"the header has: {', '.join(cell.strip() for cell in header)}."
        )
    return tuple(columns), tuple(ignored)


def _sniff(text: str) -> str:
    """Excel writes `;` where the comma is the decimal mark: take the header's commonest."""
    first_line = text.split("\n", 1)[0]
    return max(DELIMITERS, key=lambda candidate: (first_line.count(candidate), candidate == ","))


def _lines(text: str) -> io.StringIO:
    return io.StringIO(text, newline="")  # the csv module reads line endings itself


Prepared = list[Incoming | ImportProblem]


def prepare(row: ImportRow, ctx: Context) -> Incoming | ImportProblem:
    """The row through build_lead, as every capture channel's input goes, and keyed for
    matching; or the reason it cannot be a lead."""
    try:
        lead = build_lead(lead_command(row), ctx)
    except InvalidInput as exc:
        return ImportProblem(row.number, "rejected", None, str(exc))
    return Incoming(row.number, lead, blocking_keys(match_record(lead)))
