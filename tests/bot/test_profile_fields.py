"""A lead's profile fields are declared once (domain/lead.PROFILE) and every channel reads
that list: what a person may set can be posted, imported, exported, viewed and scored alike,
so a field added there reaches them all."""

import pytest
from pydantic import ValidationError

from bot.web.webhooks import parse_lead
from domain.config import CONSOLE_WORKSPACE
from domain.lead import PROFILE_FIELDS, SCORED_FIELDS
from domain.scoring.config import FitRule
from domain.scoring.rules import FACT_FIELDS, LeadFacts
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead
from handlers.importing.prepare import lead_command
from handlers.importing.rows import read_layout, read_rows
from handlers.reporting.export import EXPORT_FIELDS, export_leads
from handlers.results import LeadView

PROFILE = {
    "company": "FBI",
    "title": "Special Agent",
    "source": "referral",
    "campaign": "x-files",
    "country": "US",
    "product": "Pro",
    "website": "fbi.gov",
}


def test_the_example_profile_names_every_field():
    assert set(PROFILE) == set(PROFILE_FIELDS)


def test_every_profile_field_set_at_capture_comes_out_in_the_export(uow_factory, ann):
    captured = add_lead(AddLead(name="Dana Scully", fields=PROFILE), uow_factory(), ann)

    (row,) = export_leads(uow_factory(), CONSOLE_WORKSPACE)

    assert set(PROFILE_FIELDS) <= set(EXPORT_FIELDS)
    assert {key: row[key] for key in PROFILE_FIELDS} == {
        key: getattr(captured.lead, key) for key in PROFILE_FIELDS
    }
    assert row["website"] == "fbi.gov"  # dropped by the export before


def test_an_exported_row_posted_back_to_the_web_form_keeps_every_profile_field(uow_factory, ann):
    add_lead(AddLead(name="Dana Scully", fields=PROFILE), uow_factory(), ann)
    (row,) = export_leads(uow_factory(), CONSOLE_WORKSPACE)

    command = parse_lead(row)

    assert command.fields == {key: row[key] for key in PROFILE_FIELDS}


def test_the_web_form_takes_every_profile_field():
    assert parse_lead({"name": "Dana Scully", **PROFILE}).fields == PROFILE


def test_the_csv_import_reads_every_profile_field_under_its_own_name():
    text = "name," + ",".join(PROFILE) + "\nDana Scully," + ",".join(PROFILE.values()) + "\n"
    (row,) = read_rows(text, read_layout(text))
    assert lead_command(row).fields == PROFILE


def test_a_lead_view_shows_every_profile_field(uow_factory, ann):
    view = add_lead(AddLead(name="Dana Scully", fields=PROFILE), uow_factory(), ann).lead
    assert isinstance(view, LeadView)
    assert all(getattr(view, key) is not None for key in PROFILE_FIELDS)


def test_fit_rules_may_look_at_every_scored_field_and_the_store_fills_them_in_order():
    assert LeadFacts._fields[: len(FACT_FIELDS)] == FACT_FIELDS
    for key in SCORED_FIELDS:
        FitRule(name=key, field=key, any_of=("x",), points=1)
    with pytest.raises(ValidationError, match="`website` is not a field fit rules look at"):
        FitRule(name="site", field="website", any_of=("fbi",), points=1)
