"""`leadbot serve`'s HTTP transport: signatures, health, limits, over a real socket."""

import http.client
import threading
import time
from collections.abc import Iterator

import pytest
from support import ANN

from bot.local.standin.signer import SignedRequest
from bot.web.server import MAX_BODY, LeadbotServer, serve


@pytest.fixture
def server(runtime) -> Iterator[LeadbotServer]:
    running = serve(runtime.app, runtime.healthy, "127.0.0.1", 0)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def post(server: LeadbotServer, path: str, request: SignedRequest) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("POST", path, body=request.body.encode(), headers=request.headers)
    answer = connection.getresponse()
    return answer.status, answer.read().decode()


def get(server: LeadbotServer, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("GET", path)
    return connection.getresponse().status


def add_request(slack, **extra) -> SignedRequest:
    return slack.signer.slash_command(
        team_id=slack.team_id,
        user_id=ANN,
        text="add Dana Scully",
        response_url=slack.fake.response_url(),
        **extra,
    )


def leads_in(runtime) -> int:
    with runtime.uow_factory() as uow:
        return len(uow.leads.all())


def test_a_signed_slash_command_is_answered_over_http(server, slack, runtime):
    status, body = post(server, "/slack/events", add_request(slack))
    assert status == 200 and "Added L-1" in body
    assert leads_in(runtime) == 1


def test_a_bad_signature_gets_401_and_changes_nothing(server, slack, runtime):
    request = add_request(slack)
    forged = SignedRequest(request.body, {**request.headers, "X-Slack-Signature": "v0=" + "0" * 64})
    status, _ = post(server, "/slack/events", forged)
    assert status == 401
    assert leads_in(runtime) == 0


def test_a_request_older_than_five_minutes_gets_401_and_changes_nothing(server, slack, runtime):
    stale = add_request(slack, timestamp=int(time.time()) - 301)
    status, _ = post(server, "/slack/events", stale)
    assert status == 401
    assert leads_in(runtime) == 0


def test_a_tampered_body_with_a_valid_signature_for_another_body_gets_401(server, slack, runtime):
    request = add_request(slack)
    tampered = SignedRequest(request.body.replace("Dana", "Evil"), request.headers)
    assert post(server, "/slack/events", tampered)[0] == 401
    assert leads_in(runtime) == 0


def test_health_answers_while_the_database_answers(server):
    assert get(server, "/healthz") == 200


def test_unknown_paths_are_404(server, slack):
    assert get(server, "/nope") == 404
    assert post(server, "/nope", add_request(slack))[0] == 404


def test_an_oversized_body_is_refused_unread(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.putrequest("POST", "/slack/events")
    connection.putheader("Content-Length", str(MAX_BODY + 1))
    connection.endheaders()  # the body never comes: the answer must not wait for it
    assert connection.getresponse().status == 413
