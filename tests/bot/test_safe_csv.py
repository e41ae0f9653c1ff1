"""CSV Leadbot writes is safe to open in a spreadsheet (OWASP's rule for CSV injection)."""

import csv
import io

import pytest

from bot.importing.report import REPORT_HEADER, report_csv
from bot.reporting.safe_csv import safe_cell
from handlers.importing.rows import ImportProblem

CALC = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("text", [CALC, "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_a_cell_a_spreadsheet_would_evaluate_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


def test_a_phone_in_e164_gets_the_quote_too_the_rule_has_no_exceptions():
    assert safe_cell("+12025550143") == "'+12025550143"


@pytest.mark.parametrize("value", ["Dana Scully", "dana@fbi.gov", "a=b", " =1", "", None, 42, -5])
def test_anything_else_is_written_as_it_is(value):
    assert safe_cell(value) == value


def test_the_import_report_quotes_a_formula_in_any_cell():
    problems = (ImportProblem(2, "rejected", None, CALC), ImportProblem(3, "duplicate", "-L-1", "+1"))

    rows = list(csv.reader(io.StringIO(report_csv(problems))))

    assert rows[1:] == [["2", "rejected", "", "'" + CALC], ["3", "duplicate", "'-L-1", "'+1"]]
    assert rows[0] == list(REPORT_HEADER)
