"""Reading an import's cells: the column table, the row's own country, the dates CRMs and
Excel write, CRM statuses."""

from datetime import UTC, datetime

import pytest

from domain.importing.status import lifecycle_of
from domain.lifecycle import LeadStatus
from handlers.importing.columns import COLUMNS, field_of, header_key, map_header
from handlers.importing.values import read_date, read_website, region_of_country, row_region, tells_day_first


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Company / Account", "company"),
        ("Organization - Name", "company"),
        ("Person - Name", "name"),
        ("Person - Email", "email"),
        ("Person - Phone", "phone"),
        ("Person - Job title", "title"),
        ("Lead - Title", "deal"),  # Pipedrive's lead title is the deal, not the person's job
        ("Original Source", "source"),
        ("Lead Source", "source"),
        ("LeadSource", "source"),  # Salesforce's API name
        ("Lead Status", "status"),
        ("Salesperson", "owner"),
        ("Lead Owner", "owner"),
        ("Contact owner", "owner"),
        ("Create Date", "created"),
        ("Created Time", "created"),
        ("Created on", "created"),
        ("Tags", "tags"),
        ("Opportunity", "deal"),
        ("Record ID", "external_id"),
        ("Lead ID", "external_id"),
        ("Mobile", "phone2"),
        ("Designation", "title"),
        ("primary_contact_primary_email", "email"),
        ("Person - Country", "country"),  # a prefix is read through to what follows it
        ("Organization - Address", None),  # an organisation's own columns are not the person's
    ],
)
def test_crm_headers_mean_the_lead_field(header, field):
    assert field_of(header) == field


def test_the_table_has_no_header_under_two_fields():
    seen: dict[str, str] = {}
    for field, headers in COLUMNS.items():
        for header in headers:
            assert seen.setdefault(header_key(header), field) == field, header


def test_a_phone_and_a_mobile_are_a_phone_and_a_second_phone_never_a_refusal():
    assert map_header(["Name", "Phone", "Mobile"]).columns == ("name", "phone", "phone2")
    assert map_header(["Name", "Mobile", "Phone"]).columns == ("name", "phone2", "phone")


def test_the_table_ranks_a_second_column_for_a_field_not_the_file_order():
    mapped = map_header(["Email", "Lifecycle Stage", "Lead Status"])
    assert mapped.columns == ("email", None, "status")
    assert mapped.skipped == ("`Lifecycle Stage`: `Lead Status` gives the status",)


@pytest.mark.parametrize(
    ("country", "email", "region"),
    [
        ("France", None, "FR"),
        ("FR", None, "FR"),
        ("Frankreich", None, "FR"),
        ("Россия", None, "RU"),
        ("日本", None, "JP"),
        ("UK", None, "GB"),
        (None, "jean@entreprise.fr", "FR"),
        (None, "ann@thames.co.uk", "GB"),
        (None, "ceo@startup.io", "US"),  # .io says nothing of where the person is
        ("Atlantis", "a@b.de", "DE"),
        (None, None, "US"),
    ],
)
def test_a_rows_phones_are_read_in_its_country_else_its_emails_else_the_workspaces(country, email, region):
    assert row_region(country, email, "US") == region


def test_a_country_nobody_knows_is_none():
    assert region_of_country("Atlantis") is None


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2024-03-15 10:22", True, datetime(2024, 3, 15, 10, 22, tzinfo=UTC)),
        ("2024-03-15T10:22:33.123000+01:00", True, datetime(2024, 3, 15, 9, 22, 33, 123000, tzinfo=UTC)),
        ("3/15/2024 10:22 AM", True, datetime(2024, 3, 15, 10, 22, tzinfo=UTC)),  # the 15th can only be a day
        ("3/4/2024 1:05 PM", False, datetime(2024, 3, 4, 13, 5, tzinfo=UTC)),
        ("3/4/2024", True, datetime(2024, 4, 3, tzinfo=UTC)),
        ("15.03.2024 10:22", False, datetime(2024, 3, 15, 10, 22, tzinfo=UTC)),
        ("Mar 15, 2024 10:22 AM", True, datetime(2024, 3, 15, 10, 22, tzinfo=UTC)),
        ("45366.5", True, datetime(2024, 3, 15, 12, 0, tzinfo=UTC)),  # an Excel serial date
        ("45366", True, datetime(2024, 3, 15, tzinfo=UTC)),
    ],
)
def test_dates_are_read_in_the_forms_crms_and_excel_write(text, day_first, expected):
    assert read_date(text, day_first=day_first) == expected


@pytest.mark.parametrize("text", ["someday", "31/31/2024", "12345", "1899-01-01", "n/a"])
def test_what_is_no_date_reads_as_none(text):
    assert read_date(text, day_first=True) is None


def test_a_date_tells_its_files_order_only_when_it_can():
    assert [tells_day_first(t) for t in ("25/03/2024", "03/25/2024", "03/04/2024", "2024-03-25")] == [
        True,
        False,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("text", "ok"), [("fbi.gov", True), ("https://x.co/a", True), ("see notes", False), ("n/a", False)]
)
def test_a_website_is_kept_only_when_it_can_be_one(text, ok):
    assert (read_website(text) is not None) == ok


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Open - Not Contacted", LeadStatus.NEW),
        ("Working - Contacted", LeadStatus.CONTACTED),
        ("Nurturing", LeadStatus.NURTURING),
        ("Unqualified", LeadStatus.NURTURING),  # to nurture, never to the bin
        ("Qualified", LeadStatus.QUALIFIED),
        ("Closed - Converted", LeadStatus.CONVERTED),
        ("closed-won", LeadStatus.CONVERTED),
        ("Closed - Not Converted", LeadStatus.LOST),
        ("closed-lost", LeadStatus.LOST),
        ("Demo booked", None),
    ],
)
def test_crm_statuses_read_into_the_lifecycle(text, status):
    assert lifecycle_of(text) is status


def test_the_configs_status_names_come_first():
    overrides = {"Demo booked": LeadStatus.QUALIFIED, "New": LeadStatus.CONTACTED}
    assert (lifecycle_of("demo BOOKED", overrides), lifecycle_of("new", overrides)) == (
        LeadStatus.QUALIFIED,
        LeadStatus.CONTACTED,
    )
