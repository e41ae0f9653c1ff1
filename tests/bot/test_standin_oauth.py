"""The stand-in plays Slack's OAuth v2 side as Slack does: one-time codes for the app's own
client id and secret and redirect URL, per-workspace tokens that auth.test names, refresh
tokens good once, and Slack's error codes for everything else."""

import http.client
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local.standin import FakeSlack

CLIENT_ID, SECRET = "1.2", "shh"
REDIRECT = "https://leads.example.com/slack/oauth_redirect"


@pytest.fixture
def fake():
    with FakeSlack() as running:
        oauth = running.enable_oauth(CLIENT_ID, SECRET, redirect_uris=(REDIRECT,))
        oauth.add_workspace("T0ALPHA", "Alpha")
        oauth.add_workspace("T0BRAVO", "Bravo")
        yield running


def code_for(fake: FakeSlack, team: str, **extra: str) -> str:
    query = {"client_id": CLIENT_ID, "scope": "commands", "state": "s1", "team": team, **extra}
    status, headers, _ = fake.oauth.consent(query)
    assert status == 302
    back = urlsplit(headers["Location"])
    assert back.geturl().startswith(extra.get("redirect_uri", REDIRECT))
    assert parse_qs(back.query)["state"] == ["s1"]
    return parse_qs(back.query)["code"][0]


def exchange(fake: FakeSlack, code: str, secret: str = SECRET, **extra: str) -> dict:
    client = WebClient(base_url=fake.url)
    return client.oauth_v2_access(client_id=CLIENT_ID, client_secret=secret, code=code, **extra).data


def refused(call) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value.response["error"]


def test_each_workspace_gets_its_own_token_and_auth_test_names_it(fake):
    alpha = exchange(fake, code_for(fake, "T0ALPHA"))
    bravo = exchange(fake, code_for(fake, "T0BRAVO"))
    assert (alpha["team"]["id"], bravo["team"]["id"]) == ("T0ALPHA", "T0BRAVO")
    assert alpha["access_token"] != bravo["access_token"]
    for answer, team in ((alpha, "T0ALPHA"), (bravo, "T0BRAVO")):
        assert WebClient(token=answer["access_token"], base_url=fake.url).auth_test()["team_id"] == team


def test_a_code_is_good_once_and_only_with_the_apps_secret(fake):
    code = code_for(fake, "T0ALPHA")
    assert refused(lambda: exchange(fake, code, secret="wrong")) == "bad_client_secret"
    exchange(fake, code)
    assert refused(lambda: exchange(fake, code)) == "code_already_used"
    assert refused(lambda: exchange(fake, "made-up")) == "invalid_code"


def test_a_redirect_url_named_at_consent_must_be_named_again(fake):
    code = code_for(fake, "T0ALPHA", redirect_uri=REDIRECT)
    other = "https://other.example/cb"
    assert refused(lambda: exchange(fake, code, redirect_uri=other)) == "bad_redirect_uri"
    status, _, body = fake.oauth.consent({"client_id": CLIENT_ID, "redirect_uri": "https://evil.example/cb"})
    assert (status, body) == (400, b"bad_redirect_uri")
    assert fake.oauth.consent({"client_id": "someone-else"})[2] == b"invalid_client_id"


def test_unknown_revoked_and_expired_tokens_are_refused(fake):
    token = exchange(fake, code_for(fake, "T0ALPHA"))["access_token"]
    assert refused(lambda: WebClient(token="xoxb-nobody", base_url=fake.url).auth_test()) == "invalid_auth"
    fake.oauth.expire(token)
    expired = WebClient(token=token, base_url=fake.url)
    assert refused(lambda: expired.chat_postMessage(channel="C1", text="x")) == "token_expired"
    fresh = exchange(fake, code_for(fake, "T0BRAVO"))["access_token"]
    fake.oauth.uninstall("T0BRAVO")
    assert refused(lambda: WebClient(token=fresh, base_url=fake.url).auth_test()) == "token_revoked"


def test_with_rotation_a_refresh_token_is_good_once(fake):
    fake.oauth.rotation = True
    first = exchange(fake, code_for(fake, "T0ALPHA"))
    assert first["access_token"].startswith("xoxe.xoxb-") and first["expires_in"] > 0
    client = WebClient(base_url=fake.url)

    def refresh(token: str) -> dict:
        return client.oauth_v2_access(
            client_id=CLIENT_ID, client_secret=SECRET, grant_type="refresh_token", refresh_token=token
        ).data

    renewed = refresh(first["refresh_token"])
    assert renewed["access_token"] != first["access_token"] and renewed["team"]["id"] == "T0ALPHA"
    assert refused(lambda: refresh(first["refresh_token"])) == "invalid_refresh_token"
    assert refused(lambda: refresh(renewed["refresh_token"] + "x")) == "invalid_refresh_token"


def test_the_consent_screen_is_served_over_http(fake):
    connection = http.client.HTTPConnection("127.0.0.1", urlsplit(fake.origin).port, timeout=5)
    query = urlencode({"client_id": CLIENT_ID, "state": "s", "team": "T0BRAVO"})
    connection.request("GET", f"/oauth/v2/authorize?{query}")
    answer = connection.getresponse()
    assert answer.status == 302 and answer.getheader("Location").startswith(REDIRECT + "?code=")
