"""Done when: a Home tab click, an org-wide install's Home tab and a Slack Connect person's command,
sent in Slack's shapes to the HTTP server `leadbot serve` runs, each get a visible, correct answer
and leave no traceback in the log."""

import json
from collections.abc import Iterator

import pytest
from shapes_support import (
    ACME,
    ACME_USER,
    ENTERPRISE,
    ORG_ANN,
    SHARED_CHANNEL,
    home_of,
    org_wide_install,
    rows_of_team,
    tracebacks,
)
from support import ANN, SIGNING_SECRET, wait_for_calls
from webhook_support import start

from bot.bootstrap import build_runtime
from bot.local.standin import SlackSigner
from bot.local.standin.workspace import LocalWorkspace, buttons_in, over_http
from bot.web.server import LeadbotServer
from domain.config import CONSOLE_WORKSPACE


def people(server: LeadbotServer, fake, signer: SlackSigner) -> LocalWorkspace:
    return LocalWorkspace(over_http("127.0.0.1", server.server_port), fake, signer, CONSOLE_WORKSPACE)


@pytest.fixture
def org_server(settings, config, fake_slack) -> Iterator[LeadbotServer]:
    with org_wide_install(fake_slack):
        runtime = build_runtime(settings, config)
        running = start(runtime)
        yield running
        running.shutdown()
        running.server_close()
        runtime.app.listener_runner.listener_executor.shutdown(wait=True)
        runtime.engine.dispose()


def test_a_home_tab_click_over_http_opens_the_lead(server, fake_slack, caplog):
    slack = people(server, fake_slack, SlackSigner(SIGNING_SECRET))
    assert "Added L-1" in slack.slash(ANN, "add Dana Scully dana@fbi.gov").text
    home = home_of(slack, ANN)

    show = next(b for b in buttons_in(home["blocks"]) if b.label == "Show")  # new, and hottest
    assert slack.click_in_view(ANN, show, home).status == 200

    [opened] = wait_for_calls(fake_slack, "views.open")
    assert "Dana Scully" in json.dumps(opened.params["view"]["blocks"])
    assert tracebacks(caplog) == []


def test_an_org_wide_installs_home_tab_over_http_shows_the_reps_leads(org_server, fake_slack, caplog):
    signer = SlackSigner(SIGNING_SECRET, enterprise_id=ENTERPRISE, org_wide=True)
    slack = people(org_server, fake_slack, signer)
    names = ("Dana Scully", "Fox Mulder", "Walter Skinner", "Alex Krycek")
    for name in names:
        assert "Added" in slack.slash(ORG_ANN, f"add {name}").text

    shown = json.dumps(home_of(slack, ORG_ANN)["blocks"])

    assert all(name in shown for name in names)
    assert tracebacks(caplog) == []


def test_a_slack_connect_persons_command_over_http_is_told_the_leads_are_not_theirs(
    server, fake_slack, signed_runtime, caplog
):
    slack = people(server, fake_slack, SlackSigner(SIGNING_SECRET))
    slack.slash(ANN, "add Dana Scully")

    reply = slack.slash(ACME_USER, "show L-1", channel_id=SHARED_CHANNEL, user_team=ACME)

    assert reply.status == 200 and "own members only" in reply.text and "Console" in reply.text
    assert "Dana" not in json.dumps(reply.body)
    assert rows_of_team(signed_runtime.engine, ACME) == {}
    assert tracebacks(caplog) == []
