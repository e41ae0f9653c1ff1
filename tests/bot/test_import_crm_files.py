"""`leadbot import` on the files teams bring from the CRM they leave: each CRM's own
headers, date forms, encodings and CSV dialects, with people from everywhere."""

import csv
import json
from datetime import datetime, timedelta

import pytest
from crm_exports import EXPORTS, FIXTURES, SALESFORCE, Export, write_all
from crm_people import PEOPLE, created
from typer.testing import CliRunner

from bot.local.standin import FakeSlack
from bot.operations.cli import cli, report_path
from domain.config import CONSOLE_WORKSPACE
from domain.followups.activity import ActivityKind

runner = CliRunner()
OUTCOMES = {"created", "updated", "duplicate", "returning", "rejected"}
SLACK_ANN = {"U0REP0ANN": {"name": "ann", "email": "ann@leadbot.test"}}


def imported(env, path):
    result = runner.invoke(cli, ["import", str(path)], env=env)
    assert result.exit_code == 0, result.output
    exported = runner.invoke(cli, ["export", "--format", "json"], env=env)
    assert exported.exit_code == 0, exported.output
    return result, {lead["email"]: lead for lead in json.loads(exported.stdout)}


def report_of(path):
    with open(report_path(path), encoding="utf-8", newline="") as report:
        return list(csv.DictReader(report))


def copy_of(export: Export, tmp_path):
    path = tmp_path / export.file
    path.write_bytes((FIXTURES / export.file).read_bytes())
    return path


def the_same_instant(written: str, expected: datetime, precision: str) -> bool:
    got = datetime.fromisoformat(written)
    if precision == "day":
        return got.date() == expected.date()
    return abs(got - expected) < timedelta(seconds=1)


@pytest.mark.parametrize("export", EXPORTS, ids=lambda export: export.crm)
def test_a_crm_export_makes_one_lead_per_person_with_their_phone_read_in_their_country(env, tmp_path, export):
    _, leads = imported(env, copy_of(export, tmp_path))

    for index, person in enumerate(export.people):
        if person.switchboard:  # see the test of colleagues on one switchboard below
            continue
        lead = leads[person.email]
        assert (lead["name"], lead["phone"], lead["company"]) == (person.name, person.e164, person.company)
        assert lead["source"] == (export.source(index) or "import")
        assert lead["status"] == export.expected_status(index)
        assert the_same_instant(lead["created_at"], created_of(index), export.date_precision), lead
    one_each = {person.email for person in export.people if not person.switchboard} | {
        "pat@unreadable.example"
    }
    assert one_each <= set(leads) <= one_each | {person.email for person in export.people}


def created_of(index):
    return created(index)


@pytest.mark.parametrize("export", EXPORTS, ids=lambda export: export.crm)
def test_every_row_of_a_crm_export_has_its_outcome_in_the_report(env, tmp_path, export):
    path = copy_of(export, tmp_path)
    imported(env, path)

    lines = report_of(path)
    outcomes = {}
    for line in lines:
        if line["outcome"] in OUTCOMES:
            assert line["row"] not in outcomes, f"row {line['row']} has two outcomes"
            outcomes[line["row"]] = line
    rows = len(export.people) + 3  # the people, one of them again, a nobody, an unreadable phone
    assert set(outcomes) == {str(row) for row in range(2, rows + 2)}
    again, nobody, unreadable = (outcomes[str(row)] for row in range(rows - 1, rows + 2))
    assert (again["outcome"], again["lead"]) == ("updated", outcomes["3"]["lead"])
    assert "title" in again["reason"]
    assert (nobody["outcome"], nobody["reason"]) == ("rejected", "A lead needs a name or an email.")
    assert unreadable["outcome"] == "created"
    warnings = [
        line["reason"] for line in lines if line["row"] == unreadable["row"] and line["outcome"] == "warning"
    ]
    assert any("Phone `call reception` cannot be read" in warning for warning in warnings)
    # the columns nobody maps come first, on the header's row
    skipped = [line for line in lines if line["row"] == "1"]
    assert lines[: len(skipped)] == skipped and all(line["outcome"] == "warning" for line in skipped)


@pytest.mark.parametrize("export", EXPORTS, ids=lambda export: export.crm)
def test_colleagues_on_one_switchboard_number_are_two_leads(env, tmp_path, export):
    _, leads = imported(env, copy_of(export, tmp_path))

    claire, luc = (person for person in export.people if person.switchboard)
    assert (leads[claire.email]["name"], leads[luc.email]["name"]) == (claire.name, luc.name)
    assert leads[claire.email]["title"] == claire.title


def test_the_fixtures_are_what_the_export_writer_writes(tmp_path):
    write_all(tmp_path)
    for export in EXPORTS:
        assert (tmp_path / export.file).read_bytes() == (FIXTURES / export.file).read_bytes(), export.file


def notes_by_email(uow_factory):
    with uow_factory() as uow:
        return {
            lead.email: [a.body for a in uow.activities.latest(lead, 20) if a.kind is ActivityKind.NOTE]
            for lead in uow.leads.all(CONSOLE_WORKSPACE)
        }


