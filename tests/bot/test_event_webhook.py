"""`POST /webhooks/events` over a real socket: signed engagement events, refusals, resends, unknown emails."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from support import pydantic_says
from webhook_support import EVENTS, post, send, signature, start

from bot.web.webhooks import MAX_BODY

DANA = {"name": "Dana Scully", "email": "dana@fbi.gov", "company": "FBI"}
WEBINAR = {"email": "dana@fbi.gov", "event": "webinar_attended", "external_id": "zoom-77"}


def stored_events(runtime) -> list[tuple[str, str | None]]:
    with runtime.uow_factory() as uow:
        [scorable] = uow.scores.of_leads("T0CONSOLE", [lead.id for lead in uow.leads.all()])
    return [(kind, url) for kind, _day, url in scorable.events]


def score_of(runtime) -> int:
    with runtime.uow_factory() as uow:
        return uow.leads.all()[0].score


@pytest.fixture
def dana(server):
    assert send(server, DANA)[0] == 201  # through the leads webhook


def test_a_signed_event_for_a_known_email_is_stored_and_scores_the_lead(server, signed_runtime, dana):
    visit = {"email": "DANA@fbi.gov", "event": "page_visited", "url": "https://acme.com/pricing"}

    status, answer = send(server, [WEBINAR, visit], EVENTS)

    assert status == 200
    assert answer == {"received": 2, "matched": 2, "unknown": 0, "duplicates": 0, "leads": ["L-1"]}
    expected = [("page_visited", visit["url"]), ("webinar_attended", None)]
    assert sorted(stored_events(signed_runtime)) == expected
    assert score_of(signed_runtime) == 30


def test_a_resend_with_the_same_external_id_is_a_no_op(server, signed_runtime, dana):
    send(server, WEBINAR, EVENTS)

    status, answer = send(server, WEBINAR, EVENTS)

    assert (status, answer["matched"], answer["duplicates"]) == (200, 0, 1)
    assert len(stored_events(signed_runtime)) == 1 and score_of(signed_runtime) == 20


def test_an_unknown_email_creates_nothing_and_is_counted(server, signed_runtime, dana):
    stranger = {"email": "who@nowhere.io", "event": "email_opened"}

    status, answer = send(server, [stranger, stranger], EVENTS)

    assert (status, answer["matched"], answer["unknown"], answer["leads"]) == (200, 0, 2, [])
    assert signed_runtime.events_webhook.unknown_total == 2
    with signed_runtime.uow_factory() as uow:
        assert len(uow.leads.all()) == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Leadbot-Signature": "sha256=" + "0" * 64}, {"X-Leadbot-Signature": signature(b"{}", "other")}],
    ids=["missing", "zeros", "other secret"],
)
def test_a_bad_or_missing_signature_gets_401_and_stores_nothing(server, signed_runtime, dana, headers):
    status, answer = post(server, json.dumps(WEBINAR).encode(), headers, EVENTS)

    assert status == 401 and "X-Leadbot-Signature" in answer["error"]
    assert stored_events(signed_runtime) == []


@pytest.mark.parametrize("body", [b'{"email": ', b'"webinar"', b"[1, 2]", b"[" * 40_000])
def test_a_body_that_is_not_events_gets_400(server, signed_runtime, dana, body):
    status, answer = send(server, body, EVENTS)

    assert status == 400 and answer["error"]
    assert stored_events(signed_runtime) == []


def test_a_body_over_64_kib_gets_413(server, signed_runtime, dana):
    status, _ = send(server, {**WEBINAR, "url": "x" * MAX_BODY}, EVENTS)

    assert status == 413 and stored_events(signed_runtime) == []


TOMORROW = (datetime.now(UTC) + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**WEBINAR, "email": "dana-at-fbi"}, "email"),
        ({**WEBINAR, "event": "tweeted"}, "event"),
        ({**WEBINAR, "event": "call"}, "event"),
        ({**WEBINAR, "at": "last tuesday"}, "at"),
        ({**WEBINAR, "at": TOMORROW}, "at"),
        ({"event": "bounced"}, "email"),
        ([WEBINAR, {**WEBINAR, "event": "liked"}], "1.event"),
    ],
)
def test_a_bad_event_gets_422_naming_the_field_and_nothing_is_stored(
    server, signed_runtime, dana, body, field
):
    status, answer = send(server, body, EVENTS)

    assert status == 422 and answer["error"] == "invalid event"
    assert [f["field"] for f in answer["fields"]] == [field] and answer["fields"][0]["problem"]
    assert not pydantic_says(answer["fields"][0]["problem"]), answer
    assert stored_events(signed_runtime) == []


def test_an_unknown_field_gets_422_with_the_field_meant_and_nothing_is_stored(server, signed_runtime, dana):
    status, answer = send(server, {**WEBINAR, "evnt": "bounced"}, EVENTS)

    assert status == 422
    assert answer["fields"] == [{"field": "evnt", "problem": 'Unknown field "evnt": did you mean "event"?'}]
    assert stored_events(signed_runtime) == []


def test_an_event_may_say_when_it_happened(server, signed_runtime, dana):
    month_ago = (datetime.now(UTC) - timedelta(days=30)).isoformat()

    assert send(server, {**WEBINAR, "at": month_ago}, EVENTS)[0] == 200

    assert score_of(signed_runtime) == 10  # one half-life old: half the webinar's 20 points


def test_without_a_secret_the_events_webhook_is_off_with_503(runtime):
    running = start(runtime)
    try:
        status, answer = send(running, WEBINAR, EVENTS)
    finally:
        running.shutdown()
        running.server_close()
    assert status == 503 and "LEADBOT_WEBHOOK_SECRET" in answer["error"]
