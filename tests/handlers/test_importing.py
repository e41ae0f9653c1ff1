"""Importing: every row gets what add_lead would give it, a batch at a time, with a report."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from import_support import OTHER_WORKSPACE, random_rows, rows, stored
from support import ANN, NOW, context_of

import handlers.importing.view as import_view
from domain.capture.normalize import normalize_phone
from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from domain.errors import Conflict, InvalidInput
from domain.lead import lead_ref
from domain.permissions import system_actor
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead, CaptureChannel, ConvertLead, LogActivity, MergeLeads
from handlers.context import Context
from handlers.importing.pipeline import ImportProblem, LeadsImported, import_leads
from handlers.importing.prepare import lead_command, read_values
from handlers.importing.rows import (
    ImportRow,
    UnreadableCsv,
    decode,
    read_layout,
    read_rows,
)
from handlers.matching.merge import merge_leads
from handlers.registry import dispatch
from store.unit_of_work import UowFactory


@pytest.fixture
def importer(config: LeadbotConfig) -> Context:
    return Context(system_actor(CONSOLE_WORKSPACE, "import"), NOW, config)


@pytest.fixture(params=["whole", "key by key"])
def index_reads(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways an import reads the blocking-key index: whole at the first batch (a small
    workspace, as every test's is) or key by key as batches need them (a large one)."""
    if request.param == "key by key":
        monkeypatch.setattr(import_view, "WHOLE_INDEX_FROM", -1)
    return str(request.param)


def run(uow_factory: UowFactory, ctx: Context, *values: dict[str, str], **options: Any) -> LeadsImported:
    return import_leads(rows(*values), uow_factory(), ctx, **options)


# --- the rules of capture, through an import ------------------------------------------------


def test_jon_smithers_after_jonathan_is_created_flagged_and_reported(uow_factory, ann, importer):
    add_lead(
        AddLead(name="Jonathan Smithers", email="jonathan@acme.com", fields={"company": "Acme Corporation"}),
        uow_factory(),
        ann,
    )

    jon = {"name": "Jon Smithers", "phone": "+1 202 555 0143", "company": "ACME Corp."}
    result = run(uow_factory, importer, jon)

    assert (result.created, result.duplicates) == (1, 1)
    [problem] = notable(result)
    assert (problem.row, problem.outcome, problem.lead) == (2, "duplicate", "L-2")
    assert problem.reason.startswith("Likely duplicate of L-1") and "same company" in problem.reason
    assert stored(uow_factory)["L-2"]["duplicate_of"] == 1


def test_a_known_email_or_external_id_updates_the_lead_instead_of_adding_one(uow_factory, importer):
    first = run(
        uow_factory,
        importer,
        {"name": "Dana Scully", "email": "Dana@FBI.gov", "external_id": "crm-1"},
        {"name": "Fox Mulder", "email": "fox@fbi.gov", "external_id": "crm-2"},
    )
    again = run(
        uow_factory,
        importer,
        {"name": "Dana Scully", "email": "dana@fbi.gov", "title": "Agent"},
        {"name": "Fox Mulder", "email": "spooky@fbi.gov", "external_id": "crm-2"},
    )

    assert (first.created, again.created, again.updated) == (2, 0, 2)
    leads = stored(uow_factory)
    assert leads["L-1"]["title"] == "Agent"
    assert leads["L-2"]["email"] == "fox@fbi.gov"  # an identifier only fills a gap
    assert leads["L-1"]["activities"][-1][1] == "Captured again from import (same email): updated title"


def test_the_same_file_twice_changes_nothing_the_second_time(uow_factory, importer):
    people = ({"name": "Dana Scully", "email": "dana@fbi.gov"}, {"name": "Skinner", "phone": "202 555 0100"})
    run(uow_factory, importer, *people)
    before = {
        ref: {k: v for k, v in lead.items() if k not in ("activities", "audit")}
        for ref, lead in stored(uow_factory).items()
    }

    again = run(uow_factory, importer, *people)

    after = {
        ref: {k: v for k, v in lead.items() if k not in ("activities", "audit")}
        for ref, lead in stored(uow_factory).items()
    }
    assert (again.created, again.updated) == (0, 2) and after == before


