"""With multi-workspace install each workspace has its own webhook secret: an admin sees it and
rotates it in Slack, and a webhook request belongs to the workspace whose secret signed it."""

import re

import pytest
from oauth_support import ALPHA, BRAVO, install, oauth_settings, people_of, serving, two_workspace_slack
from support import ADA, ANN
from webhook_support import EVENTS, post, signature, signed

SECRET_SHOWN = re.compile(r"Secret: `([^`]+)`")


@pytest.fixture
def fake():
    with two_workspace_slack() as running:
        yield running


@pytest.fixture
def served(fake, database_url, config):
    settings = oauth_settings(fake, database_url, leadbot_public_url="https://leads.example.com")
    with serving(settings, config, fake) as both:
        runtime, server = both
        for team in (ALPHA, BRAVO):
            assert install(server, team).finish.status == 200
        yield both


@pytest.fixture
def alpha(served, fake):
    return people_of(served[1], fake, fake.oauth.workspaces[ALPHA])


@pytest.fixture
def bravo(served, fake):
    return people_of(served[1], fake, fake.oauth.workspaces[BRAVO])


def secret_of(people) -> str:
    reply = people.slash(ADA, "webhook")
    found = SECRET_SHOWN.search(reply.text)
    assert found, reply.text
    return found[1]


def send_lead(server, lead: dict, secret: str, legacy: bool = False) -> tuple[int, dict]:
    import json

    body = json.dumps(lead).encode()
    headers = {"X-Leadbot-Signature": signature(body, secret)} if legacy else signed(body, secret)
    return post(server, body, headers)


def test_an_admin_sees_the_webhook_address_and_secret_only_they_can_see(alpha):
    reply = alpha.slash(ADA, "webhook")
    assert reply.body["response_type"] == "ephemeral"
    assert "POST https://leads.example.com/webhooks/leads" in reply.text
    assert "POST https://leads.example.com/webhooks/events" in reply.text
    assert secret_of(alpha) == SECRET_SHOWN.search(reply.text)[1]  # the same one each time


def test_a_rep_is_refused_the_secret(alpha):
    reply = alpha.slash(ANN, "webhook")
    assert "for admins" in reply.text and "Secret" not in reply.text
    assert "for admins" in alpha.slash(ANN, "webhook rotate").text


def test_each_workspace_has_its_own_secret(alpha, bravo):
    assert secret_of(alpha) != secret_of(bravo)


@pytest.mark.parametrize("legacy", [False, True], ids=["v1-timestamped", "legacy-sha256"])
def test_a_lead_belongs_to_the_workspace_whose_secret_signed_it(served, alpha, bravo, legacy):
    _, server = served
    status, answer = send_lead(server, {"name": "Walter Skinner"}, secret_of(bravo), legacy)
    assert (status, answer["id"]) == (201, "L-1")
    assert "Skinner" in bravo.slash(ANN, "show L-1").text
    assert "no lead L-1" in alpha.slash(ANN, "show L-1").text


def test_a_request_signed_with_no_workspaces_secret_is_refused(served, alpha):
    _, server = served
    secret_of(alpha)
    status, answer = send_lead(server, {"name": "Walter Skinner"}, "not-anyones-secret")
    assert status == 401 and "bad signature" in answer["error"]


def test_events_are_matched_only_to_the_signing_workspaces_leads(served, alpha, bravo):
    import json

    _, server = served
    alpha.slash(ANN, "add Dana Scully dana@fbi.gov")
    bravo.slash(ANN, "add Dana Other dana@fbi.gov")
    body = json.dumps(
        {"email": "dana@fbi.gov", "event": "page_visited", "url": "https://x.co/pricing"}
    ).encode()
    status, answer = post(server, body, signed(body, secret_of(bravo)), EVENTS)
    assert status == 200 and answer["matched"] == 1 and answer["leads"] == ["L-1"]
    assert "page_visited" not in alpha.slash(ANN, "history L-1").text + str(
        alpha.slash(ANN, "show L-1").blocks
    )


def test_rotating_the_secret_refuses_the_old_one_and_takes_the_new(served, alpha, bravo):
    _, server = served
    old, untouched = secret_of(alpha), secret_of(bravo)
    reply = alpha.slash(ADA, "webhook rotate")
    new = SECRET_SHOWN.search(reply.text)[1]
    assert new != old and "new webhook secret" in reply.text
    assert send_lead(server, {"name": "Old Secret"}, old)[0] == 401
    assert send_lead(server, {"name": "New Secret"}, new)[0] == 201
    assert secret_of(bravo) == untouched


def test_a_bad_word_after_webhook_says_how_to_write_it(alpha):
    reply = alpha.slash(ADA, "webhook rotat")
    assert "`rotat` is not `rotate`" in reply.text


def test_messages_a_webhook_lead_causes_go_out_with_its_workspaces_token(served, fake, bravo):
    from datetime import UTC, datetime

    runtime, server = served
    assert send_lead(server, {"name": "Walter Skinner", "team": "sales"}, secret_of(bravo))[0] == 201
    fake.reset()
    runtime.run_jobs(datetime.now(UTC))
    posts = [call for call in fake.calls_to("chat.postMessage") if "Skinner" in str(call.params)]
    assert posts
    assert {call.params["_token"] for call in posts} <= set(fake.oauth.tokens_of(BRAVO))


def test_in_single_token_mode_the_webhook_secret_stays_the_operators(slack):
    reply = slack.slash(ADA, "webhook")
    assert "LEADBOT_WEBHOOK_SECRET" in reply.text and "Secret:" not in reply.text
