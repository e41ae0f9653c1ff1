"""`/lead import` of a long file: one DM kept up to date as batches land (paced), then the
summary with the report; under `leadbot serve` the import runs in a low-priority process of its
own, not in the server's threads."""

import csv
import io

import pytest
import sqlalchemy as sa
from import_support import submit
from support import MIA, SIGNING_SECRET, wait_for_calls

import bot.listeners.import_upload as import_upload
from bot.bootstrap import build_runtime
from bot.listeners.import_upload import ProgressMessage
from bot.local.standin import SlackSigner
from bot.local.standin.workspace import LocalWorkspace, in_process
from domain.config import CONSOLE_WORKSPACE
from store.tables import LeadRow

ROWS = 45
BATCH = 10
BACKGROUND_SECONDS = 120  # a spawned process on a busy machine


def people(count: int = ROWS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "Email"])
    writer.writerows([f"Person{i} Surname{i}", f"person{i}@example{i}.com"] for i in range(count))
    return out.getvalue().encode()


def lead_count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(LeadRow)).scalar_one()


@pytest.fixture
def small_batches(monkeypatch):
    """Five batches, and a DM update allowed for each (pacing is tested on its own below)."""
    monkeypatch.setattr(import_upload, "BATCH_ROWS", BATCH)
    monkeypatch.setattr(import_upload, "PROGRESS_SECONDS", 0.0)


def summary_of(fake_slack, name: str) -> str:
    [summary] = [
        c.params["text"]
        for c in fake_slack.calls_to("chat.postMessage")
        if f"Imported *{name}*" in c.params["text"]
    ]
    return summary


def progress_calls(fake_slack):
    posted = [c for c in fake_slack.calls_to("chat.postMessage") if "⏳ Importing" in c.params["text"]]
    return posted, fake_slack.calls_to("chat.update")


def test_a_long_import_keeps_one_dm_up_to_date_then_sends_the_summary(
    slack, fake_slack, runtime, small_batches
):
    submit(slack, fake_slack, MIA, content=people(), name="people.csv")

    [report] = wait_for_calls(fake_slack, "upload_url", timeout=30)
    [progress], updates = progress_calls(fake_slack)
    assert "people.csv*: 10 of 45 rows done (22%)" in progress.params["text"]
    assert len({u.params["ts"] for u in updates}) == 1  # one message, updated
    assert [u.params["text"].split(": ", 1)[1] for u in updates[:-1]] == [
        "20 of 45 rows done (44%)…",
        "30 of 45 rows done (66%)…",
        "40 of 45 rows done (88%)…",
        "45 of 45 rows done (100%)…",
    ]
    assert "finished: the summary and the report are below" in updates[-1].params["text"]
    assert "Imported *people.csv*: 45 new" in summary_of(fake_slack, "people.csv")
    assert len(report.params["content"].decode().splitlines()) == 1 + ROWS  # header, a line a row
    assert lead_count(runtime.engine) == ROWS


def test_a_small_import_gets_its_summary_alone(slack, fake_slack, runtime):
    submit(slack, fake_slack, MIA, content=people(3), name="few.csv")

    wait_for_calls(fake_slack, "upload_url", timeout=30)
    assert progress_calls(fake_slack) == ([], [])
    assert "Imported *few.csv*: 3 new" in summary_of(fake_slack, "few.csv")


def test_progress_is_shown_at_most_every_few_seconds(runtime, fake_slack):
    now = [0.0]
    channel = runtime.client.conversations_open(users=MIA)["channel"]["id"]
    progress = ProgressMessage(runtime.client, channel, "big.csv", clock=lambda: now[0])
    seconds = import_upload.PROGRESS_SECONDS

    for at, done in [
        (1.0, 5000),
        (seconds - 0.1, 10000),
        (seconds, 15000),
        (seconds + 1, 20000),
        (2 * seconds + 0.5, 25000),
    ]:
        now[0] = at
        progress(done, 100_000)
    progress.finish()

    [posted] = fake_slack.calls_to("chat.postMessage")
    assert "15,000 of 100,000 rows done (15%)" in posted.params["text"]
    first, last = fake_slack.calls_to("chat.update")
    assert "25,000 of 100,000" in first.params["text"] and "finished" in last.params["text"]
    assert first.params["ts"] == last.params["ts"] == progress.ts


def test_under_leadbot_serve_the_import_runs_in_a_process_of_its_own(
    settings, config, fake_slack, small_batches
):
    runtime = build_runtime(settings, config, worker_process=True)
    slack = LocalWorkspace(
        in_process(runtime.app), fake_slack, SlackSigner(SIGNING_SECRET), CONSOLE_WORKSPACE
    )
    assert runtime.deps.run_import is not None
    runtime.start()
    try:
        submit(slack, fake_slack, MIA, content=people(), name="people.csv")
        [report] = wait_for_calls(fake_slack, "upload_url", timeout=BACKGROUND_SECONDS)
    finally:
        runtime.stop()
        runtime.app.listener_runner.listener_executor.shutdown(wait=True)
    _, updates = progress_calls(fake_slack)
    assert len(updates) == 5  # four batches told as they landed, then "finished"
    assert "Imported *people.csv*: 45 new" in summary_of(fake_slack, "people.csv")
    assert len(report.params["content"].decode().splitlines()) == 1 + ROWS  # header, a line a row
    assert lead_count(runtime.engine) == ROWS
    runtime.engine.dispose()