def test_a_bad_row_is_reported_with_its_row_and_reason_and_the_rest_imported(uow_factory, importer):
    result = run(
        uow_factory,
        importer,
        {"name": "Dana Scully", "email": "dana@fbi.gov"},
        {"name": "Fox Mulder", "email": "fox-at-fbi.gov"},
        {"company": "FBI"},
        {"name": "Walter Skinner", "team": "narnia"},
        {"name": "Alex Krycek", "phone": "12"},
    )

    assert (result.created, result.rejected) == (3, 2)
    lines = {(problem.row, problem.outcome): problem for problem in result.problems}
    reasons = {row: problem.reason for (row, outcome), problem in lines.items() if outcome == "rejected"}
    assert set(reasons) == {3, 4}
    assert "'fox-at-fbi.gov' is not an email address" in reasons[3]
    assert "needs a name or an email" in reasons[4]
    assert all(lines[(row, "rejected")].lead is None for row in reasons)
    # an unknown team or an unreadable phone costs the row that value, not its lead
    assert [lines[(row, "created")].lead for row in (2, 5, 6)] == ["L-1", "L-2", "L-3"]
    assert "There is no team `narnia`" in lines[(5, "warning")].reason
    assert "Phone `12` cannot be read as a number in US" in lines[(6, "warning")].reason


def test_rows_meet_the_rows_before_them_across_batches(uow_factory, importer, index_reads):
    result = run(
        uow_factory,
        importer,
        {"name": "Jonathan Smithers", "email": "jonathan@acme.com", "company": "Acme Corporation"},
        {"name": "Dana Scully", "email": "dana@fbi.gov"},
        {"name": "Dana Scully", "email": "DANA@fbi.gov", "phone": "+1 202 555 0143"},
        {"name": "Jon Smithers", "company": "ACME Corp."},
        {"name": "D. Scully", "phone": "(202) 555-0143"},
        batch_rows=2,
    )

    assert (result.created, result.updated, result.duplicates) == (3, 2, 1)
    assert [(p.row, p.lead) for p in notable(result)] == [(5, "L-3")]
    leads = stored(uow_factory)
    assert leads["L-2"]["phone"] == "+12025550143" and leads["L-3"]["duplicate_of"] == 1


def test_a_row_whose_identifiers_belong_to_two_leads_is_refused_and_names_both(uow_factory, importer):
    dana = {"name": "Dana Scully", "external_id": "crm-1"}
    run(uow_factory, importer, dana, {"name": "Fox Mulder", "email": "fox@fbi.gov"})

    result = run(uow_factory, importer, {**dana, "email": "FOX@fbi.gov"})

    [problem] = notable(result)
    assert (problem.outcome, result.updated) == ("rejected", 0)
    assert problem.reason == (
        "The email fox@fbi.gov is already L-2's, but the external id is L-1's: "
        "a row can update one lead only."
    )
    assert stored(uow_factory)["L-1"]["email"] is None


def test_a_phone_another_person_holds_is_no_clash_it_is_shared(uow_factory, importer):
    dana = {"name": "Dana Scully", "external_id": "crm-1"}
    run(uow_factory, importer, dana, {"name": "Fox Mulder", "phone": "202 555 0143"})

    result = run(uow_factory, importer, {**dana, "phone": "+1 202 555 0143"})

    assert result.updated == 1 and [p.outcome for p in result.problems] == ["updated"]
    leads = stored(uow_factory)
    assert leads["L-1"]["phone"] == leads["L-2"]["phone"] == "+12025550143"


def test_an_external_id_kept_by_a_merged_lead_updates_the_lead_it_was_merged_into(uow_factory, ann, importer):
    run(uow_factory, importer, {"name": "Dana Scully", "external_id": "crm-1"}, {"name": "Dana Scully"})
    add_lead(AddLead(name="Walter Skinner"), uow_factory(), ann)
    merge_leads(MergeLeads(duplicate=1, keep=2), uow_factory(), Context(importer.actor, NOW, importer.config))

    result = run(uow_factory, importer, {"name": "Dana Scully", "external_id": "crm-1", "title": "Agent"})

    assert (result.created, result.updated, notable(result)) == (0, 1, ())
    leads = stored(uow_factory)
    assert leads["L-2"]["title"] == "Agent"
    assert leads["L-2"]["activities"][-1][1] == "Captured again from import (same external id): updated title"
    # The id stays with the merged lead (an undo gives it back) and still reaches L-2.
    assert (leads["L-1"]["external_id"], leads["L-2"]["external_id"]) == ("crm-1", None)


