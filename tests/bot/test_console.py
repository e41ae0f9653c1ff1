"""The console shows what Slack would show, and says so plainly when Slack would refuse."""

import pytest
from slack_sdk.errors import SlackApiError


@pytest.mark.slack_refusals
def test_a_message_slack_would_refuse_is_printed_as_a_refusal_not_as_a_message(console, capsys):
    twice = [{"type": "section", "block_id": "row", "text": {"type": "mrkdwn", "text": "L-1"}}] * 2

    with pytest.raises(SlackApiError):
        console.runtime.client.chat_postMessage(channel="C0CONSOLE", text="two rows", blocks=twice)

    out = " ".join(capsys.readouterr().out.split())  # rich wraps long lines
    assert "Slack refused this chat.postMessage call (invalid_blocks" in out
    assert "nobody would see it" in out
    assert "L-1" not in out  # never shown as if it had been posted
