"""One bot token serves one installation. A request signed for any other workspace is refused and
leaves nothing behind; a person of another organisation in a Slack Connect channel of ours is
told the leads are not theirs to see, and nothing is stored under their organisation."""

import json
from datetime import UTC, datetime, timedelta

from shapes_support import ACME, ACME_USER, SHARED_CHANNEL, rows_of_team, tracebacks
from support import ANN, wait_for_calls

from bot.ids import ActionId
from bot.local.standin.workspace import Button, LocalWorkspace
from domain.config import CONSOLE_WORKSPACE

OTHER = "T0OTHER"
MEMBERS_ONLY = "own members"
SHOW = Button(ActionId.SHOW, "1", "Show lead", "lead.notice")
MENTION = {
    "type": "app_mention",
    "channel": SHARED_CHANNEL,
    "ts": "1700000000.000300",
    "text": "<@U0LEADBOT> hi",
}


def elsewhere(slack: LocalWorkspace) -> LocalWorkspace:
    return LocalWorkspace(slack.transport, slack.fake, slack.signer, OTHER)


def test_a_command_from_another_workspace_is_refused_and_stores_nothing(slack, runtime, caplog):
    other = elsewhere(slack)

    added = other.slash(ANN, "add Dana Scully dana@fbi.gov")
    other.slash(ANN, "remind L-1 tomorrow 9am call back")

    assert added.status == 200 and MEMBERS_ONLY in added.text and "Console" in added.text
    assert rows_of_team(runtime.engine, OTHER) == {}
    assert tracebacks(caplog) == []


def test_nothing_is_ever_sent_for_another_workspace(slack, runtime, fake_slack):
    other = elsewhere(slack)
    other.slash(ANN, "add Dana Scully dana@fbi.gov")
    other.slash(ANN, "remind L-1 tomorrow 9am call back")

    runtime.run_jobs(datetime.now(UTC) + timedelta(days=2))

    assert fake_slack.calls_to("chat.postMessage") == []


def test_events_from_another_workspace_are_answered_and_ignored(slack, runtime, fake_slack):
    other = elsewhere(slack)

    assert other.open_home(ANN).status == 200
    assert other.event({**MENTION, "user": ANN}).status == 200
    runtime.run_jobs(datetime.now(UTC))

    runtime.app.listener_runner.listener_executor.shutdown(wait=True)
    assert fake_slack.calls_to("views.publish") == [] and fake_slack.calls_to("chat.postMessage") == []
    assert rows_of_team(runtime.engine, OTHER) == {}


def test_a_click_from_another_workspace_is_refused_below_it(slack, runtime, fake_slack):
    slack.slash(ANN, "add Dana Scully")

    elsewhere(slack).click(ANN, SHOW, {"ts": "1700000000.000100", "text": "L-1"})

    [answer] = wait_for_calls(fake_slack, "response_url")
    assert MEMBERS_ONLY in answer.params["text"] and "Dana" not in json.dumps(answer.params)
    assert rows_of_team(runtime.engine, OTHER) == {}


def test_a_mention_by_another_organisation_is_recorded_under_ours(slack, runtime, fake_slack):
    slack.event({**MENTION, "user": ACME_USER}, user_team=ACME)
    runtime.run_jobs(datetime.now(UTC))

    [reply] = fake_slack.calls_to("chat.postMessage")
    assert reply.params["thread_ts"] == MENTION["ts"]
    assert rows_of_team(runtime.engine, ACME) == {}
    assert rows_of_team(runtime.engine, CONSOLE_WORKSPACE)["outbox_messages"] == 1


def test_an_outsiders_command_is_told_the_leads_are_not_theirs(slack, runtime, caplog):
    slack.slash(ANN, "add Dana Scully")

    reply = slack.slash(ACME_USER, "show L-1", channel_id=SHARED_CHANNEL, user_team=ACME)
    added = slack.slash(ACME_USER, "add Fox Mulder", channel_id=SHARED_CHANNEL, user_team=ACME)

    assert MEMBERS_ONLY in reply.text and "There is no lead" not in reply.text
    assert MEMBERS_ONLY in added.text
    assert rows_of_team(runtime.engine, ACME) == {}
    assert tracebacks(caplog) == []


def test_an_outsiders_show_click_is_told_the_lead_is_not_theirs(slack, runtime, fake_slack, caplog):
    slack.slash(ANN, "add Dana Scully")
    notice = {"ts": "1700000000.000100", "text": "New lead L-1"}

    slack.click(ACME_USER, SHOW, notice, channel_id=SHARED_CHANNEL, user_team=ACME)

    [answer] = wait_for_calls(fake_slack, "response_url")
    assert MEMBERS_ONLY in answer.params["text"] and "There is no lead" not in answer.params["text"]
    assert "Dana" not in json.dumps(answer.params)
    assert rows_of_team(runtime.engine, ACME) == {}
    assert tracebacks(caplog) == []