def test_a_merged_leads_external_id_is_followed_through_every_merge_as_add_lead_follows_it(
    uow_factory, ann, importer
):
    for external_id in ("crm-1", "crm-2", "crm-3"):
        add_lead(AddLead(name="Dana Scully", external_id=external_id), uow_factory(), ann)
    merge_leads(MergeLeads(duplicate=1, keep=2), uow_factory(), ann)
    merge_leads(MergeLeads(duplicate=2, keep=3), uow_factory(), ann)
    by_capture = add_lead(AddLead(name="Dana Scully", external_id="crm-1"), uow_factory(), ann)

    result = run(uow_factory, importer, {"name": "Dana Scully", "external_id": "crm-1", "title": "Agent"})

    assert (by_capture.lead.ref, result.updated, notable(result)) == ("L-3", 1, ())
    assert stored(uow_factory)["L-3"]["title"] == "Agent"


def test_a_merged_leads_external_id_on_a_row_about_another_lead_is_refused(uow_factory, ann, importer):
    run(uow_factory, importer, {"name": "Dana Scully", "external_id": "crm-1"}, {"name": "Dana Scully"})
    merge_leads(MergeLeads(duplicate=1, keep=2), uow_factory(), Context(importer.actor, NOW, importer.config))
    run(uow_factory, importer, {"name": "Fox Mulder", "email": "fox@fbi.gov"})

    fox_with_danas_id = {"name": "Fox Mulder", "email": "fox@fbi.gov", "external_id": "crm-1"}
    result = run(uow_factory, importer, fox_with_danas_id)

    assert [(p.outcome, p.reason) for p in notable(result)] == [
        (
            "rejected",
            "The email fox@fbi.gov is already L-3's, but the external id is L-2's: "
            "a row can update one lead only.",
        )
    ]


def test_imported_leads_go_to_the_pool_of_the_first_team_announced_nowhere(uow_factory, importer):
    run(uow_factory, importer, {"name": "Dana Scully"})

    with uow_factory() as uow:
        [lead] = uow.leads.all(CONSOLE_WORKSPACE)
        assert uow.outbox.added == 0
    assert (lead.owner_id, lead.sales_team, lead.created_by) == (None, "sales", "import")


def test_lead_numbers_follow_on_from_captures_and_captures_follow_on_from_them(uow_factory, ann, importer):
    add_lead(AddLead(name="Dana Scully"), uow_factory(), ann)
    run(uow_factory, importer, {"name": "Fox Mulder"}, {"name": "Walter Skinner"}, batch_rows=1)
    later = add_lead(AddLead(name="Alex Krycek"), uow_factory(), ann)

    assert later.lead.ref == "L-4"
    assert sorted(stored(uow_factory)) == ["L-1", "L-2", "L-3", "L-4"]


def test_leads_of_another_workspace_are_never_matched(uow_factory, config, importer):
    other = context_of(config, ANN, team=OTHER_WORKSPACE)
    add_lead(AddLead(name="Dana Scully", email="dana@fbi.gov"), uow_factory(), other)

    result = run(uow_factory, importer, {"name": "Dana Scully", "email": "dana@fbi.gov"})

    assert (result.created, result.updated, result.duplicates) == (1, 0, 0)


def test_progress_hears_the_last_row_of_each_batch(uow_factory, importer):
    heard: list[int] = []
    people = ({"name": f"Person {n}"} for n in range(5))
    run(uow_factory, importer, *people, batch_rows=2, progress=heard.append)

    assert heard == [3, 5, 6]


