"""`leadbot privacy export|erase EMAIL`: a person who came in through Slack and the events
webhook, with notes, a reminder, events and messages, exported and then erased; every
table is then searched for their name, email and phone."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from support import ANN, MIA, SIGNING_SECRET
from typer.testing import CliRunner
from webhook_support import EVENTS, send

from bot.local.standin import SlackSigner
from bot.local.standin.workspace import LocalWorkspace, in_process
from bot.operations.cli import cli
from domain.config import CONSOLE_WORKSPACE

runner = CliRunner()
EMAIL, PHONE, NAME = "dana@fbi.gov", "+12025550143", "Dana Scully"
TRACES = (NAME, "Scully", EMAIL, PHONE, "2025550143", "FBI Basement")


@pytest.fixture
def slack(signed_runtime, fake_slack) -> LocalWorkspace:
    """People in the console workspace, on the runtime whose webhooks are signed."""
    return LocalWorkspace(
        in_process(signed_runtime.app), fake_slack, SlackSigner(SIGNING_SECRET), CONSOLE_WORKSPACE
    )


@pytest.fixture
def import_report(dana, env, tmp_path) -> Path:
    """`leadbot import` of a file whose report quotes Dana's email (a colleague's row gave it
    as a website): a file Leadbot writes, which the erasure must reach too."""
    sheet = tmp_path / "imports" / "skinner.csv"
    sheet.parent.mkdir()
    sheet.write_text(f"name,email,website\nWalter Skinner,skinner@fbi.gov,see {EMAIL}\n", encoding="utf-8")
    result = runner.invoke(cli, ["import", str(sheet)], env=env)
    assert result.exit_code == 0, result.output
    report = sheet.with_name("skinner.report.csv")
    assert EMAIL in report.read_text(encoding="utf-8")
    return report


@pytest.fixture
def dana(slack, server):
    """Dana, with two leads (one converted, then back), notes, a reminder, events; and Fox,
    who must come through untouched."""
    slack.slash(ANN, f'add "{NAME}" {EMAIL} {PHONE} company:"FBI Basement" title:Agent source:referral')
    slack.slash(ANN, "add Fox Mulder fox@fbi.gov source:referral")
    slack.slash(ANN, f"note L-1 {NAME} says call {PHONE} after five")
    slack.slash(ANN, f"remind L-1 in 1 minute call {NAME} about the X files")
    slack.slash(ANN, "log L-1 call")
    assert (
        send(server, {"email": EMAIL, "event": "page_visited", "url": f"https://x.co/?who={EMAIL}"}, EVENTS)[
            0
        ]
        == 200
    )
    slack.slash(ANN, "convert L-1 value:2500")
    slack.slash(ANN, f"add {NAME} {EMAIL} source:webinar")  # back for more: her second cycle


def traces_in(url: str) -> list[tuple[str, str, str]]:
    """(table, column, trace) for every text of every table holding one of TRACES: all
    columns of every table, read by reflection, so a table added later is searched too."""
    engine = sa.create_engine(url)
    found = []
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                for column in table.columns:
                    text = sa.cast(column, sa.Text)
                    for trace in TRACES:
                        hits = sa.select(sa.func.count()).where(text.contains(trace, autoescape=True))
                        if connection.scalar(hits.select_from(table)):
                            found.append((table.name, column.name, trace))
    finally:
        engine.dispose()
    return found


def queue_file(url: str) -> Path | None:
    database = sa.engine.make_url(url).database
    if not url.startswith("sqlite") or not database:
        return None
    path = Path(database)
    queue = path.with_name(f"{path.stem}-queue{path.suffix}")
    return queue if queue.exists() else None


def export(env) -> dict:
    result = runner.invoke(cli, ["privacy", "export", EMAIL], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_export_holds_everything_about_the_person_and_nothing_of_others(dana, env):
    held = export(env)
    [workspace] = held["workspaces"]
    assert workspace["workspace"] == CONSOLE_WORKSPACE
    assert [lead["ref"] for lead in workspace["leads"]] == ["L-1", "L-3"]
    assert {lead["name"] for lead in workspace["leads"]} == {NAME}
    assert [contact["email"] for contact in workspace["contacts"]] == [EMAIL]
    assert any(PHONE in note["body"] for note in workspace["timeline"])
    assert [r["text"] for r in workspace["reminders"]] == [f"call {NAME} about the X files"]
    assert sorted(e["kind"] for e in workspace["engagement_events"]) == ["call", "page_visited"]
    assert workspace["score_history"] and workspace["audit"]
    assert {(e["entity"], e["entity_ref"]) for e in workspace["audit"]} == {
        ("lead", "L-1"),
        ("lead", "L-3"),
        ("contact", "contact:1"),
    }
    assert "Fox Mulder" not in json.dumps(held)


def test_erase_without_yes_says_what_and_changes_nothing(dana, env):
    before = export(env)
    result = runner.invoke(cli, ["privacy", "erase", EMAIL], env=env)
    assert result.exit_code == 0 and "L-1, L-3" in result.stdout and "--yes" in result.stdout
    assert export(env) == before


def test_erase_leaves_no_trace_and_the_report_adds_up(dana, env, slack, database_url, import_report):
    report_before = slack.slash(MIA, "report").text
    assert traces_in(database_url)  # the search finds what is there

    result = runner.invoke(cli, ["privacy", "erase", EMAIL, "--yes"], env=env)

    assert result.exit_code == 0 and "Erased" in result.stdout, result.output
    assert traces_in(database_url) == []
    queue = queue_file(database_url)
    assert queue is None or traces_in(f"sqlite:///{queue}") == []
    assert slack.slash(MIA, "report").text == report_before
    kept = import_report.read_text(encoding="utf-8")
    assert EMAIL not in kept and "Website `see (erased)`" in kept
    assert "Fox Mulder" in slack.slash(ANN, "show L-2").text
    erased = slack.slash(ANN, "show L-1").text
    assert "(erased)" in erased


def test_the_erasure_is_in_the_audit_log_without_the_person(dana, env):
    runner.invoke(cli, ["privacy", "erase", EMAIL, "--yes"], env=env)
    lines = runner.invoke(cli, ["audit", "export"], env=env).stdout.splitlines()
    [erasure] = [json.loads(line) for line in lines if '"person.erased"' in line]
    assert erasure["actor"] == "leadbot-cli" and erasure["after"]["leads"] == ["L-1", "L-3"]
    assert EMAIL not in json.dumps(erasure) and NAME not in json.dumps(erasure)
    assert export(env)["workspaces"] == []  # nothing is found under that email any more


def test_nothing_held_and_a_bad_address_are_said_plainly(env):
    result = runner.invoke(cli, ["privacy", "erase", "nobody@example.com", "--yes"], env=env)
    assert result.exit_code == 0 and "Nothing is held about nobody@example.com" in result.stdout
    bad = runner.invoke(cli, ["privacy", "export", "not an email"], env=env)
    assert bad.exit_code == 2 and "not an email address" in bad.output and "Traceback" not in bad.output


def test_erase_leaves_no_trace_in_the_sqlite_files_either(dana, env, database_url):
    """Not only no row: no byte. SQLite keeps deleted and overwritten content in free space
    and in its write-ahead log unless told otherwise."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's files are the server's (VACUUM reclaims dead rows)")
    database = Path(sa.engine.make_url(database_url).database)
    assert runner.invoke(cli, ["privacy", "erase", EMAIL, "--yes"], env=env).exit_code == 0
    files = [path for path in database.parent.iterdir() if path.name.startswith(database.stem)]
    found = [(path.name, trace) for path in files for trace in TRACES if trace.encode() in path.read_bytes()]
    assert found == []
