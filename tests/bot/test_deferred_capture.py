"""A capture that arrives while another is running is checked, stored and acked at
once; the lead and its card follow from the queue, once, whatever happens between."""

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from support import ANN, NOW, SIGNING_SECRET

from bot.bootstrap import build_runtime, run_jobs_once
from bot.local.standin import SlackSigner
from bot.local.standin.workspace import LocalWorkspace, buttons_in, in_process
from domain.config import CONSOLE_WORKSPACE
from store.tables import DeferredCommandRow, LeadCounterRow, LeadRow

ADD_SMITHERS = 'add "Jon Smithers" jon@acme.com company:"ACME Corp."'


def count(runtime, table) -> int:
    # Queued commands live in the queue (store/capture/spool.py): a file of its own beside SQLite.
    engine = runtime.spool.engine if table is DeferredCommandRow.__table__ else runtime.engine
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def answers(fake_slack) -> list[dict]:
    return [call.params for call in fake_slack.calls_to("response_url")]


def test_a_busy_server_acks_at_once_and_the_card_follows_on_the_response_url(runtime, slack, fake_slack):
    with runtime.capture_slot:  # another capture is running
        ack = slack.slash(ANN, ADD_SMITHERS)
    assert ack.status == 200 and "Adding Jon Smithers" in ack.text
    assert count(runtime, LeadRow.__table__) == 0 and count(runtime, DeferredCommandRow.__table__) == 1

    assert runtime.run_jobs(NOW)["commands_done"] == 1
    [answer] = answers(fake_slack)
    assert answer["response_type"] == "ephemeral" and "Added L-1 Jon Smithers" in answer["text"]
    assert "ACME Corp." in json.dumps(answer["blocks"])
    assert runtime.run_jobs(NOW)["commands_done"] == 0 and len(answers(fake_slack)) == 1


def test_the_running_worker_answers_moments_after_the_ack(runtime, slack, fake_slack):
    runtime.worker.start()
    try:
        with runtime.capture_slot:
            slack.slash(ANN, ADD_SMITHERS)
        assert fake_slack.wait_for_call("response_url", timeout=5)
    finally:
        runtime.worker.stop()
    assert "Added L-1" in answers(fake_slack)[0]["text"]


def test_a_queued_likely_duplicate_gets_its_merge_buttons_too(runtime, slack, fake_slack):
    slack.slash(ANN, 'add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"')
    with runtime.capture_slot:
        slack.slash(ANN, 'add Jon Smithers +1 202 555 0143 company:"ACME Corp."')
    runtime.run_jobs(NOW)
    [answer] = answers(fake_slack)
    labels = [b.label for b in buttons_in(answer["blocks"])]
    assert "Merge into L-1" in labels and "Keep both" in labels


def test_bad_input_is_answered_in_the_ack_and_nothing_is_queued(runtime, slack):
    with runtime.capture_slot:
        ack = slack.slash(ANN, "add Dana dana@@fbi")
    assert "email" in ack.text.lower() and "Adding" not in ack.text
    assert count(runtime, DeferredCommandRow.__table__) == 0


def test_a_retried_request_is_queued_and_done_once(runtime, slack, fake_slack):
    with runtime.capture_slot:
        first = slack.slash(ANN, ADD_SMITHERS, trigger_id="T-same")
        again = slack.slash(ANN, ADD_SMITHERS, trigger_id="T-same")
    assert "Adding" in first.text and "Adding" in again.text
    runtime.run_jobs(NOW)
    assert count(runtime, LeadRow.__table__) == 1 and len(answers(fake_slack)) == 1


def test_a_command_queued_before_a_crash_is_done_once_by_the_next_tick(settings, config, fake_slack):
    crashed = build_runtime(settings, config)
    signer = SlackSigner(SIGNING_SECRET)
    slack = LocalWorkspace(in_process(crashed.app), fake_slack, signer, CONSOLE_WORKSPACE)
    with crashed.capture_slot:
        slack.slash(ANN, ADD_SMITHERS)
    crashed.engine.dispose()  # gone before its queue ran

    assert run_jobs_once(settings, config, NOW)["commands_done"] == 1
    assert run_jobs_once(settings, config, NOW)["commands_done"] == 0
    [answer] = answers(fake_slack)
    assert "Added L-1 Jon Smithers" in answer["text"]