def customer_back(uow_factory: UowFactory, config: LeadbotConfig, workspace: str) -> None:
    """L-1, Dana Scully, bought last month: a contact now."""
    rep = context_of(config, ANN, now=NOW - timedelta(days=30), team=workspace)
    person = {"email": "dana@fbi.gov", "phone": "+1 202 555 0143", "fields": {"company": "FBI"}}
    dispatch(AddLead(name="Dana Scully", **person), uow_factory(), rep)
    dispatch(LogActivity(number=1, kind="call"), uow_factory(), rep)
    dispatch(ConvertLead(number=1), uow_factory(), rep)


def cycles(uow_factory: UowFactory, workspace: str) -> list[tuple[str, str, str | None, int, str | None]]:
    """(ref, status, title, cycle, the contact's first lead) of every lead."""
    with uow_factory() as uow:
        leads = uow.leads.all(workspace)
        contacts = {
            lead.contact_id: uow.contacts.get(workspace, lead.contact_id) for lead in leads if lead.contact_id
        }
        first = {
            contact_id: uow.leads.number_of(contact.lead_id)
            for contact_id, contact in contacts.items()
            if contact
        }
        return [
            (
                lead.ref,
                lead.status,
                lead.title,
                lead.cycle,
                lead_ref(first[lead.contact_id]) if lead.contact_id else None,
            )
            for lead in leads
        ]


@pytest.mark.parametrize("batch_rows", [1, 5])
def test_a_customer_back_is_their_next_cycle_as_add_lead_makes_it_not_a_change_to_the_won_lead(
    uow_factory, config, importer, batch_rows
):
    back = [
        {"name": "Dana Scully", "email": "dana@fbi.gov", "title": "Director"},
        {"name": "D. Scully", "phone": "+1 202 555 0143", "company": "FBI", "title": "Agent"},
        {"name": "Dana Scully", "email": "dana@fbi.gov", "title": "Deputy Director"},  # the first row again
    ]
    for workspace in (CONSOLE_WORKSPACE, OTHER_WORKSPACE):
        customer_back(uow_factory, config, workspace)
    one_by_one = Context(system_actor(OTHER_WORKSPACE, "import"), NOW, config)
    for row in rows(*back):
        add_lead(lead_command(row), uow_factory(), one_by_one)

    result = run(uow_factory, importer, *back, batch_rows=batch_rows)

    assert (result.created, result.updated, result.duplicates, result.returning) == (2, 1, 0, 2)
    assert [(p.row, p.outcome, p.lead, p.reason) for p in notable(result)] == [
        (2, "returning", "L-2", "Returning customer: contact of L-1, cycle 2"),
        (3, "returning", "L-3", "Returning customer: contact of L-1, cycle 3"),
    ]
    assert (
        cycles(uow_factory, CONSOLE_WORKSPACE)
        == cycles(uow_factory, OTHER_WORKSPACE)
        == [
            ("L-1", "converted", None, 1, "L-1"),
            ("L-2", "new", "Deputy Director", 2, "L-1"),
            ("L-3", "new", "Agent", 3, "L-1"),
        ]
    )


@pytest.mark.parametrize("batch_rows", [1, 5])
def test_a_colleague_on_the_customers_line_is_a_new_person_as_add_lead_makes_it(
    uow_factory, config, importer, batch_rows
):
    colleagues = [
        {"name": "Fox Mulder", "email": "fox@fbi.gov", "phone": "+1 202 555 0143"},
        {"name": "Walter Skinner", "phone": "+1 202 555 0143", "company": "FBI"},
    ]
    for workspace in (CONSOLE_WORKSPACE, OTHER_WORKSPACE):
        customer_back(uow_factory, config, workspace)
    one_by_one = Context(system_actor(OTHER_WORKSPACE, "import"), NOW, config)
    for row in rows(*colleagues):
        add_lead(lead_command(row), uow_factory(), one_by_one)

    result = run(uow_factory, importer, *colleagues, batch_rows=batch_rows)

    assert result.returning == 0
    assert (
        cycles(uow_factory, CONSOLE_WORKSPACE)
        == cycles(uow_factory, OTHER_WORKSPACE)
        == [
            ("L-1", "converted", None, 1, "L-1"),
            ("L-2", "new", None, 1, None),
            ("L-3", "new", None, 1, None),
        ]
    )


