"""Signed webhooks cannot be replayed: a timestamp signed with the body, refused outside five
minutes; an identical request in the window answered from the first, in any process; the old
body-only signature taken, with a warning, until its end date. Over a real socket."""

import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from webhook_support import EVENTS, LEADS, SECRET, post, send, signature, signed, start

from bot.bootstrap import Runtime, build_runtime
from bot.web.event_webhook import EventsEndpoint
from bot.web.server import LeadbotServer
from bot.web.signing import LEGACY_ENDS
from bot.web.webhook_keys import OneSecret
from bot.web.webhooks import WebhookEndpoint
from domain.config import CONSOLE_WORKSPACE
from handlers.operations.replays import claim, key_of
from store.deadline import answering

NAME_ONLY = json.dumps({"name": "Walter Skinner"}).encode()
DANA = {"name": "Dana Scully", "email": "dana@fbi.gov"}
VISIT = json.dumps(
    {"email": "dana@fbi.gov", "event": "page_visited", "url": "https://acme.com/pricing"}
).encode()


class Clock:
    """The webhooks' clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def clocked(signed_runtime: Runtime, clock: Clock) -> Iterator[LeadbotServer]:
    """The webhooks on the test's clock, over a real socket."""
    deps = replace(signed_runtime.deps, clock=clock)
    keyring = OneSecret(SECRET, CONSOLE_WORKSPACE)
    leads = WebhookEndpoint(deps, keyring, answering)
    events = EventsEndpoint(deps, keyring, answering)
    running = start(signed_runtime, leads.handle, events.handle)
    yield running
    running.shutdown()
    running.server_close()


def lead_count(runtime: Runtime) -> int:
    with runtime.uow_factory() as uow:
        return len(uow.leads.all())


def score_of(runtime: Runtime) -> int:
    with runtime.uow_factory() as uow:
        return uow.leads.all()[0].score


@pytest.mark.parametrize("legacy", [False, True], ids=["v1", "body-only"])
def test_a_replayed_name_only_lead_makes_one_lead_and_one_announcement(
    server, signed_runtime, fake_slack, legacy
):
    headers = {"X-Leadbot-Signature": signature(NAME_ONLY)} if legacy else signed(NAME_ONLY)

    first = post(server, NAME_ONLY, headers)
    replayed = post(server, NAME_ONLY, headers)

    assert first == replayed == (201, {"id": "L-1", "outcome": "created", "duplicate_of": None})
    assert lead_count(signed_runtime) == 1
    signed_runtime.run_jobs(datetime.now(UTC) + timedelta(seconds=1))
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_replayed_event_without_an_id_scores_once(server, signed_runtime):
    assert send(server, DANA)[0] == 201
    headers = signed(VISIT)
    assert post(server, VISIT, headers, EVENTS)[1]["matched"] == 1
    score = score_of(signed_runtime)

    status, answer = post(server, VISIT, headers, EVENTS)

    assert (status, answer) == (
        200,
        {"received": 1, "matched": 0, "unknown": 0, "duplicates": 1, "leads": []},
    )
    assert score_of(signed_runtime) == score > 0


def test_the_same_body_freshly_signed_in_the_window_is_still_a_replay(clocked, signed_runtime, clock):
    post(clocked, NAME_ONLY, signed(NAME_ONLY, at=clock.now.timestamp()))
    clock.now += timedelta(minutes=4)

    status, _ = post(clocked, NAME_ONLY, signed(NAME_ONLY, at=clock.now.timestamp()))

    assert status == 201 and lead_count(signed_runtime) == 1


def test_after_five_minutes_the_same_body_is_a_new_request(clocked, signed_runtime, clock):
    post(clocked, NAME_ONLY, signed(NAME_ONLY, at=clock.now.timestamp()))
    clock.now += timedelta(minutes=5, seconds=1)

    status, answer = post(clocked, NAME_ONLY, signed(NAME_ONLY, at=clock.now.timestamp()))

    assert (status, answer["id"]) == (201, "L-2") and lead_count(signed_runtime) == 2


@pytest.mark.parametrize("offset", [-301, 301], ids=["too old", "too far ahead"])
def test_a_timestamp_outside_five_minutes_gets_401_saying_how_to_sign(clocked, signed_runtime, clock, offset):
    status, answer = post(clocked, NAME_ONLY, signed(NAME_ONLY, at=clock.now.timestamp() + offset))

    assert status == 401
    assert "X-Leadbot-Timestamp is 301 s from our clock" in answer["error"]
    assert '"v1:<timestamp>:<raw body>"' in answer["error"]
    assert lead_count(signed_runtime) == 0


