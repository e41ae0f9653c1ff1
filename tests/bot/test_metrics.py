"""`GET /metrics` over a real socket: Prometheus text, every series `leadbot_*`, moving as
signed slash commands go through the real Bolt app; labels from fixed vocabularies only,
never a person, a user, a workspace or a token. The background process's series reach the
server's scrape (bot/operations/metrics.Snapshot)."""

import http.client
import io
import json
import logging
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from support import ANN
from webhook_support import start

from bot.bootstrap import build_runtime
from bot.operations.logs import JsonFormatter, secrets_of
from bot.operations.metrics import REQUESTS, Snapshot
from bot.web.metrics_endpoint import MetricsEndpoint
from bot.web.server import LeadbotServer
from domain.delivery.messages import ChannelPost, OutboxMessage

SERIES = (
    "leadbot_ack_seconds",
    "leadbot_requests",
    "leadbot_slack_api_calls",
    "leadbot_outbox_pending",
    "leadbot_outbox_oldest_pending_age_seconds",
    "leadbot_outbox_dead",
    "leadbot_queued_captures",
    "leadbot_database_up",
)
Samples = dict[tuple[str, frozenset], float]


@pytest.fixture
def server(runtime) -> Iterator[LeadbotServer]:
    running = start(runtime)
    yield running
    running.shutdown()
    running.server_close()


