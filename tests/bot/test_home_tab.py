"""The Home tab as Slack drives it: opened (Home or Messages tab), clicked (a view container and
no response_url), and on an org-wide install (authorizations naming no workspace)."""

import json
from collections.abc import Iterator

import pytest
from shapes_support import ENTERPRISE, ORG_ANN, home_of, org_wide_install, tracebacks
from support import ANN, SIGNING_SECRET, wait_for_calls

from bot.bootstrap import Runtime, build_runtime
from bot.ids import ActionId
from bot.local.standin import SlackSigner
from bot.local.standin.workspace import Button, LocalWorkspace, buttons_in, in_process
from domain.config import CONSOLE_WORKSPACE


def button(view: dict, label: str):
    return next(b for b in buttons_in(view["blocks"]) if b.label == label)


def test_a_show_click_in_the_home_tab_opens_the_lead_in_a_modal(slack, fake_slack, caplog):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    home = home_of(slack, ANN)

    assert slack.click_in_view(ANN, button(home, "Show"), home).status == 200

    [opened] = wait_for_calls(fake_slack, "views.open")
    assert opened.params["view"]["type"] == "modal"
    assert "Dana Scully" in json.dumps(opened.params["view"]["blocks"])
    assert fake_slack.calls_to("response_url") == []
    assert tracebacks(caplog) == []


def test_a_click_in_that_modal_answers_in_the_modal(slack, fake_slack, caplog):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    home = home_of(slack, ANN)
    slack.click_in_view(ANN, button(home, "Show"), home)
    [opened] = wait_for_calls(fake_slack, "views.open")
    card = {**opened.params["view"], "id": "VCARD1"}

    slack.click_in_view(ANN, button(card, "Log a call"), card)

    [updated] = wait_for_calls(fake_slack, "views.update")
    assert updated.params["view_id"] == "VCARD1"
    assert "call" in json.dumps(updated.params["view"]["blocks"]).lower()
    assert tracebacks(caplog) == []


def test_a_refused_click_in_the_home_tab_says_why_in_a_modal(slack, fake_slack, caplog):
    slack.slash(ANN, "add Dana Scully")
    home = home_of(slack, ANN)
    gone = Button(ActionId.SHOW, "99", "Show", "b")  # a lead the view still shows, since gone

    slack.click_in_view(ANN, gone, home)

    [opened] = wait_for_calls(fake_slack, "views.open")
    assert "L-99" in json.dumps(opened.params["view"])
    assert tracebacks(caplog) == []


def test_when_even_the_answer_fails_the_log_says_so_without_a_traceback(slack, fake_slack, runtime, caplog):
    slack.slash(ANN, "add Dana Scully")
    home = home_of(slack, ANN)
    fake_slack.fail_next("views.open", status=200, error="expired_trigger_id", times=2)

    slack.click_in_view(ANN, button(home, "Show"), home)

    wait_for_calls(fake_slack, "views.open", count=2)
    runtime.app.listener_runner.listener_executor.shutdown(wait=True)  # the click's work is done
    assert tracebacks(caplog) == []
    assert any("expired_trigger_id" in r.getMessage() for r in caplog.records)


def test_the_messages_tab_publishes_nothing(slack, fake_slack, caplog):
    assert slack.open_home(ANN, tab="messages").status == 200
    assert slack.open_home(ANN).status == 200  # the Home tab after it: one publish, its own
    assert len(wait_for_calls(fake_slack, "views.publish")) == 1
    assert tracebacks(caplog) == []


@pytest.fixture
def org_runtime(settings, config, fake_slack) -> Iterator[Runtime]:
    """The app installed on a whole Enterprise Grid organisation, as auth.test then says."""
    with org_wide_install(fake_slack):
        runtime = build_runtime(settings, config)
        yield runtime
        runtime.app.listener_runner.listener_executor.shutdown(wait=True)
        runtime.engine.dispose()


@pytest.fixture
def org(org_runtime, fake_slack) -> LocalWorkspace:
    """People of that organisation: every request says is_enterprise_install, with
    authorizations naming no workspace."""
    signer = SlackSigner(SIGNING_SECRET, enterprise_id=ENTERPRISE, org_wide=True)
    return LocalWorkspace(in_process(org_runtime.app), fake_slack, signer, CONSOLE_WORKSPACE)


def test_an_org_wide_installs_home_tab_shows_the_reps_own_leads(org, fake_slack, caplog):
    for name in ("Dana Scully", "Fox Mulder", "Walter Skinner", "Alex Krycek"):
        assert "Added" in org.slash(ORG_ANN, f"add {name}").text

    home = home_of(org, ORG_ANN)

    shown = json.dumps(home["blocks"])
    assert all(name in shown for name in ("Dana Scully", "Fox Mulder", "Walter Skinner", "Alex Krycek"))
    assert "no open leads" not in shown.lower()
    assert tracebacks(caplog) == []


def test_an_org_wide_installs_home_tab_click_opens_the_lead(org, fake_slack, caplog):
    org.slash(ORG_ANN, "add Dana Scully")
    home = home_of(org, ORG_ANN)

    org.click_in_view(ORG_ANN, button(home, "Show"), home)

    [opened] = wait_for_calls(fake_slack, "views.open")
    assert "Dana Scully" in json.dumps(opened.params["view"]["blocks"])
    assert tracebacks(caplog) == []


def test_an_org_wide_installs_retried_home_event_publishes_once(org, fake_slack, org_runtime):
    org.open_home(ORG_ANN, event_id="Ev0000000042")
    wait_for_calls(fake_slack, "views.publish")

    assert org.open_home(ORG_ANN, event_id="Ev0000000042", retry_num=1).status == 200

    org_runtime.app.listener_runner.listener_executor.shutdown(wait=True)
    assert len(fake_slack.calls_to("views.publish")) == 1


def test_an_org_wide_install_serves_each_workspace_of_its_organisation_and_no_other(org, fake_slack):
    second = LocalWorkspace(org.transport, fake_slack, org.signer, "T0SECOND")
    elsewhere = SlackSigner(SIGNING_SECRET, enterprise_id="E0ELSE", org_wide=True)
    stranger = LocalWorkspace(org.transport, fake_slack, elsewhere, "T0ELSE")

    assert "Added L-1" in org.slash(ORG_ANN, "add Dana Scully").text
    assert "Added L-1" in second.slash(ORG_ANN, "add Fox Mulder").text  # its own leads
    assert "own members only" in stranger.slash("W0STRANGER", "add Alex Krycek").text
