"""The stand-in answers as Slack does over its rate limits: 429, Retry-After, "ratelimited"."""

import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local.standin import FakeSlack
from bot.local.standin.limits import SlackLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        server.limits.clock = clock
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url)


def refusal(call: object) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call()  # type: ignore[operator]
    return caught.value


@pytest.mark.parametrize(
    ("method", "per_minute"), [("users.list", 20), ("conversations.open", 50), ("users.info", 100)]
)
def test_each_tier_takes_its_calls_a_minute_then_answers_429_with_retry_after(
    clock: Clock, method: str, per_minute: int
) -> None:
    limits = SlackLimits(enabled=True, clock=clock)
    for n in range(per_minute):
        assert limits.retry_after("xoxb-a", method, None) is None, n
        clock.now += 0.1
    assert limits.retry_after("xoxb-a", method, None) == 60 - int(per_minute * 0.1)
    assert limits.retry_after("xoxb-b", method, None) is None  # another workspace has its own
    clock.now += 60
    assert limits.retry_after("xoxb-a", method, None) is None


def test_the_answer_is_slacks_429(fake: FakeSlack, client: WebClient, clock: Clock) -> None:
    for n in range(50):
        client.conversations_open(users=f"U{n}")

    refused = refusal(lambda: client.conversations_open(users="U99"))

    assert refused.response.status_code == 429
    assert refused.response.headers["Retry-After"] == "60"
    assert refused.response.data == {"ok": False, "error": "ratelimited"}
    assert fake.calls[-1].retry_after == 60 and fake.calls[-1].failed
    clock.now += 60
    assert client.conversations_open(users="U99")["ok"]


def test_a_conversation_takes_a_short_burst_then_one_message_a_second(
    fake: FakeSlack, client: WebClient, clock: Clock
) -> None:
    client.chat_postMessage(channel="C1", text="one")
    client.chat_postMessage(channel="C1", text="two")

    refused = refusal(lambda: client.chat_postMessage(channel="C1", text="three"))

    assert refused.response.status_code == 429
    assert refused.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C2", text="elsewhere")["ok"]  # per conversation
    clock.now += 1
    assert client.chat_postMessage(channel="C1", text="three")["ok"]
    assert refusal(lambda: client.chat_postMessage(channel="C1", text="four")).response.status_code == 429


def test_a_user_id_and_its_dm_are_one_conversation(client: WebClient) -> None:
    client.chat_postMessage(channel="U1ANN", text="one")
    client.chat_postMessage(channel="D1ANN", text="two")

    assert refusal(lambda: client.chat_postMessage(channel="U1ANN", text="three")).response.status_code == 429


def test_turned_off_nothing_is_refused(fake: FakeSlack, client: WebClient) -> None:
    fake.limits.enabled = False

    assert all(client.chat_postMessage(channel="C1", text=str(n))["ok"] for n in range(5))


def test_reset_forgets_the_counts(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="one")
    client.chat_postMessage(channel="C1", text="two")
    fake.reset()

    assert client.chat_postMessage(channel="C1", text="three")["ok"]


def test_latency_delays_every_answer(fake: FakeSlack, client: WebClient) -> None:
    fake.limits.latency = 0.05
    started = time.monotonic()
    client.auth_test()

    assert time.monotonic() - started >= 0.05


@pytest.mark.slack_unlimited
def test_the_marker_turns_the_limits_off() -> None:
    with FakeSlack() as server:
        assert not server.limits.enabled
