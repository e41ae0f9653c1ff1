"""The file behind an import as rows of text cells: a CSV in whatever encoding Excel or a CRM
saved it in, or an Excel workbook read directly. Bytes in, cells out; what the cells mean is
handlers.importing.rows'.

A file is read as a stream, a row at a time, never whole: a CSV through a decoding reader over
the file, a workbook in openpyxl's read-only mode. What an import holds of its file is then a
row, however long the file."""

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

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
CHUNK_BYTES = 1024 * 1024  # a file is checked for UTF-8 this much at a time

Cells = list[str]
Opener = Callable[[], IO[bytes]]  # the file's bytes from the start, each time it is called


class UnreadableFile(Exception):
    """The bytes are not a file we can import; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """A file's rows, read afresh each time `rows()` is called (the layout is checked in a
    first pass, the rows imported in a second)."""

    rows: Callable[[], Iterator[Cells]]
    encoding: str  # as read: "utf-8", "cp1252", "xlsx"…


def open_sheet(data: bytes, name: str = "") -> Sheet:
    """A CSV or an .xlsx (told by its content, not only its name), from bytes in memory."""
    return sheet_of(lambda: io.BytesIO(data), name)


def open_path(path: Path) -> Sheet:
    """A CSV or an .xlsx on disk, read a row at a time (an OSError if it cannot be opened)."""
    with path.open("rb"):  # cannot be opened: said now, not at the first row
        pass
    return sheet_of(lambda: path.open("rb"), path.name)


def sheet_of(opener: Opener, name: str = "") -> Sheet:
    """A CSV or an .xlsx from whatever `opener` reads."""
    with opener() as stream:
        head = stream.read(DETECT_BYTES)
    if head.startswith(XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm")):
        return _workbook(opener)
    return _csv_stream(opener, _encoding_of(opener, head))


def _encoding_of(opener: Opener, head: bytes) -> str:
    """As `decode` tells it, reading the file a chunk at a time to check it is all UTF-8."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    checker = codecs.getincrementaldecoder("utf-8")()
    try:
        with opener() as stream:
            while chunk := stream.read(CHUNK_BYTES):
                checker.decode(chunk)
        checker.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return _detected(head)


def _csv_stream(opener: Opener, encoding: str) -> Sheet:
    def text() -> IO[str]:
        return io.TextIOWrapper(opener(), encoding=encoding, newline="")

    with text() as first:
        try:
            header = first.readline()
        except UnicodeDecodeError as exc:
            raise _not_that_encoding(encoding) from exc
    delimiter = sniff(header.removeprefix("\ufeff"))

    def rows() -> Iterator[Cells]:
        with text() as stream:
            reader = csv.reader(_without_bom(stream), delimiter=delimiter)
            try:
                yield from reader
            except csv.Error as exc:
                raise UnreadableFile(f"Row {reader.line_num} is not valid CSV: {exc}.") from exc
            except UnicodeDecodeError as exc:
                raise _not_that_encoding(encoding) from exc

    return Sheet(rows, "utf-8" if encoding == "utf-8-sig" else encoding)


def _without_bom(lines: IO[str]) -> Iterator[str]:
    """The lines, the first without a byte-order mark (utf-16 keeps none; this is for one
    written twice, or by a tool that did not know)."""
    first = True
    for line in lines:
        yield line.removeprefix("\ufeff") if first else line
        first = False


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
        raise _not_that_encoding(encoding) from exc


def _not_that_encoding(encoding: str) -> UnreadableFile:
    return UnreadableFile(
        f"The file looks like {encoding} text but part of it is not. Save it as "
        '"CSV UTF-8" and import it again.'
    )


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


def _workbook(opener: Opener) -> Sheet:
    from openpyxl import load_workbook  # only an Excel import pays for loading it

    try:  # read-only: rows are parsed from the archive as they are asked for, never all at once
        book = load_workbook(opener(), read_only=True, data_only=True)
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