def test_a_customer_the_file_says_bought_comes_back_as_their_next_cycle(uow_factory, ann, importer):
    """A CRM's closed-won row is a customer, as a conversion in Slack makes one: their next
    interest, from a later file or from Slack, is not a likely duplicate of the won lead."""
    jurgen = {"name": "Jürgen Müller", "email": "j.mueller@berliner-werk.de"}
    run(uow_factory, importer, {**jurgen, "status": "Won"})

    again = run(uow_factory, importer, jurgen)
    back = add_lead(AddLead(name="Jürgen Müller", email="j.mueller@berliner-werk.de"), uow_factory(), ann)

    assert (again.created, again.duplicates, again.returning) == (1, 0, 1)
    assert [p.reason for p in notable(again)] == ["Returning customer: contact of L-1, cycle 2"]
    assert (back.outcome, back.lead.ref) == ("updated", "L-2")  # their open cycle, by email
    assert [
        (ref, status, cycle, first) for ref, status, _, cycle, first in cycles(uow_factory, CONSOLE_WORKSPACE)
    ] == [
        ("L-1", "converted", 1, "L-1"),
        ("L-2", "new", 2, "L-1"),
    ]


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_customer_back_later_in_the_same_file_is_their_next_cycle(uow_factory, importer, dry_run):
    """As in a later file: the won row makes a contact, the later row is that customer back,
    not a likely duplicate of the won lead, whichever batch each row falls in."""
    jurgen = {"name": "Jürgen Müller", "email": "j.mueller@berliner-werk.de"}
    phone_only = {"name": "Jürgen Müller", "phone": "+49 30 901820"}
    won = {**jurgen, **phone_only, "status": "Won"}

    result = run(uow_factory, importer, won, jurgen, phone_only, dry_run=dry_run)

    assert (result.created, result.duplicates, result.returning) == (3, 0, 2)
    assert [p.reason for p in notable(result)] == [
        "Returning customer: contact of L-1, cycle 2",
        "Returning customer: contact of L-1, cycle 3",
    ]
    if not dry_run:
        stored = cycles(uow_factory, CONSOLE_WORKSPACE)
        assert [(ref, status, cycle, first) for ref, status, _, cycle, first in stored] == [
            ("L-1", "converted", 1, "L-1"),
            ("L-2", "new", 2, "L-1"),
            ("L-3", "new", 3, "L-1"),
        ]


def test_a_customer_the_file_says_bought_is_a_returning_customer_in_slack(uow_factory, ann, importer):
    run(
        uow_factory,
        importer,
        {"name": "Jürgen Müller", "email": "j.mueller@berliner-werk.de", "status": "Won"},
    )

    back = add_lead(AddLead(name="Jürgen Müller", email="j.mueller@berliner-werk.de"), uow_factory(), ann)

    assert back.returning is not None and back.returning.name == "Jürgen Müller"
    assert (back.outcome, back.lead.ref, back.duplicate) == ("created", "L-2", None)
    with uow_factory() as uow:  # the customer the import made is in the audit trail, as a conversion's is
        made = [
            (e.action, e.after["email"], e.after["lead_id"])
            for e in uow.audit.entries(CONSOLE_WORKSPACE, f"contact:{back.returning.id}")
        ]
    assert made == [("contact.created", "j.mueller@berliner-werk.de", 1)]


def test_a_dry_run_counts_a_customer_back_as_a_new_cycle(uow_factory, config, importer):
    customer_back(uow_factory, config, CONSOLE_WORKSPACE)
    back = (
        {"name": "Dana Scully", "email": "dana@fbi.gov"},
        {"name": "Dana Scully", "phone": "+12025550143"},
    )

    result = run(uow_factory, importer, *back, dry_run=True, batch_rows=1)

    assert (result.created, result.updated, result.duplicates, result.returning) == (2, 0, 0, 2)
    assert [p.reason for p in notable(result)][-1] == "Returning customer: contact of L-1, cycle 3"
    assert [ref for ref, *_ in cycles(uow_factory, CONSOLE_WORKSPACE)] == ["L-1"]


# --- the same results as add_lead, row for row -----------------------------------------------