def test_a_timestamp_just_inside_five_minutes_is_taken(clocked, signed_runtime, clock):
    assert post(clocked, NAME_ONLY, signed(NAME_ONLY, at=clock.now.timestamp() - 300))[0] == 201


@pytest.mark.parametrize("stamp", ["", "soon", "-5", "1.7e9"], ids=["missing", "words", "negative", "float"])
def test_a_v1_signature_without_a_readable_timestamp_gets_401(server, signed_runtime, stamp):
    headers = {**signed(NAME_ONLY), "X-Leadbot-Timestamp": stamp}

    status, answer = post(server, NAME_ONLY, headers)

    assert status == 401 and answer["error"].startswith("missing or malformed X-Leadbot-Timestamp")
    assert lead_count(signed_runtime) == 0


def test_a_signature_moved_to_another_timestamp_gets_401(server, signed_runtime):
    headers = signed(NAME_ONLY)
    headers["X-Leadbot-Timestamp"] = str(int(headers["X-Leadbot-Timestamp"]) + 1)

    status, answer = post(server, NAME_ONLY, headers)

    assert status == 401 and answer["error"].startswith("bad signature")
    assert lead_count(signed_runtime) == 0


def test_the_body_only_signature_is_taken_with_a_warning_each_time(server, caplog):
    with caplog.at_level(logging.WARNING, logger="bot.web.webhooks"):
        post(server, NAME_ONLY, {"X-Leadbot-Signature": signature(NAME_ONLY)})
        post(server, VISIT, {"X-Leadbot-Signature": signature(VISIT)}, EVENTS)
        send(server, DANA)  # signed with v1: no warning

    warnings = [r.getMessage() for r in caplog.records if "deprecated" in r.getMessage()]
    assert len(warnings) == 2 and all(str(LEGACY_ENDS) in w for w in warnings)
    assert not any(SECRET in r.getMessage() for r in caplog.records)


def test_the_body_only_signature_is_refused_after_its_end_date(clocked, signed_runtime, clock):
    clock.now = datetime.combine(LEGACY_ENDS + timedelta(days=1), datetime.min.time(), UTC)

    status, answer = post(clocked, NAME_ONLY, {"X-Leadbot-Signature": signature(NAME_ONLY)})

    assert status == 401 and f"taken until {LEGACY_ENDS}" in answer["error"]
    assert "X-Leadbot-Timestamp" in answer["error"] and lead_count(signed_runtime) == 0


def test_a_replay_to_another_process_is_answered_from_the_first(server, signed_runtime, settings, config):
    """Two servers on one database, as two replicas: the replay may reach either."""
    other = build_runtime(
        settings.model_copy(
            update={"leadbot_webhook_secret": signed_runtime.settings.leadbot_webhook_secret}
        ),
        config,
    )
    second = start(other)
    try:
        headers = signed(NAME_ONLY)
        first = post(server, NAME_ONLY, headers)
        assert post(second, NAME_ONLY, headers) == first
    finally:
        second.shutdown()
        second.server_close()
        other.app.listener_runner.listener_executor.shutdown(wait=True)
        other.engine.dispose()
    assert lead_count(signed_runtime) == 1


def test_a_refused_body_is_not_remembered_so_its_resend_is_judged_again(server, signed_runtime):
    body = json.dumps({"name": "Dana", "email": "dana-at-fbi"}).encode()
    assert post(server, body, signed(body))[0] == 422
    assert post(server, body, signed(body))[0] == 422  # judged again, not answered from a memory

    with signed_runtime.uow_factory() as uow:
        assert uow.requests.result_of(CONSOLE_WORKSPACE, key_of("lead", body)) is None


def test_a_lead_and_an_event_with_the_same_body_are_not_replays_of_each_other(server, signed_runtime):
    body = json.dumps({"email": "dana@fbi.gov", "name": "Dana Scully"}).encode()
    assert post(server, body, signed(body), LEADS)[0] == 201
    status, answer = post(server, body, signed(body), EVENTS)
    assert status == 422 and answer["fields"][0]["field"] == "event"  # judged as an event


def test_a_repeat_while_the_first_is_still_in_hand_gets_409_and_changes_nothing(server, signed_runtime):
    claim(signed_runtime.uow_factory, CONSOLE_WORKSPACE, key_of("lead", NAME_ONLY), datetime.now(UTC))

    status, answer = post(server, NAME_ONLY, signed(NAME_ONLY))

    assert status == 409 and "retry" in answer["error"]
    assert lead_count(signed_runtime) == 0
