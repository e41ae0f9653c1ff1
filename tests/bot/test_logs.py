"""Logs: JSON lines with a request id, workspace and surface when LEADBOT_LOG_FORMAT=json, plain
text otherwise; never a token, secret, email or phone, whoever logged the line."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from support import ANN, SIGNING_SECRET
from webhook_support import SECRET, post, send, signature

from bot.operations.logs import JsonFormatter, secrets_of
from bot.operations.redact import redact

DANA = {"name": "Dana Scully", "email": "dana@fbi.gov", "phone": "+1 202 555 0143", "company": "FBI"}
PERSONAL = ("dana@fbi.gov", "555 0143", "5550143")


@pytest.fixture
def json_log(settings) -> Iterator[io.StringIO]:
    """Every log line of the test, at DEBUG (slack_sdk then prints whole request bodies),
    formatted as `leadbot serve` formats them with LEADBOT_LOG_FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(secrets=[*secrets_of(settings), SECRET]))
    root, level = logging.getLogger(), logging.getLogger().level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def assert_nothing_personal_or_secret(stream: io.StringIO) -> None:
    text = stream.getvalue()
    for value in (*PERSONAL, "xoxb-test", SIGNING_SECRET, SECRET):
        assert value not in text


def test_a_commands_lines_carry_its_request_id_workspace_and_surface_and_no_email(slack, runtime, json_log):
    ack = slack.slash(ANN, 'add "Dana Scully" dana@fbi.gov +1 202 555 0143 company:FBI')
    runtime.app.listener_runner.listener_executor.shutdown(wait=True)  # the work after the ack

    assert "Added L-1" in ack.text
    logged = lines(json_log)
    [answered] = [line for line in logged if line["logger"] == "bot.capture.in_flight"]
    assert answered["message"].startswith("command answered 200 in ")
    assert re.fullmatch(r"[0-9a-f]{16}", answered["request_id"])
    assert (answered["workspace"], answered["surface"], answered["level"]) == ("T0CONSOLE", "command", "INFO")
    assert datetime.fromisoformat(answered["time"]).tzinfo is not None
    after_ack = [line for line in logged if "users.info" in line["message"]]  # a lazy listener's call
    assert after_ack and {line["request_id"] for line in after_ack} == {answered["request_id"]}
    assert_nothing_personal_or_secret(json_log)


def test_two_requests_get_two_ids(slack, runtime, json_log):
    slack.slash(ANN, "help")
    slack.slash(ANN, "help")
    ids = [line["request_id"] for line in lines(json_log) if line["logger"] == "bot.capture.in_flight"]
    assert len(ids) == len(set(ids)) == 2


def test_a_lead_card_printed_by_slack_sdk_at_debug_has_its_email_and_phone_masked(
    server, signed_runtime, fake_slack, json_log
):
    assert send(server, DANA)[0] == 201
    signed_runtime.run_jobs(datetime.now(UTC) + timedelta(seconds=1))  # the card to the team channel

    assert fake_slack.calls_to("chat.postMessage")
    sent = [line["message"] for line in lines(json_log) if "chat.postMessage" in line["message"]]
    assert sent and any("[email]" in message for message in sent)  # the card was logged, masked
    assert_nothing_personal_or_secret(json_log)


def test_a_webhooks_lines_carry_their_surface_and_the_deprecation_warning_its_request_id(server, json_log):
    body = json.dumps(DANA).encode()
    post(server, body, {"X-Leadbot-Signature": signature(body)})

    logged = lines(json_log)
    [warning] = [line for line in logged if "deprecated" in line["message"]]
    [answered] = [line for line in logged if line["message"] == "lead webhook answered 201"]
    assert warning["request_id"] == answered["request_id"] is not None
    assert (answered["surface"], answered["workspace"]) == ("webhook", "T0CONSOLE")
    assert_nothing_personal_or_secret(json_log)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("token xoxb-1234-5678-abcdEFGH here", "token [token] here"),
        ("app token xapp-1-A0-123-abc", "app token [token]"),
        ("sig v1=" + "a" * 64, "sig v1=[signature]"),
        ("sig sha256=" + "0f" * 32, "sig sha256=[signature]"),
        ("Authorization: Bearer abc.def-123456", "Authorization: Bearer [token]"),
        ("<mailto:dana@fbi.gov|dana@fbi.gov>", "<mailto:[email]|[email]>"),
        ("call +1 202 555 0143 now", "call [phone] now"),
        ("call (202) 555-0143", "call [phone]"),
        ("call 202.555.0143.", "call [phone]."),
        ("call +442071234567", "call [phone]"),
    ],
)
def test_secrets_and_personal_data_are_masked(text, masked):
    assert redact(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "at 2026-12-06T15:49:00+00:00",
        "on 2026-12-06 15:49:00",
        "L-1234567 scored 85",
        "command answered 200 in 12.5 ms",
        "sent 1000 of 25000 rows",
        "user U0REP0ANN in C0SALES",
    ],
)
def test_what_only_looks_alike_is_left_alone(text):
    assert redact(text) == text


def test_configured_secrets_are_masked_by_value():
    assert redact("connect with hunter2-pw", ["hunter2-pw"]) == "connect with [secret]"


def log_in_a_process(log_format: str | None) -> str:
    """`leadbot`'s logging as its entry point sets it up, in a process of its own."""
    code = (
        "import logging; from bot.operations.cli import _log_settings; "
        "from bot.operations.logs import configure_logging; "
        "configure_logging(_log_settings()); "
        "logging.getLogger('leadbot.test').warning('lead %s, key %s', 'dana@fbi.gov', 'the-secret')"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LEADBOT_", "SLACK_"))}
    env |= {"LEADBOT_WEBHOOK_SECRET": "the-secret"} | (
        {"LEADBOT_LOG_FORMAT": log_format} if log_format else {}
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_leadbot_log_format_json_makes_one_json_object_a_line():
    [line] = log_in_a_process("json").splitlines()
    entry = json.loads(line)
    assert entry["message"] == "lead [email], key [secret]"
    assert (entry["level"], entry["logger"]) == ("WARNING", "leadbot.test")
    assert {"time", "request_id", "workspace", "surface"} <= set(entry)


def test_without_it_the_lines_are_plain_text_and_masked_too():
    [line] = log_in_a_process(None).splitlines()
    assert line.endswith("WARNING leadbot.test: lead [email], key [secret]")
