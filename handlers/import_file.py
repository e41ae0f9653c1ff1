"""The file behind an import as rows of text cells: a CSV in whatever encoding Excel or a CRM
saved it in, or an Excel workbook read directly. Bytes in, cells out; what the cells mean is
handlers.import_rows'."""

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from charset_normalizer import from_bytes

DELIMITERS = ",;\t|"
XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive
# charset-normalizer's measure of how garbled the text reads in its best guess: above this the
# guess is not trusted, and the person is asked to save the file as UTF-8.
MAX_CHAOS = 0.1
CHAOS_TOLERANCE = 0.05
# What Excel's "CSV" writes on Windows by locale (Western, Cyrillic, Central European, Japanese,
# Chinese, Korean, Greek, Turkish), preferred in this order among equally clean readings.
SPREADSHEET_ENCODINGS = (
    "cp1252", "cp1251", "cp1250", "cp932", "gb18030", "big5", "cp949", "cp1253", "cp1254",
)  # fmt: skip
DETECT_BYTES = 512 * 1024  # enough text to tell an encoding; the rest is decoded the same way

Cells = list[str]


class UnreadableFile(Exception):
    """The bytes are not a file we can import; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """A file's rows, read afresh each time `rows()` is called (the layout is checked in a
    first pass, the rows imported in a second)."""

    rows: Callable[[], Iterator[Cells]]
    encoding: str  # as read: "utf-8", "cp1252", "xlsx"…


def open_sheet(data: bytes, name: str = "") -> Sheet:
    """A CSV or an .xlsx (told by its content, not only its name)."""
    if data.startswith(XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm")):
        return _workbook(data)
    text, encoding = decode(data)
    return csv_sheet(text, encoding)


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without Excel's byte-order mark),
    UTF-16 from Excel's "Unicode text", else what charset-normalizer finds when it is sure."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decoded(data, "utf-16")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decoded(data, _detected(data[:DETECT_BYTES]))


def _detected(sample: bytes) -> str:
    """charset-normalizer's encoding, or, among those that read the text about as cleanly, the
    one spreadsheets save in (a short Latin-1 file reads as cleanly in a dozen code pages)."""
    matches = list(from_bytes(sample))
    if not matches or matches[0].chaos > MAX_CHAOS:
        raise UnreadableFile(
            "The file is not UTF-8 text and its encoding cannot be told for sure. "
            'Save it as "CSV UTF-8" (Excel: File > Save As > CSV UTF-8) and import it again.'
        )
    clean = {
        encoding
        for match in matches
        if match.chaos <= matches[0].chaos + CHAOS_TOLERANCE
        for encoding in (match.encoding, *match.could_be_from_charset)  # those that read it alike
    }
    return next((encoding for encoding in SPREADSHEET_ENCODINGS if encoding in clean), matches[0].encoding)


def _decoded(data: bytes, encoding: str) -> tuple[str, str]:
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableFile(
            f"The file looks like {encoding} text but part of it is not. Save it as "
            '"CSV UTF-8" and import it again.'
        ) from exc


def csv_sheet(text: str, encoding: str = "utf-8") -> Sheet:
    text = text.removeprefix("\ufeff")
    delimiter = sniff(text)

    def rows() -> Iterator[Cells]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            yield from reader
        except csv.Error as exc:
            raise UnreadableFile(f"Row {reader.line_num} is not valid CSV: {exc}.") from exc

    return Sheet(rows, encoding)


def sniff(text: str) -> str:
    """Excel writes `;` where the comma is the decimal mark: take the header's commonest."""
    first_line = text.split("\n", 1)[0]
    return max(DELIMITERS, key=lambda candidate: (first_line.count(candidate), candidate == ","))


def _workbook(data: bytes) -> Sheet:
    from openpyxl import load_workbook  # only an Excel import pays for loading it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file it cannot open
        raise UnreadableFile(
            "The file is not an Excel workbook we can read (.xlsx). Save it as .xlsx or CSV UTF-8 "
            "and import it again."
        ) from exc
    sheet = book.worksheets[0]  # the first sheet, as Excel opens it

    def rows() -> Iterator[Cells]:
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]

    return Sheet(rows, "xlsx")


def _cell_text(value: Any) -> str:
    """A cell as the text a CSV would hold: dates in ISO form, whole numbers without `.0`
    (a phone number typed into a number cell)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
