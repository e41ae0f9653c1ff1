"""`leadbot import FILE.csv` as an operator uses it: summary, report beside the file, exit codes."""

import csv
import io
import json

import pytest
from support import ANN, context_of
from typer.testing import CliRunner

from bot.importing.report import import_counts
from bot.local.standin import FakeSlack
from bot.operations.cli import cli, report_path
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead
from handlers.importing.pipeline import LeadsImported

runner = CliRunner()
SMITHERS = (
    "Full Name,E-mail,Company Name,Phone Number,Notes\n"
    "Jon Smithers,,ACME Corp.,+1 202 555 0143,met at the fair\n"
)


def exported(env):
    result = runner.invoke(cli, ["export", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    return {row["id"]: row for row in json.loads(result.stdout)}


def report_of(path):
    with open(report_path(path), encoding="utf-8", newline="") as report:
        return list(csv.DictReader(report))


def test_jon_smithers_imported_after_jonathan_is_flagged_and_listed_in_the_report(
    env, uow_factory, config, tmp_path
):
    jonathan = AddLead(
        name="Jonathan Smithers", email="jonathan@acme.com", fields={"company": "Acme Corporation"}
    )
    add_lead(jonathan, uow_factory(), context_of(config, ANN))
    path = tmp_path / "fair.csv"
    path.write_text(SMITHERS, encoding="utf-8")

    result = runner.invoke(cli, ["import", str(path)], env=env)

    assert result.exit_code == 0, result.output
    assert "created=1 updated=0 duplicates=1 rejected=0" in result.stdout
    [line] = report_of(path)  # Notes went into the lead's first note
    assert (line["row"], line["outcome"], line["lead"]) == ("2", "duplicate", "L-2")
    assert "Likely duplicate of L-1" in line["reason"] and "same company" in line["reason"]
    lead = exported(env)["L-2"]
    assert (lead["name"], lead["duplicate_of"], lead["owner"], lead["source"]) == (
        "Jon Smithers",
        "L-1",
        None,
        "import",
    )


def test_a_file_with_a_bom_bad_rows_and_repeats_is_imported_and_reported(env, tmp_path):
    path = tmp_path / "leads.csv"
    rows = [
        ["First Name", "Last Name", "Email Address", "Mobile", "Organisation", "Lead ID"],
        ["Dana", "Scully", "Dana@FBI.gov", "", "FBI", "crm-1"],
        ["Fox", "Mulder", "fox-at-fbi", "", "FBI", ""],
        ["", "", "", "+1 202 555 0100", "FBI", ""],
        ["Dana", "Scully", "dana@fbi.gov", "+1 202 555 0143", "", ""],
    ]
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + text.getvalue().encode())

    result = runner.invoke(cli, ["import", str(path)], env=env)

    assert result.exit_code == 0, result.output
    assert "created=1 updated=1 duplicates=0 rejected=2" in result.stdout
    assert f"Report: {report_path(path)}" in result.stdout
    lines = report_of(path)
    assert [(line["row"], line["outcome"], line["lead"]) for line in lines] == [
        ("2", "created", "L-1"),
        ("3", "rejected", ""),
        ("4", "rejected", ""),
        ("5", "updated", "L-1"),
    ]
    assert "not an email address" in lines[1]["reason"]
    assert lines[3]["reason"] == "Same email: updated phone, country"  # the country from the phone
    [dana] = exported(env).values()
    assert (dana["email"], dana["phone"], dana["company"]) == ("dana@fbi.gov", "+12025550143", "FBI")


def test_a_dry_run_reports_but_writes_no_lead(env, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("Name,Email\nDana Scully,dana@fbi.gov\nFox Mulder,nope\n", encoding="utf-8")

    result = runner.invoke(cli, ["import", "--dry-run", str(path)], env=env)

    assert result.exit_code == 0, result.output
    assert "created=1 updated=0 duplicates=0 rejected=1 (dry run: nothing written)" in result.stdout
    assert [(line["row"], line["outcome"]) for line in report_of(path)] == [
        ("2", "created"),
        ("3", "rejected"),
    ]
    assert exported(env) == {}


def test_imported_leads_belong_to_the_bot_tokens_workspace(env, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("Name\nDana Scully\n", encoding="utf-8")
    with FakeSlack(team_id="T0ACME") as acme:
        acme.up()
        slack_env = {**env, "SLACK_BOT_TOKEN": "xoxb-acme", "SLACK_API_URL": acme.url}
        result = runner.invoke(cli, ["import", str(path)], env=slack_env)
        assert result.exit_code == 0, result.output
        assert list(exported(slack_env)) == ["L-1"]
    assert exported(env) == {}  # the console workspace saw nothing


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Cannot read"),
        (b"", "empty"),
        (bytes(range(256)) * 20, 'Save it as "CSV UTF-8"'),
        (b"Notes,Owner\nx,y\n", "No column gives a name or an email"),
        (b"PK\x03\x04 not really a workbook", "not an Excel workbook"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_with_why_and_exit_code_2(env, tmp_path, content, message):
    path = tmp_path / "leads.csv"
    if content is not None:
        path.write_bytes(content)

    result = runner.invoke(cli, ["import", str(path)], env=env)

    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "leads.report.csv").exists()


def test_a_directory_is_refused_not_crashed_on(env, tmp_path):
    result = runner.invoke(cli, ["import", str(tmp_path)], env=env)
    assert result.exit_code == 2 and "Cannot read" in result.output


def test_the_summary_counts_returning_customers_only_when_there_are_some():
    plain = LeadsImported(created=2, updated=1, duplicates=0, rejected=0, problems=(), dry_run=False)
    back = LeadsImported(
        created=2, updated=1, duplicates=0, rejected=0, problems=(), dry_run=False, returning=2
    )

    assert import_counts(plain) == "created=2 updated=1 duplicates=0 rejected=0"
    assert import_counts(back) == "created=2 updated=1 duplicates=0 rejected=0 returning=2"
