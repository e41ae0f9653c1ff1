"""`/lead import` from Slack: a manager attaches a CSV in a form; the rows go through
the same import as `leadbot import` and the result, with its report, comes as a DM."""

import sqlalchemy as sa
from import_support import submit as submit_file
from resend_support import settle
from support import ANN, MIA, wait_for_calls

from bot.ids import CallbackId, ImportInput
from store.tables import LeadRow

CSV = (
    b"First Name,Last Name,E-mail,Company Name\n"
    b"Jon,Smithers,jon@acme.example,ACME Corp.\n"
    b"Dana,Scully,dana@fbi.gov,FBI\n"
    b"Nobody,,not-an-email,\n"
)


def submit(slack, fake_slack, user, content=CSV, **options):
    return submit_file(slack, fake_slack, user, content, **options)


def dm_text(fake_slack) -> str:
    return wait_for_calls(fake_slack, "chat.postMessage")[-1].params["text"]


def leads(runtime) -> list[str]:
    with runtime.engine.connect() as connection:
        return list(connection.execute(sa.select(LeadRow.name).order_by(LeadRow.number)).scalars())


def test_a_manager_gets_the_upload_form(slack, fake_slack):
    reply = slack.slash(MIA, "import")
    assert reply.status == 200 and not reply.text
    [opened] = wait_for_calls(fake_slack, "views.open")
    view = opened.params["view"]
    assert view["callback_id"] == CallbackId.IMPORT_FORM
    assert any(b.get("element", {}).get("type") == "file_input" for b in view["blocks"])


def test_a_rep_is_told_who_may_import_and_gets_no_form(slack, fake_slack):
    reply = slack.slash(ANN, "import")
    assert "managers and admins" in reply.text
    assert fake_slack.calls_to("views.open") == []


def test_naming_a_file_gets_the_usage(slack):
    reply = slack.slash(MIA, "import leads.csv")
    assert "takes no file name" in reply.text and "leadbot import FILE.csv" in reply.text


def test_the_rows_are_imported_and_the_likely_duplicate_reported_in_a_dm(slack, fake_slack, runtime):
    slack.slash(ANN, 'add "Jonathan Smithers" jonathan@acme.example company:"Acme Corporation"')
    ack = submit(slack, fake_slack, MIA)
    assert ack.body["response_action"] == "update" and "Importing" in str(ack.body["view"])
    text = dm_text(fake_slack)
    assert "Imported *leads.csv*: 2 new (of which 1 flagged as likely duplicates)" in text
    assert "1 rejected" in text
    assert leads(runtime) == ["Jonathan Smithers", "Jon Smithers", "Dana Scully"]
    [report] = wait_for_calls(fake_slack, "upload_url")
    content = report.params["content"].decode()
    assert "Likely duplicate of L-1" in content and "rejected" in content


def test_a_dry_run_saves_nothing(slack, fake_slack, runtime):
    submit(slack, fake_slack, MIA, dry_run=True)
    assert "Dry run: nothing was saved" in dm_text(fake_slack)
    assert leads(runtime) == []


def test_a_file_that_is_no_csv_is_refused_with_the_reason(slack, fake_slack, runtime):
    submit(slack, fake_slack, MIA, content=b"\xff\xfe\x00binary", name="photo.csv")
    text = dm_text(fake_slack)
    assert "Could not import *photo.csv*" in text and "Nothing was saved" in text
    assert leads(runtime) == []


def test_submitting_without_a_file_asks_for_one(slack, fake_slack):
    ack = submit(slack, fake_slack, MIA, attach=False)
    assert ack.body["response_action"] == "errors"
    assert ack.body["errors"] == {ImportInput.FILE: "Attach the CSV or Excel file to import."}


def test_a_crm_export_is_imported_and_the_columns_not_imported_are_in_the_dm(slack, fake_slack, runtime):
    from crm_exports import FIXTURES, PIPEDRIVE

    submit(slack, fake_slack, MIA, content=(FIXTURES / PIPEDRIVE.file).read_bytes(), name=PIPEDRIVE.file)

    text = str(wait_for_calls(fake_slack, "chat.postMessage")[-1].params["blocks"])
    # 27: Claire's colleague on her switchboard number is his own lead
    assert "27 new" in text and "1 rejected; 1 value left out of rows that were kept" in text
    assert "Columns not imported (1):" in text and "`Organization - Address`: not imported" in text
    assert "Νίκος Παπαδόπουλος" in leads(runtime)
    [report] = wait_for_calls(fake_slack, "upload_url")
    lines = report.params["content"].decode().splitlines()
    assert lines[1] == "1,warning,,Column `Organization - Address`: not imported"
    assert "2,created,L-1,New lead" in lines


def test_an_excel_workbook_can_be_attached(slack, fake_slack, runtime):
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Name", "Email", "Phone", "Country"])
    book.active.append(["Claire Dubois", "claire@lumiere.fr", "01 42 68 53 00", "France"])
    data = io.BytesIO()
    book.save(data)

    submit(slack, fake_slack, MIA, content=data.getvalue(), name="leads.xlsx")

    assert "Imported *leads.xlsx*: 1 new" in dm_text(fake_slack)
    with runtime.engine.connect() as connection:
        assert connection.execute(sa.select(LeadRow.phone)).scalar_one() == "+33142685300"


def test_the_team_channel_hears_once_what_the_import_brought_it(slack, fake_slack, runtime):
    team_channel = runtime.config.teams[0].channel

    submit(slack, fake_slack, MIA)
    settle(runtime)  # the import's work after the ack, then the outbox delivered

    posts = fake_slack.calls_to("chat.postMessage")
    in_channel = [post.params["text"] for post in posts if post.params["channel"] == team_channel]
    assert len(in_channel) == 1  # one summary, never a message per lead
    [summary] = in_channel
    assert "An import brought" in summary and "2 leads: 2 new, 0 updated" in summary
    assert "2 leads without a rep yet" in summary
