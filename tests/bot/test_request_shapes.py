"""The stand-in sends what Slack sends: Home tab clicks, org-wide installs, Slack Connect, rich
text messages, the Messages tab and retries, as Bolt reads them (its context is what listeners see)."""

import json
from urllib.parse import parse_qsl

from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.local.standin import SignedRequest, SlackSigner
from bot.local.standin.payloads import home_opened, rich_text_message

SECRET = "test-signing-secret"
HOME = {"id": "VHOME1", "type": "home", "blocks": []}
ORG = SlackSigner(SECRET, enterprise_id="E0ORG", org_wide=True)
WORKSPACE = SlackSigner(SECRET)


def read(request: SignedRequest) -> BoltRequest:
    assert SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)
    return BoltRequest(body=request.body, headers={k: [v] for k, v in request.headers.items()})


def click_in(view: dict, signer: SlackSigner = WORKSPACE, **extra) -> BoltRequest:
    request = signer.view_action(
        team_id="T1", user_id="U1", action_id="lead.show", value="1", view=view, **extra
    )
    return read(request)


def test_a_home_tab_click_has_a_view_container_and_nothing_to_respond_to():
    body = click_in(HOME).body
    assert body["container"] == {"type": "view", "view_id": "VHOME1"}
    assert body["view"]["type"] == "home" and body["view"]["app_installed_team_id"] == "T1"
    assert "response_url" not in body and "channel" not in body and "message" not in body
    assert body["trigger_id"]


def test_bolt_finds_no_response_url_and_no_channel_in_a_home_tab_click():
    request = click_in(HOME)
    assert request.context.response_url is None and request.context.channel_id is None
    assert request.context.team_id == "T1"


def test_an_org_wide_install_names_no_workspace_in_its_authorizations():
    request = read(ORG.event(team_id="T1", event=home_opened("W1")))
    authorization = request.body["authorizations"][0]
    assert authorization["team_id"] is None and authorization["is_enterprise_install"] is True
    assert request.body["enterprise_id"] == "E0ORG" and request.body["team_id"] == "T1"
    assert request.context.team_id is None  # what made the Home tab read workspace ""
    assert request.context.enterprise_id == "E0ORG"


def test_an_org_wide_install_sends_commands_and_clicks_as_an_enterprise_install():
    command = dict(parse_qsl(ORG.slash_command(team_id="T1", user_id="W1", text="", response_url="u").body))
    assert (command["is_enterprise_install"], command["enterprise_id"]) == ("true", "E0ORG")
    click = click_in(HOME, ORG)
    assert click.body["team"] is None and click.body["is_enterprise_install"] is True
    assert click.context.team_id == "T1"  # Bolt reads user.team_id when team is null


def test_a_slack_connect_users_event_names_their_team_outside_and_ours_in_the_authorization():
    mention = {"type": "app_mention", "user": "U0ACME1", "channel": "C0SHARED", "ts": "1.2", "text": "hi"}
    request = read(SlackSigner(SECRET).event(team_id="T1", event=mention, user_team="T0ACME"))
    assert request.body["team_id"] == "T0ACME" and request.body["is_ext_shared_channel"] is True
    assert request.body["event"]["user_team"] == "T0ACME"
    assert request.context.team_id == "T1"


def test_a_slack_connect_users_command_and_click_carry_their_own_team():
    signer = SlackSigner(SECRET)
    command = signer.slash_command(
        team_id="T1", user_id="U0ACME1", text="", response_url="u", user_team="T0ACME"
    )
    assert dict(parse_qsl(command.body))["team_id"] == "T0ACME"
    click = click_in({"id": "V9", "type": "modal", "blocks": []}, user_team="T0ACME")
    assert click.body["user"]["team_id"] == "T0ACME" and click.body["view"]["app_installed_team_id"] == "T1"
    assert click.context.team_id == "T1"  # Bolt takes app_installed_team_id first


def test_a_message_typed_in_a_modern_client_is_rich_text_beside_its_markup():
    message = rich_text_message("U1", "Jon <CTO> jon@acme.com & https://acme.com", "T1")
    assert (
        message["text"]
        == "Jon &lt;CTO&gt; <mailto:jon@acme.com|jon@acme.com> &amp; <https://acme.com|https://acme.com>"
    )
    [block] = message["blocks"]
    elements = block["elements"][0]["elements"]
    assert block["type"] == "rich_text"
    assert {"type": "link", "url": "mailto:jon@acme.com", "text": "jon@acme.com"} in elements


def test_the_messages_tab_event_carries_no_view():
    event = home_opened("U1", tab="messages", view=HOME)
    assert event["tab"] == "messages" and "view" not in event
    assert home_opened("U1", view=HOME)["view"] == HOME


def test_a_retried_event_is_the_same_body_with_slacks_retry_headers():
    signer = SlackSigner(SECRET)
    first = signer.event(team_id="T1", event=home_opened("U1"), event_id="Ev1", timestamp=1)
    again = signer.event(team_id="T1", event=home_opened("U1"), event_id="Ev1", retry_num=2, timestamp=1)
    assert json.loads(first.body)["event_id"] == json.loads(again.body)["event_id"]
    assert again.headers["X-Slack-Retry-Num"] == "2" and "X-Slack-Retry-Num" not in first.headers
