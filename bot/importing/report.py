"""What an import tells the person who ran it, from the terminal or from Slack: the
counts in one line and the report of rejected and flagged rows as CSV."""

import csv
import io
from collections.abc import Sequence
from typing import TextIO

from bot.reporting.safe_csv import safe_cell, write_csv
from handlers.importing.pipeline import LeadsImported
from handlers.importing.rows import ImportProblem

REPORT_HEADER = ("row", "outcome", "lead", "reason")
HEADER_ROW = 1  # a column's line in the report is about the header row


def import_counts(result: LeadsImported) -> str:
    counts = (
        f"created={result.created} updated={result.updated} "
        f"duplicates={result.duplicates} rejected={result.rejected}"
    )
    counts += f" returning={result.returning}" if result.returning else ""  # customers back: next cycles
    counts += f" unchanged={result.unchanged}" if result.unchanged else ""  # saved by an interrupted run
    counts += f" warnings={result.warnings}" if result.warnings else ""  # values left out of rows kept
    return counts + (" (dry run: nothing written)" if result.dry_run else "")


def report_csv(problems: tuple[ImportProblem, ...], columns: tuple[str, ...] = ()) -> str:
    """Rows numbered as a spreadsheet shows them (the header is row 1); safe to open in one.
    The columns not imported come first, as warnings on row 1, the header."""
    out = io.StringIO()
    lines = [(HEADER_ROW, "warning", "", f"Column {column}") for column in columns]
    lines += [(p.row, p.outcome, p.lead or "", p.reason) for p in problems]
    write_csv(out, REPORT_HEADER, lines)
    return out.getvalue()


class ReportWriter:
    """The report written as the import goes, a batch's lines at a time (handlers.importing.pipeline's
    `report`): nothing of it is kept in memory, however long the file. The same CSV as
    `report_csv`."""

    def __init__(self, out: TextIO, columns: tuple[str, ...] = ()) -> None:
        self._out = out
        self._writer = csv.writer(out)
        self._writer.writerow(REPORT_HEADER)
        self._write([(HEADER_ROW, "warning", "", f"Column {column}") for column in columns])

    def __call__(self, lines: Sequence[ImportProblem]) -> None:
        self._write([(p.row, p.outcome, p.lead or "", p.reason) for p in lines])
        self._out.flush()  # a crash later leaves the report of the batches saved

    def _write(self, rows: list[tuple[object, ...]]) -> None:
        self._writer.writerows([safe_cell(value) for value in row] for row in rows)
