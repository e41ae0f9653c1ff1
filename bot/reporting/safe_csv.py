"""CSV that is safe to open in a spreadsheet: every CSV Leadbot writes goes through here."""
# https://owasp.org/www-community/attacks/CSV_Injection

import csv
from collections.abc import Iterable, Sequence
from typing import TextIO

# A cell starting with one of these is read by Excel, LibreOffice or Sheets as a formula
# (tab and CR too, as a formula may follow them): a lead named `=cmd|' /C calc'!A0` would
# run a program on the machine of whoever opens the export.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A leading `'` makes the spreadsheet show the text as typed and never evaluate it.
    The rule takes no exceptions: an E.164 phone (`+12025550143`) gets the `'` as well.
    Numbers and None are left as they are: they cannot hold a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Iterable[object]]) -> None:
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