def test_notes_with_quotes_and_newlines_become_the_leads_first_note_and_tags_its_tags(
    env, tmp_path, uow_factory
):
    zoho = next(export for export in EXPORTS if export.crm == "Zoho")
    imported(env, copy_of(zoho, tmp_path))

    notes = notes_by_email(uow_factory)

    claire, jurgen = PEOPLE[0], PEOPLE[3]
    assert notes[claire.email] == ['Notes: Rencontrée au salon "Vivatech" Veut une démo, T2']
    assert notes[jurgen.email] == ['Notes: Rückruf erbeten; Budget 2025, "sofort"']
    assert notes[PEOPLE[2].email] == []
    with uow_factory() as uow:
        tags = {lead.email: lead.tags for lead in uow.leads.all(CONSOLE_WORKSPACE)}
    assert tags[claire.email] == ("hot", "enterprise") and tags[PEOPLE[2].email] == ("webinar",)


def test_a_second_phone_is_kept_in_the_note_never_a_reason_to_refuse_the_file(env, tmp_path, uow_factory):
    _, leads = imported(env, copy_of(SALESFORCE, tmp_path))  # Phone and Mobile: every third row has both

    notes = notes_by_email(uow_factory)

    jurgen = PEOPLE[3]
    assert (leads[jurgen.email]["phone"], notes[jurgen.email]) == (
        jurgen.e164,
        ["Second phone: +14155550003"],
    )


def test_an_excel_workbook_is_read_directly_with_its_date_cells(env, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["First Name", "Last Name", "Email", "Phone", "Country", "Company / Account", "Create Date"])
    for index, person in enumerate(PEOPLE[:10]):
        when = created_of(index).replace(tzinfo=None)
        sheet.append(
            [person.first, person.last, person.email, person.phone, person.country, person.company, when]
        )
    path = tmp_path / "leads.xlsx"
    book.save(path)

    _, leads = imported(env, path)

    for index, person in enumerate(PEOPLE[:10]):
        lead = leads[person.email]
        assert (lead["name"], lead["phone"], lead["company"]) == (person.name, person.e164, person.company)
        assert the_same_instant(lead["created_at"], created_of(index), "minute")


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_a_csv_saved_in_another_encoding_is_read(env, tmp_path, encoding):
    path = tmp_path / "leads.csv"
    path.write_bytes("Name,Email,Company\nJosé Núñez,jose@x.es,Société Générale\n".encode(encoding))

    _, leads = imported(env, path)

    assert (leads["jose@x.es"]["name"], leads["jose@x.es"]["company"]) == ("José Núñez", "Société Générale")


def test_an_owner_column_finds_the_slack_user_by_email_once_and_leaves_the_rest_to_routing(env, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(
        "Name,Email,Contact owner\n"
        "Dana Scully,dana@fbi.gov,ann@leadbot.test\n"
        "Fox Mulder,fox@fbi.gov,ANN@leadbot.test\n"
        "Walter Skinner,walter@fbi.gov,Walter's boss\n",
        encoding="utf-8",
    )
    with FakeSlack(users=SLACK_ANN) as slack:
        slack.up()
        slack_env = {**env, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack.url}
        _, leads = imported(slack_env, path)
        lookups = slack.calls_to("users.lookupByEmail")

    owners = {email: lead["owner"] for email, lead in leads.items()}
    assert owners == {"dana@fbi.gov": "U0REP0ANN", "fox@fbi.gov": "U0REP0ANN", "walter@fbi.gov": None}
    assert len(lookups) == 1  # the same address, whatever its case, is asked once
    [warning] = [line for line in report_of(path) if line["outcome"] == "warning"]
    assert (warning["row"], warning["reason"]) == (
        "4",
        "Owner `Walter's boss` is not a Slack user Leadbot can find: routing decides",
    )


def test_the_configs_names_map_owners_and_statuses(env, tmp_path):
    config = tmp_path / "leadbot.toml"
    config.write_text(
        '[import.owners]\n"Ann Lee" = "U0REP0ANN"\n[import.statuses]\n"Working - Contacted" = "qualified"\n',
        encoding="utf-8",
    )
    config_env = {**env, "LEADBOT_CONFIG": str(config)}

    _, leads = imported(config_env, copy_of(SALESFORCE, tmp_path))

    dana = leads["dana.scully@fbi.gov"]  # index 11: "Closed - Not Converted"
    assert (dana["owner"], dana["status"]) == ("U0REP0ANN", "lost")
    worked = leads[PEOPLE[1].email]  # index 1: "Working - Contacted", named qualified here
    assert worked["status"] == "qualified"


def test_a_known_lead_keeps_its_source_and_an_empty_cell_changes_nothing(env, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("Name,Email,Title\nDana Scully,dana@fbi.gov,Agent\n", encoding="utf-8")
    imported(env, first)
    again = tmp_path / "again.csv"
    again.write_text("Name,Email,Title,Company\nDana Scully,dana@fbi.gov,,Federal Bureau\n", encoding="utf-8")

    _, leads = imported(env, again)

    dana = leads["dana@fbi.gov"]
    assert (dana["source"], dana["title"], dana["company"]) == ("import", "Agent", "Federal Bureau")
    [line] = report_of(again)
    assert (line["outcome"], line["reason"]) == ("updated", "Same email: updated company")


def test_a_lead_added_in_slack_without_a_source_gets_none_from_an_import(env, tmp_path, uow_factory, config):
    from support import ANN, context_of

    from handlers.capture.pipeline import add_lead
    from handlers.commands import AddLead

    add_lead(AddLead(name="Dana Scully", email="dana@fbi.gov"), uow_factory(), context_of(config, ANN))
    path = tmp_path / "leads.csv"
    path.write_text("Name,Email,Title\nDana Scully,dana@fbi.gov,Agent\n", encoding="utf-8")

    _, leads = imported(env, path)

    assert (leads["dana@fbi.gov"]["source"], leads["dana@fbi.gov"]["title"]) == (None, "Agent")