def test_the_lead_is_dated_when_the_rep_sent_it_and_a_late_answer_goes_to_the_dm(runtime, slack, fake_slack):
    sent_at = datetime.now(UTC)
    with runtime.capture_slot:
        slack.slash(ANN, ADD_SMITHERS)
    runtime.run_jobs(sent_at + timedelta(hours=1))  # Slack takes response_url answers for 30 minutes
    assert answers(fake_slack) == []
    # (only the answer: the team's daily digest may fall due in the hour too)
    [dm] = [call for call in fake_slack.calls_to("chat.postMessage") if "Added" in call.params["text"]]
    assert "Added L-1 Jon Smithers" in dm.params["text"]
    with runtime.engine.connect() as connection:
        created = connection.execute(sa.select(LeadRow.created_at)).scalar_one()
    assert abs(created - sent_at) < timedelta(minutes=1)


def test_an_answer_slack_fails_to_take_is_retried_and_arrives_once(runtime, slack, fake_slack):
    fake_slack.fail_next("response_url", status=500)
    with runtime.capture_slot:
        slack.slash(ANN, ADD_SMITHERS)
    runtime.run_jobs(NOW)
    runtime.run_jobs(NOW + timedelta(minutes=5))
    delivered = [call for call in fake_slack.calls_to("response_url") if not call.failed]
    assert len(delivered) == 1 and count(runtime, LeadRow.__table__) == 1


def test_a_full_queue_refuses_a_capture_plainly_and_promises_nothing(runtime, slack, fake_slack):
    runtime.spool.bound = 2  # the queue holds two commands at most
    with runtime.capture_slot:  # every capture queues: another one is running
        acks = [slack.slash(ANN, f"add Person {n} person{n}@acme.com") for n in range(3)]
    assert ["Adding Person" in ack.text for ack in acks] == [True, True, False]
    assert "did not take this one: nothing was saved" in acks[2].text
    assert count(runtime, DeferredCommandRow.__table__) == 2

    assert runtime.run_jobs(NOW)["commands_done"] == 2
    assert count(runtime, LeadRow.__table__) == 2 and len(answers(fake_slack)) == 2
    with runtime.capture_slot:  # worked off: there is room again
        assert "Adding Person 2" in slack.slash(ANN, "add Person 2 person2@acme.com").text


@contextmanager
def lock_held_elsewhere(database_url: str) -> Iterator[None]:
    """Another process in the middle of a long write: SQLite's write lock (an import, a
    retrain), or on PostgreSQL the row a capture must update (the workspace's lead counter)."""
    if database_url.startswith("sqlite"):
        other = sqlite3.connect(sa.make_url(database_url).database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as other:
            counter = sa.select(LeadCounterRow).where(LeadCounterRow.team_id == CONSOLE_WORKSPACE)
            assert other.execute(counter.with_for_update()).first() is not None
            yield
            other.rollback()
    finally:
        engine.dispose()


def test_a_capture_that_meets_a_lock_held_elsewhere_is_queued_at_once_and_done_once_it_is_free(
    runtime, slack, fake_slack, database_url
):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")  # the workspace's counter row exists
    with lock_held_elsewhere(database_url):
        started = time.monotonic()
        ack = slack.slash(ANN, ADD_SMITHERS)
        took = time.monotonic() - started

    assert "Adding Jon Smithers" in ack.text and count(runtime, LeadRow.__table__) == 1
    assert took < 2.0  # the lock was waited for briefly, not for Slack's whole time
    assert runtime.run_jobs(NOW)["commands_done"] == 1
    assert count(runtime, LeadRow.__table__) == 2
    [answer] = answers(fake_slack)
    assert "Added L-2 Jon Smithers" in answer["text"]
