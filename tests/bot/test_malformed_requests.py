"""Malformed requests over HTTP, signed or not: a malformed body gets 400, a bad timestamp or
signature 401; never silence (no HTTP answer at all), never 200, never a traceback."""

import hashlib
import hmac
import http.client
import time

import pytest
from shapes_support import tracebacks
from support import ANN, SIGNING_SECRET
from webhook_support import EVENTS, LEADS, post, send, signature

from bot.local.standin.signer import FORM, JSON

DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000
DEEP_ARRAY = "[" * 50_000 + "]" * 50_000
NOT_UTF8 = b"payload=\xff\xfe\xfd"
# Webhooks refuse bodies over 64 KiB unread (413): 10,000 levels still break a recursive parser.
DEEP_SMALL_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000
DEEP_SMALL_ARRAY = "[" * 10_000 + "]" * 10_000


def post_raw(server, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """Status and body, or (0, b"") when the server hung up without an answer."""
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    try:
        connection.request("POST", path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read()
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return 0, b""


def signed(body: bytes, content_type: str) -> dict[str, str]:
    """Headers signing the raw bytes, as Slack signs whatever it sends (UTF-8 or not)."""
    timestamp = str(int(time.time()))
    base = f"v0:{timestamp}:".encode() + body
    digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
    }


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (NOT_UTF8, FORM),
        (DEEP_OBJECT.encode(), JSON),
        (DEEP_ARRAY.encode(), JSON),
        (b"payload=" + DEEP_OBJECT.encode(), FORM),
        (b"payload=%7Bnot%20json", FORM),
        (b"[1, 2, 3]", JSON),
        (b'"just a string"', JSON),
    ],
    ids=["not-utf8", "deep-object", "deep-array", "deep-payload", "payload-not-json", "array", "string"],
)
@pytest.mark.parametrize("is_signed", [True, False], ids=["signed", "unsigned"])
def test_a_malformed_slack_body_gets_400_signed_and_401_unsigned(
    server, caplog, body, content_type, is_signed
):
    headers = signed(body, content_type) if is_signed else {"Content-Type": content_type}

    status, answer = post_raw(server, "/slack/events", body, headers)

    # Unsigned, it has no timestamp to check either: refused as unsigned before it is read.
    assert status == (400 if is_signed else 401) and b"error" in answer
    assert tracebacks(caplog) == []


@pytest.mark.parametrize("timestamp", ["abc", "", "1e9", "+1700000000", "-1", "12345678901234567890123"])
def test_a_bad_timestamp_header_gets_401(server, slack, caplog, timestamp):
    request = slack.signer.slash_command(
        team_id=slack.team_id, user_id=ANN, text="add Dana Scully", response_url=slack.fake.response_url()
    )
    headers = {**request.headers, "X-Slack-Request-Timestamp": timestamp}

    status, _ = post_raw(server, "/slack/events", request.body.encode(), headers)

    assert status == 401
    assert tracebacks(caplog) == []


def test_a_request_with_no_signature_headers_gets_401(server, caplog):
    status, _ = post_raw(server, "/slack/events", b"command=%2Flead&text=help", {"Content-Type": FORM})
    assert status == 401


@pytest.mark.parametrize("path", [LEADS, EVENTS])
@pytest.mark.parametrize(
    "body",
    [NOT_UTF8, DEEP_SMALL_OBJECT.encode(), DEEP_SMALL_ARRAY.encode()],
    ids=["not-utf8", "deep-object", "deep-array"],
)
def test_a_malformed_webhook_body_gets_400_signed_and_401_unsigned(server, caplog, path, body):
    assert post(server, body, {"X-Leadbot-Signature": signature(body)}, path)[0] == 400
    assert post(server, body, {}, path)[0] == 401
    assert tracebacks(caplog) == []


def test_the_server_still_answers_after_malformed_requests(server, slack):
    for _ in range(3):
        post_raw(server, "/slack/events", NOT_UTF8, {"Content-Type": FORM})
    assert send(server, {"name": "Dana Scully"})[0] == 201
