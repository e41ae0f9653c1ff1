"""The stand-in refuses what Slack refuses: one case per rule of Block Kit that Slack enforces,
answered with Slack's own error codes, so a test sees what a real workspace would show."""

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.local.standin import FakeSlack

pytestmark = pytest.mark.slack_refusals  # each test makes the stand-in refuse on purpose


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str, **more: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text), **more}


def button(text: Any, action_id: str = "go", **more: Any) -> dict[str, Any]:
    label = plain(text) if isinstance(text, str) else text
    return {"type": "button", "text": label, "action_id": action_id, **more}


def modal(blocks: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {"type": "modal", "title": plain("Add a lead"), "blocks": blocks, **more}


# Each: what the app sends, and the code Slack answers. Every message here breaks one rule.
REFUSED_MESSAGES = {
    "a repeated block_id": [section("a", block_id="row"), section("b", block_id="row")],
    "a repeated action_id in one block": [{"type": "actions", "elements": [button("A"), button("B")]}],
    "51 blocks": [section(f"row {n}") for n in range(51)],
    "section text over 3,000": [section("x" * 3001)],
    "a field over 2,000": [{"type": "section", "fields": [mrkdwn("x" * 2001)]}],
    "a header over 150": [{"type": "header", "text": plain("x" * 151)}],
    "button text over 75": [{"type": "actions", "elements": [button("x" * 76)]}],
    "a button value over 2,000": [{"type": "actions", "elements": [button("Go", value="v" * 2001)]}],
    "a header in mrkdwn": [{"type": "header", "text": mrkdwn("*Leads*")}],
    "a button label in mrkdwn": [{"type": "actions", "elements": [button(mrkdwn("*Go*"))]}],
    "an unknown key on a block": [section("a", colour="red")],
    "an unknown key inside an element": [{"type": "actions", "elements": [button("Go", colour="red")]}],
    "empty section text": [section("")],
    "an unknown block type": [{"type": "banner", "text": plain("hi")}],
}


@pytest.mark.parametrize("blocks", REFUSED_MESSAGES.values(), ids=REFUSED_MESSAGES.keys())
def test_a_message_breaking_a_rule_is_refused_as_invalid_blocks(
    fake: FakeSlack, client: WebClient, blocks: list[dict[str, Any]]
) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C1", text="fallback", blocks=blocks)

    assert refused.value.response["error"] == "invalid_blocks"
    assert refused.value.response["errors"]  # says what was wrong, and where
    assert [r.method for r in fake.take_refusals()] == ["chat.postMessage"]


def test_more_than_12000_characters_of_block_text_is_msg_blocks_too_long(client: WebClient) -> None:
    # No single block breaks a limit: the message as a whole is too long for Slack.
    blocks = [section("x" * 2500) for _ in range(5)]

    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C1", text="fallback", blocks=blocks)

    assert refused.value.response["error"] == "msg_blocks_too_long"


def test_a_message_with_neither_text_nor_blocks_is_no_text(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C1", text="")

    assert refused.value.response["error"] == "no_text"


def test_updates_and_ephemeral_messages_are_judged_too(client: WebClient) -> None:
    bad = [section("a", block_id="x"), section("b", block_id="x")]
    for send in (
        lambda: client.chat_update(channel="C1", ts="1.2", text="t", blocks=bad),
        lambda: client.chat_postEphemeral(channel="C1", user="U1", text="t", blocks=bad),
    ):
        with pytest.raises(SlackApiError) as refused:
            send()
        assert refused.value.response["error"] == "invalid_blocks"


def test_a_response_url_refuses_like_an_incoming_webhook(fake: FakeSlack) -> None:
    answer = WebhookClient(fake.response_url()).send_dict({"text": "t", "blocks": [section("")]})

    assert (answer.status_code, answer.body) == (400, "invalid_blocks")


REFUSED_VIEWS = {
    "101 blocks": modal([section(f"row {n}") for n in range(101)]),
    "a title over 24": modal([section("a")], title=plain("x" * 25)),
    "a submit label over 24": modal([section("a")], submit=plain("x" * 25)),
    "a close label over 24": modal([section("a")], close=plain("x" * 25)),
    "a title in mrkdwn": modal([section("a")], title=mrkdwn("Add")),
    "a repeated block_id": modal([section("a", block_id="b"), section("b", block_id="b")]),
    "an input without a submit button": modal(
        [{"type": "input", "label": plain("Name"), "element": {"type": "plain_text_input"}}]
    ),
    "an input label in mrkdwn": modal(
        [{"type": "input", "label": mrkdwn("Name"), "element": {"type": "plain_text_input"}}],
        submit=plain("Save"),
    ),
    "private_metadata over 3,000": modal([section("a")], private_metadata="m" * 3001),
    "an unknown key on the view": modal([section("a")], colour="red"),
}


@pytest.mark.parametrize("view", REFUSED_VIEWS.values(), ids=REFUSED_VIEWS.keys())
def test_a_view_breaking_a_rule_is_refused(client: WebClient, view: dict[str, Any]) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.views_open(trigger_id="t1", view=view)

    assert refused.value.response["error"] == "invalid_arguments"


def test_a_home_tab_takes_100_blocks_but_not_101(client: WebClient) -> None:
    rows = [section(f"row {n}") for n in range(101)]

    client.views_publish(user_id="U1", view={"type": "home", "blocks": rows[:100]})
    with pytest.raises(SlackApiError):
        client.views_publish(user_id="U1", view={"type": "home", "blocks": rows})


def test_what_slack_shows_is_accepted(fake: FakeSlack, client: WebClient) -> None:
    blocks = [
        {"type": "header", "text": plain("Your leads")},
        section("*L-1* Ada", block_id="lead.1", accessory=button("Show", value="1")),
        {"type": "actions", "block_id": "more", "elements": [button("Next", "next"), button("Back", "back")]},
        {"type": "context", "elements": [mrkdwn("…and 3 more")]},
    ]

    client.chat_postMessage(channel="C1", text="Your leads", blocks=blocks)
    client.views_publish(user_id="U1", view={"type": "home", "blocks": blocks})

    assert fake.take_refusals() == []
