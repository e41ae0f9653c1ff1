"""Events API: the Home tab, mentions, and Slack's retries handled once."""

import json
import time
from datetime import UTC, datetime

from support import ANN, wait_for_calls

HOME = {"type": "app_home_opened", "user": ANN, "channel": "D0ANN", "tab": "home"}
MENTION = {
    "type": "app_mention",
    "user": ANN,
    "channel": "C0SALES",
    "ts": "1700000000.000200",
    "text": "<@U0LEADBOT> hi",
}


def test_opening_the_home_tab_shows_my_open_leads(slack, fake_slack):
    slack.slash(ANN, "add Dana Scully")
    assert slack.event(HOME).status == 200
    published = wait_for_calls(fake_slack, "views.publish")
    assert len(published) == 1
    assert published[0].params["user_id"] == ANN
    assert "Dana Scully" in json.dumps(published[0].params["view"])


def test_a_retried_event_is_handled_once(slack, fake_slack):
    slack.event(HOME, event_id="Ev0000000001")
    wait_for_calls(fake_slack, "views.publish")
    again = slack.event(HOME, event_id="Ev0000000001", retry_num=1)
    assert again.status == 200
    time.sleep(0.2)  # room for a second publish, if the retry wrongly ran the listener
    assert len(fake_slack.calls_to("views.publish")) == 1


def test_a_mention_is_answered_in_its_thread_once(slack, fake_slack, runtime):
    slack.event(MENTION, event_id="Ev0000000002")
    slack.event(MENTION, event_id="Ev0000000002", retry_num=1)
    runtime.run_jobs(datetime.now(UTC))
    runtime.run_jobs(datetime.now(UTC))
    posts = fake_slack.calls_to("chat.postMessage")
    assert len(posts) == 1
    assert posts[0].params["thread_ts"] == MENTION["ts"] and "/lead help" in posts[0].params["text"]