def readable_command(row: ImportRow, config) -> AddLead:
    """What the import makes of a row: a phone that cannot be read is left out, not the row."""
    values = read_values(row, config).values
    try:
        normalize_phone(values.get("phone"), config.default_region)
    except InvalidInput:
        values.pop("phone")
    return lead_command(row, values)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_import_stores_what_add_lead_stores_row_by_row(uow_factory, config, importer, seed, index_reads):
    source = random_rows(seed, 60)
    one_by_one = Context(system_actor(OTHER_WORKSPACE, "import"), NOW, config)
    outcomes = {"created": 0, "updated": 0, "duplicates": 0, "rejected": 0}
    for row in rows(*source):
        try:
            captured = add_lead(readable_command(row, config), uow_factory(), one_by_one)
        except (InvalidInput, Conflict):  # a bad value, or an identifier another lead holds
            outcomes["rejected"] += 1
            continue
        outcomes["created" if captured.outcome == "created" else "updated"] += 1
        outcomes["duplicates"] += captured.duplicate is not None

    result = run(uow_factory, importer, *source, batch_rows=7)

    counts = {
        "created": result.created,
        "updated": result.updated,
        "duplicates": result.duplicates,
        "rejected": result.rejected,
    }
    assert counts == outcomes
    assert min(counts.values()) > 0  # the rows exercise every outcome
    assert stored(uow_factory) == stored(uow_factory, OTHER_WORKSPACE)


@pytest.mark.parametrize("seed", [4, 5])
def test_a_dry_run_reports_what_the_import_will_do_and_writes_nothing(
    uow_factory, importer, seed, index_reads
):
    source = random_rows(seed, 60)
    run(uow_factory, importer, *random_rows(seed + 100, 10))
    before = stored(uow_factory)

    dry = run(uow_factory, importer, *source, batch_rows=7, dry_run=True)

    assert stored(uow_factory) == before
    real = run(uow_factory, importer, *source, batch_rows=7)
    assert dry == replace(real, dry_run=True)


def notable(result: LeadsImported) -> tuple[ImportProblem, ...]:
    """The report's lines that need a look: every row also has its created or updated line."""
    return tuple(p for p in result.problems if p.outcome not in ("created", "updated"))


# --- CSV text and headers ----------------------------------------------------------------


def csv_rows(text: str) -> list[ImportRow]:
    return list(read_rows(text, read_layout(text)))


def test_headers_are_read_through_aliases_whatever_their_case_and_punctuation():
    text = (
        "E-mail,Company Name,Mobile,Job Title,Lead Source,Web site,Lead ID,sales_team,First Name,LAST NAME\n"
        "dana@fbi.gov,FBI,202 555 0143,Agent,Referral,fbi.gov,crm-7,sales,Dana,Scully\n"
    )

    [row] = csv_rows(text)

    command = lead_command(row)
    assert (command.name, command.email, command.phone) == ("Dana Scully", "dana@fbi.gov", "202 555 0143")
    assert command.fields == {"company": "FBI", "title": "Agent", "source": "Referral", "website": "fbi.gov"}
    assert (command.external_id, command.sales_team) == ("crm-7", "sales")
    assert command.channel is CaptureChannel.IMPORT


@pytest.mark.parametrize(
    "header",
    ["Email Address", "e_mail", "MAIL", " Email "],
)
def test_email_column_aliases(header):
    assert read_layout(f"{header},Name\n").columns == ("email", "name")


def test_unknown_columns_are_ignored_and_named_once_with_a_hint_when_they_look_known():
    layout = read_layout("Name,Shoe Size,Lead Sorce,Email\nDana,38,web,d@fbi.gov\n")
    assert (layout.ignored, layout.columns) == (("Shoe Size", "Lead Sorce"), ("name", None, None, "email"))
    assert layout.skipped == (
        "`Shoe Size`: not imported",
        "`Lead Sorce`: not imported (did you mean `Lead Source`?)",
    )


def test_a_column_a_crm_writes_and_leadbot_keeps_out_gets_no_hint():
    """LinkedIn's "Form Name" names the form, and is not a misspelt "Forename"."""
    layout = read_layout(
        "First Name,Last Name,Email Address,Form Name\nDana,Scully,d@fbi.gov,Request a demo\n"
    )
    assert layout.skipped == ("`Form Name`: not imported",)


