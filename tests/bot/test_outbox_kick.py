"""What a commit queued for Slack is tried right after it: the kick wakes the worker that
carries out queued commands and flushes the outbox, so a web-form lead's routing proposal
reaches its team channel with no timed job's help, and a message committed while a round is
sending goes out too. The scheduler's timed jobs (sweep, paced job) are paused in these tests:
only the kick can send. Before, the kick moved the sweep's next run, which APScheduler skips
while a sweep runs, and which a paused scheduler never runs."""

import pytest
from pydantic import SecretStr
from routing_support import EMEA_CHANNEL, routing_config, signed
from support import ANN

from bot.bootstrap import build_runtime
from domain.delivery.messages import MessageKind, OutboxMessage, message_body

SECRET = "test-webhook-secret"
GRETA = {"name": "Greta Gruber", "email": "greta@example.de", "country": "Germany", "product": "X"}
WAIT = 10  # seconds, a bound: the kick sends within moments


@pytest.fixture
def config():
    return routing_config()


@pytest.fixture
def started(settings, config):
    """The runtime as `leadbot console` runs it (worker thread, scheduler), timed jobs paused."""
    runtime = build_runtime(settings.model_copy(update={"leadbot_webhook_secret": SecretStr(SECRET)}), config)
    runtime.start()
    runtime.scheduler.pause()
    yield runtime
    runtime.stop()
    runtime.engine.dispose()


def queue(runtime, key, kind, payload):
    with runtime.uow_factory() as uow:
        uow.outbox.add(OutboxMessage("T0CONSOLE", key, message_body(kind, payload)), runtime.deps.clock())
        uow.commit()


def test_a_web_form_leads_proposal_reaches_its_team_channel_on_the_kick_alone(started, fake_slack):
    status, _ = started.webhook.handle(*signed(GRETA, SECRET))

    assert status == 201
    assert fake_slack.wait_for_call("chat.postMessage", timeout=WAIT)
    [post] = [call.params for call in fake_slack.calls_to("chat.postMessage")]
    assert post["channel"] == EMEA_CHANNEL and "Greta Gruber" in post["text"]


def test_a_message_committed_while_a_round_is_sending_goes_out_without_a_timed_job(started, fake_slack):
    fake_slack.hold("conversations.open")  # the round's first message (a DM) stalls at Slack
    try:
        queue(started, "dm", MessageKind.COMMAND_REPLY, {"user": ANN, "message": {"text": "to ann"}})
        started.deps.kick_outbox()
        assert fake_slack.wait_for_call("conversations.open", timeout=WAIT)  # the round is sending

        queue(started, "post", MessageKind.CHANNEL_POST, {"channel": "C0SALES", "text": "to the channel"})
        started.deps.kick_outbox()  # lands mid-round
    finally:
        fake_slack.release("conversations.open")

    assert fake_slack.wait_for_call("chat.postMessage", timeout=WAIT, count=2)
    texts = sorted(call.params["text"] for call in fake_slack.calls_to("chat.postMessage"))
    assert texts == ["to ann", "to the channel"]