def scrape(server: LeadbotServer) -> tuple[str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("GET", "/metrics")
    answer = connection.getresponse()
    assert answer.status == 200
    return answer.getheader("content-type") or "", answer.read().decode()


def samples(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def send_command(server: LeadbotServer, slack, text: str) -> tuple[int, str]:
    request = slack.signer.slash_command(
        team_id=slack.team_id, user_id=ANN, text=text, response_url=slack.fake.response_url()
    )
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("POST", "/slack/events", body=request.body.encode(), headers=request.headers)
    answer = connection.getresponse()
    return answer.status, answer.read().decode()


def test_metrics_answer_every_series_in_prometheus_text_named_leadbot(server):
    content_type, text = scrape(server)

    assert content_type.startswith("text/plain; version=0.0.4")
    names = {family.name for family in text_string_to_metric_families(text)}
    assert all(name.startswith("leadbot_") for name in names)
    for series in ("leadbot_outbox_pending", "leadbot_outbox_dead", "leadbot_queued_captures"):
        assert series in names
    assert value(samples(text), "leadbot_database_up") == 1


def test_the_series_move_as_commands_are_sent_and_the_outbox_drains(server, slack, runtime):
    before = samples(scrape(server)[1])

    status, body = send_command(server, slack, 'add "Dana Scully" dana@fbi.gov company:FBI')
    assert status == 200 and "Added L-1" in body
    runtime.app.listener_runner.listener_executor.shutdown(wait=True)  # its work after the ack
    with runtime.uow_factory() as uow:  # a message a minute and a half old, not sent yet
        post = OutboxMessage(slack.team_id, "k-1", ChannelPost(channel="C1", text="hi"))
        uow.outbox.add(post, datetime.now(UTC) - timedelta(seconds=90))
        uow.commit()
    queued = samples(scrape(server)[1])
    runtime.run_jobs(datetime.now(UTC) + timedelta(seconds=1))  # the outbox goes out
    after = samples(scrape(server)[1])

    command = {"surface": "command", "process": "server"}
    assert value(queued, "leadbot_requests_total", status="2xx", **command) == (
        value(before, "leadbot_requests_total", status="2xx", **command) + 1
    )
    assert value(queued, "leadbot_ack_seconds_count", **command) == (
        value(before, "leadbot_ack_seconds_count", **command) + 1
    )
    assert value(queued, "leadbot_outbox_pending") >= 1
    assert 90 <= value(queued, "leadbot_outbox_oldest_pending_age_seconds") < 120
    assert value(after, "leadbot_outbox_pending") == 0
    assert value(after, "leadbot_outbox_oldest_pending_age_seconds") == 0
    posted = {"method": "chat.postMessage", "error": "ok", "process": "server"}
    assert value(after, "leadbot_slack_api_calls_total", **posted) > value(
        before, "leadbot_slack_api_calls_total", **posted
    )


def test_a_rate_limited_call_and_a_slack_error_are_counted_by_method_and_code(server, runtime, fake_slack):
    before = samples(scrape(server)[1])
    fake_slack.fail_next("auth.test", status=429, retry_after=0)  # the client retries it once, in place
    runtime.client.auth_test()
    fake_slack.fail_next("users.info", status=200, error="user_not_found")
    with pytest.raises(Exception, match="user_not_found"):
        runtime.client.users_info(user="U404")
    after = samples(scrape(server)[1])

    def moved(name: str, **labels: str) -> float:
        labels["process"] = "server"
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("leadbot_slack_rate_limited_total", method="auth.test") == 1
    assert moved("leadbot_slack_api_calls_total", method="auth.test", error="ratelimited") == 1
    assert moved("leadbot_slack_api_calls_total", method="auth.test", error="ok") == 1
    assert moved("leadbot_slack_api_calls_total", method="users.info", error="user_not_found") == 1


def test_no_label_carries_a_person_a_user_a_workspace_or_a_token(server, slack, runtime):
    send_command(server, slack, 'add "Dana Scully" dana@fbi.gov +1 202 555 0143')
    runtime.app.listener_runner.listener_executor.shutdown(wait=True)
    runtime.run_jobs(datetime.now(UTC) + timedelta(seconds=1))

    text = scrape(server)[1]

    for secret in ("dana", "Dana", "fbi.gov", "555 0143", ANN, slack.team_id, "xoxb-"):
        assert secret not in text
    labels = {
        key: found
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        for key, found in sample.labels.items()
    }
    assert set(labels) <= {"surface", "status", "method", "error", "process", "job", "outcome", "le"}


def test_a_database_that_does_not_answer_makes_database_up_zero_and_the_scrape_still_answers():
    def down() -> dict[str, float]:
        raise TimeoutError("no answer")

    status, headers, body = MetricsEndpoint(down)("", {}, b"")

    assert status == 200
    found = samples(body.decode())
    assert value(found, "leadbot_database_up") == 0
    assert ("leadbot_outbox_pending", frozenset()) not in found


def test_a_background_snapshot_is_shown_beside_this_process_labelled_by_process(tmp_path):
    REQUESTS.labels("webhook", "2xx").inc()
    path = tmp_path / "background.json"
    Snapshot(path).write()

    found = samples(MetricsEndpoint(dict, path)("", {}, b"")[2].decode())

    labels = {"surface": "webhook", "status": "2xx"}
    server = value(found, "leadbot_requests_total", process="server", **labels)
    assert server >= 1
    assert value(found, "leadbot_requests_total", process="background", **labels) == server


def test_the_background_process_jobs_reach_the_servers_scrape(settings, config):
    """As `leadbot serve` runs: the scheduler in a child process, its jobs seen at /metrics."""
    runtime = build_runtime(settings, config, worker_process=True, sweep_seconds=0.3)
    running = start(runtime)
    runtime.start()
    try:
        deadline, found = time.monotonic() + 30, {}
        while time.monotonic() < deadline:
            found = samples(scrape(running)[1])
            if value(found, "leadbot_job_last_success_timestamp_seconds", job="sweep", process="background"):
                break
            time.sleep(0.2)
    finally:
        running.shutdown()
        running.server_close()
        runtime.stop()
        runtime.app.listener_runner.listener_executor.shutdown(wait=True)
        runtime.engine.dispose()
    last = value(found, "leadbot_job_last_success_timestamp_seconds", job="sweep", process="background")
    assert time.time() - 60 < last <= time.time()
    assert ("leadbot_job_lag_seconds", frozenset({"job": "sweep", "process": "background"}.items())) in found
    assert value(found, "leadbot_job_runs_total", job="sweep", outcome="ok", process="background") >= 1
    assert not runtime.worker.metrics_file.parent.exists()  # the snapshot's folder went with it


def test_a_commands_log_line_over_http_carries_its_request_id_and_no_token_or_email(
    server, slack, runtime, settings
):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(secrets=secrets_of(settings)))
    root, level = logging.getLogger(), logging.getLogger().level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # slack_sdk prints whole request bodies at DEBUG
    try:
        send_command(server, slack, 'add "Dana Scully" dana@fbi.gov')
        runtime.app.listener_runner.listener_executor.shutdown(wait=True)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    [answered] = [line for line in lines if line["logger"] == "bot.capture.in_flight"]
    assert re.fullmatch(r"[0-9a-f]{16}", answered["request_id"]) and answered["surface"] == "command"
    for secret in ("dana@fbi.gov", "xoxb-test", settings.slack_signing_secret.get_secret_value()):
        assert secret not in stream.getvalue()