def test_a_byte_order_mark_and_semicolons_are_understood():
    text = decode("\ufeffName;Email\nDana Scully;dana@fbi.gov\n".encode())
    [row] = csv_rows(text)
    assert dict(row.values) == {"name": "Dana Scully", "email": "dana@fbi.gov"}


def test_rows_are_numbered_as_a_spreadsheet_shows_them_and_blank_ones_skipped():
    text = 'Name,Notes\nDana,"two\nlines"\n,\n\nFox,\n'
    assert [(row.number, row.values["name"]) for row in csv_rows(text)] == [(2, "Dana"), (5, "Fox")]


def test_a_row_longer_than_the_header_is_refused():
    [row] = csv_rows("Name,Email\nDana Scully,dana@fbi.gov,oops\n")
    with pytest.raises(Exception, match="1 more value"):
        lead_command(row)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"Notes,Owner\nx,y\n", "No column gives a name or an email"),
        (bytes(range(256)) * 20, "encoding cannot be told for sure"),
    ],
)
def test_text_that_cannot_be_imported_says_why(data, message):
    with pytest.raises(UnreadableCsv, match=message):
        read_layout(decode(data))


def test_an_overlong_value_is_a_rejected_row_not_a_crash(uow_factory, importer):
    result = run(uow_factory, importer, {"name": "D" * 300}, {"name": "Dana", "external_id": "x" * 300})
    assert [p.outcome for p in result.problems] == ["rejected", "rejected"]
    assert isinstance(result.problems[0], ImportProblem) and "name" in result.problems[0].reason


# --- one identity rule: a shared phone (a switchboard) is not a person -------------------------


def test_colleagues_behind_one_switchboard_each_get_a_lead_and_change_nobody_else(
    uow_factory, ann, importer, index_reads
):
    add_lead(
        AddLead(
            name="Marie Curie",
            email="marie@acme.fr",
            phone="+33 1 42 68 53 00",
            fields={"company": "ACME Corp."},
        ),
        uow_factory(),
        ann,
    )
    colleagues = [
        {
            "name": name,
            "email": f"{name.split()[0].lower()}@acme.fr",
            "phone": "+33 1 42 68 53 00",
            "company": "ACME",
        }
        for name in ("Jean Martin", "Luc Besson", "Anne Dubois")
    ]

    result = run(uow_factory, importer, *colleagues, batch_rows=2)

    assert (result.created, result.updated, result.duplicates) == (3, 0, 0)
    created = [("created", f"L-{n}") for n in (2, 3, 4)]
    assert [(p.outcome, p.lead) for p in result.problems] == created
    leads = stored(uow_factory)
    names = [lead["name"] for lead in leads.values()]
    assert names == ["Marie Curie", "Jean Martin", "Luc Besson", "Anne Dubois"]
    assert leads["L-1"]["company"] == "ACME Corp." and len(leads["L-1"]["activities"]) == 1
    assert {lead["phone"] for lead in leads.values()} == {"+33142685300"}


def test_a_row_with_only_the_switchboard_finds_the_colleague_it_names(uow_factory, importer, index_reads):
    run(
        uow_factory,
        importer,
        {"name": "Marie Curie", "email": "marie@acme.fr", "phone": "+33 1 42 68 53 00"},
        {"name": "Jean Martin", "email": "jean@acme.fr", "phone": "+33 1 42 68 53 00"},
    )

    result = run(uow_factory, importer, {"name": "Jean Martin", "phone": "+33142685300", "title": "CFO"})

    assert (result.created, result.updated) == (0, 1)
    assert stored(uow_factory)["L-2"]["title"] == "CFO"


def test_a_look_alike_behind_the_same_phone_is_created_and_flagged(uow_factory, importer):
    result = run(
        uow_factory,
        importer,
        {"name": "Jonathan Smithers", "email": "jonathan@acme.com", "phone": "+1 202 555 0143"},
        {"name": "Jon Smithers", "email": "jon.s@initech.com", "phone": "+1 202 555 0143"},
    )

    assert (result.created, result.duplicates) == (2, 1)
    [problem] = [p for p in result.problems if p.outcome != "created"]
    assert (problem.outcome, problem.lead) == ("duplicate", "L-2")
    assert "same phone" in problem.reason
