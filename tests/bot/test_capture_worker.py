"""`leadbot serve` acks captures it cannot do at once and leaves them to a background
process (bot/capture/worker.py), which also runs the scheduler: the lead and its card
still come exactly once, and the process ends with the server."""

import sqlalchemy as sa
from support import ANN, SIGNING_SECRET

from bot.bootstrap import build_runtime
from bot.local.standin import SlackSigner
from bot.local.standin.workspace import LocalWorkspace, in_process
from domain.config import CONSOLE_WORKSPACE
from store.capture.spool import queue_file_url
from store.tables import DeferredCommandRow, LeadRow

ADD_SMITHERS = 'add "Jon Smithers" jon@acme.com company:"ACME Corp."'


def count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_the_background_process_captures_a_queued_lead_and_answers_once(settings, config, fake_slack):
    runtime = build_runtime(settings, config, worker_process=True, sweep_seconds=1)
    signer = SlackSigner(SIGNING_SECRET)
    slack = LocalWorkspace(in_process(runtime.app), fake_slack, signer, CONSOLE_WORKSPACE)
    runtime.start()
    try:
        with runtime.capture_slot:  # the server is capturing another lead
            ack = slack.slash(ANN, ADD_SMITHERS)
        assert "Adding Jon Smithers" in ack.text
        assert fake_slack.wait_for_call("response_url", timeout=30)
    finally:
        runtime.stop()
    [answer] = [call.params for call in fake_slack.calls_to("response_url")]
    assert "Added L-1 Jon Smithers" in answer["text"]
    assert count(runtime.engine, LeadRow.__table__) == 1
    assert count(runtime.spool.engine, DeferredCommandRow.__table__) == 0  # done, forgotten
    assert not runtime.worker.alive()  # gone with the server


def test_the_server_reports_unhealthy_once_its_background_process_is_gone(settings, config):
    runtime = build_runtime(settings, config, worker_process=True)
    assert runtime.healthy()
    runtime.start()
    try:
        assert runtime.healthy()
        runtime.worker._process.kill()  # as the OOM killer would
        runtime.worker._process.join(10)
        assert not runtime.healthy()  # /healthz answers 503: restart the service
    finally:
        runtime.stop()


def test_a_capture_arriving_while_other_requests_are_in_hand_is_queued(runtime, slack):
    with runtime.deps.in_flight:  # another Slack request is being answered
        ack = slack.slash(ANN, ADD_SMITHERS)
    assert "Adding Jon Smithers" in ack.text
    assert count(runtime.engine, LeadRow.__table__) == 0
    assert count(runtime.spool.engine, DeferredCommandRow.__table__) == 1
    ack = slack.slash(ANN, 'add "Dana Scully" dana@fbi.gov')  # alone: done in the ack
    assert "Added L-1 Dana Scully" in ack.text


def test_the_queue_has_a_file_of_its_own_beside_an_sqlite_database_only():
    assert (
        queue_file_url("sqlite:////var/lib/leadbot/leadbot.db")
        == "sqlite:////var/lib/leadbot/leadbot-queue.db"
    )
    assert queue_file_url("sqlite:///leadbot.db") == "sqlite:///leadbot-queue.db"
    assert queue_file_url("sqlite://") is None
    assert queue_file_url("sqlite:///:memory:") is None
    assert queue_file_url("postgresql+psycopg://postgres@127.0.0.1:5432/test") is None
