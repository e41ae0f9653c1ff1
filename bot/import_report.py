"""What an import tells the person who ran it, from the terminal or from Slack: the
counts in one line and the report of rejected and flagged rows as CSV."""

import io

from bot.safe_csv import write_csv
from handlers.import_rows import ImportProblem
from handlers.importing import LeadsImported

REPORT_HEADER = ("row", "outcome", "lead", "reason")
HEADER_ROW = 1  # a column's line in the report is about the header row


def import_counts(result: LeadsImported) -> str:
    counts = (
        f"created={result.created} updated={result.updated} "
        f"duplicates={result.duplicates} rejected={result.rejected}"
    )
    counts += f" returning={result.returning}" if result.returning else ""  # customers back: next cycles
    warnings = sum(problem.outcome == "warning" for problem in result.problems)
    counts += f" warnings={warnings}" if warnings else ""  # values left out of rows kept
    return counts + (" (dry run: nothing written)" if result.dry_run else "")


def report_csv(problems: tuple[ImportProblem, ...], columns: tuple[str, ...] = ()) -> str:
    """Rows numbered as a spreadsheet shows them (the header is row 1); safe to open in one.
    The columns not imported come first, as warnings on row 1, the header."""
    out = io.StringIO()
    lines = [(HEADER_ROW, "warning", "", f"Column {column}") for column in columns]
    lines += [(p.row, p.outcome, p.lead or "", p.reason) for p in problems]
    write_csv(out, REPORT_HEADER, lines)
    return out.getvalue()
