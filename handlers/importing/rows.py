"""Rows for an import: a file's cells read through the column table (handlers.importing.columns),
numbered as a spreadsheet shows them. Bytes in, rows of canonical fields out: where the bytes
came from (a file, a Slack upload) is the caller's, what a row makes is handlers.importing.prepare's."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from domain.custom_fields import CustomField
from domain.lead import Lead
from handlers.importing.columns import has_name_or_email, map_header
from handlers.importing.files import Sheet, UnreadableFile, csv_sheet, open_path, open_sheet
from handlers.importing.files import decode as decode_with_encoding
from handlers.importing.values import tells_day_first

UnreadableCsv = UnreadableFile  # the name callers and tests know
FIRST_DATA_ROW = 2  # rows are numbered as a spreadsheet shows them: the header is row 1


@dataclass(frozen=True, slots=True)
class ImportRow:
    number: int  # as a spreadsheet shows it (header = row 1)
    values: Mapping[str, str]  # canonical field -> text as written
    extra: int = 0  # non-empty cells beyond the header's columns
    day_first: bool | None = None  # the file's order of day and month, when its dates tell


@dataclass(frozen=True, slots=True)
class CsvLayout:
    columns: tuple[str | None, ...]  # canonical field per column, None for one not imported
    ignored: tuple[str, ...]  # headers not imported, as written
    rows: int  # data rows, blank ones included
    skipped: tuple[str, ...] = ()  # a line per column not imported, with a did-you-mean hint
    day_first: bool | None = None  # what the created dates say of day and month order
    encoding: str = "utf-8"


def decode(data: bytes) -> str:
    """The text of a CSV file in UTF-8, UTF-16 or an encoding charset-normalizer is sure of."""
    return decode_with_encoding(data)[0]


def read_layout(text: str, fields: tuple[CustomField, ...] = ()) -> CsvLayout:
    """`layout_of` for CSV text."""
    return layout_of(csv_sheet(text), fields)


def read_rows(text: str, layout: CsvLayout) -> Iterator[ImportRow]:
    """`rows_of` for CSV text."""
    return rows_of(csv_sheet(text), layout)


def read_file(
    data: bytes, name: str = "", fields: tuple[CustomField, ...] = ()
) -> tuple[CsvLayout, Iterator[ImportRow]]:
    """A CSV or .xlsx file's layout, checked whole before anything is written, and its rows."""
    return _layout_and_rows(open_sheet(data, name), fields)


def read_path(path: Path, fields: tuple[CustomField, ...] = ()) -> tuple[CsvLayout, Iterator[ImportRow]]:
    """`read_file` for a file on disk, read a row at a time in both passes: memory does not
    grow with the file (an OSError if it cannot be opened)."""
    return _layout_and_rows(open_path(path), fields)


def _layout_and_rows(sheet: Sheet, fields: tuple[CustomField, ...]) -> tuple[CsvLayout, Iterator[ImportRow]]:
    layout = layout_of(sheet, fields)
    return layout, rows_of(sheet, layout)


def layout_of(sheet: Sheet, fields: tuple[CustomField, ...] = ()) -> CsvLayout:
    """Check the whole file once before anything is written: header, fields, row count, and
    the order its dates write day and month in. A custom field's column is named by its key
    or its label."""
    rows = sheet.rows()
    header = next(rows, None)
    if not header or not any(cell.strip() for cell in header):
        raise UnreadableCsv("The file is empty: it needs a header row, e.g. `Name,Email,Company`.")
    mapped = map_header(header, fields)
    if not has_name_or_email(mapped.columns):
        raise UnreadableCsv(
            "No column gives a name or an email. Name one of them e.g. `Name`, `First Name`, `Email`; "
            f"the header has: {', '.join(cell.strip() for cell in header)}."
        )
    ignored = tuple(
        cell.strip()
        for cell, field in zip(header, mapped.columns, strict=False)
        if cell.strip() and not field
    )
    created = mapped.columns.index("created") if "created" in mapped.columns else None
    votes = {True: 0, False: 0}
    count = 0
    for cells in rows:
        count += 1
        if created is not None and created < len(cells):
            told = tells_day_first(cells[created])
            if told is not None:
                votes[told] += 1
    day_first = None if votes[True] == votes[False] else votes[True] > votes[False]
    return CsvLayout(mapped.columns, ignored, count, mapped.skipped, day_first, sheet.encoding)


def rows_of(sheet: Sheet, layout: CsvLayout) -> Iterator[ImportRow]:
    """The data rows, skipping blank ones."""
    width = len(layout.columns)
    for number, cells in enumerate(islice(sheet.rows(), 1, None), start=FIRST_DATA_ROW):
        if not any(cell.strip() for cell in cells):
            continue
        values = {
            field: cell for field, cell in zip(layout.columns, cells, strict=False) if field and cell.strip()
        }
        extra = sum(1 for cell in cells[width:] if cell.strip())
        yield ImportRow(number, values, extra, layout.day_first)


# Report lines that need no look: in the report file, not in a message.
QUIET_OUTCOMES = ("created", "updated", "unchanged")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A line of the import report. Every row has one line saying what became of it (created,
    updated, duplicate, returning, rejected) and a warning line for each value it lost."""

    row: int  # as a spreadsheet shows it (header = row 1)
    # "created" | "updated" | "duplicate" | "returning" | "rejected" | "warning" | "unchanged"
    # (imported by an earlier run of the same file that was interrupted)
    outcome: str
    lead: str | None  # "L-12" for a lead stored
    reason: str


@dataclass(slots=True)
class Incoming:
    """A row cleaned, enriched and keyed: a lead ready to match, with what the lead has no
    field for."""

    row: int
    lead: Lead
    keys: frozenset[str]
    warnings: tuple[str, ...] = ()  # values dropped from the row, each with why
    owner: str | None = None  # the owner column as written: a rep's email or name
    note: str | None = None  # tags, notes, a second phone…: the new lead's first note


Prepared = list["Incoming | ImportProblem"]
