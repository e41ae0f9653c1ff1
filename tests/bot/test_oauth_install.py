"""Installing into two workspaces through /slack/install against the stand-in, and what each
then sees: nothing of the other's, by command, button, webhook or export."""

import json

import pytest
from oauth_support import ALPHA, BRAVO, get, install, oauth_settings, people_of, serving, two_workspace_slack
from support import ADA, ANN, SIGNING_SECRET, wait_for_calls

from bot.local.standin import SlackSigner
from bot.local.standin.workspace import LocalWorkspace, buttons_in, over_http


@pytest.fixture
def fake():
    with two_workspace_slack() as running:
        yield running


@pytest.fixture
def served(fake, database_url, config):
    with serving(oauth_settings(fake, database_url), config, fake) as both:
        yield both


def test_install_redirects_to_slacks_consent_screen_with_a_state_cookie(served, fake):
    runtime, server = served
    walk = install(server, ALPHA)
    assert walk.install.status == 302
    location = walk.install.headers["location"]
    assert location.startswith(fake.origin + "/oauth/v2/authorize?")
    assert "client_id=1111.2222" in location and "state=" in location and "scope=commands" in location
    assert any(cookie.startswith("slack-app-oauth-state=") for cookie in walk.install.cookies)
    assert walk.consent.status == 302 and "code=" in walk.consent.headers["location"]
    assert walk.finish.status == 200, walk.finish.body
    assert [call.method for call in fake.calls_to("oauth.v2.access")] == ["oauth.v2.access"]


def test_a_lead_captured_in_each_workspace_stays_there(served, fake):
    runtime, server = served
    for team in (ALPHA, BRAVO):
        assert install(server, team).finish.status == 200
    alpha = people_of(server, fake, fake.oauth.workspaces[ALPHA])
    bravo = people_of(server, fake, fake.oauth.workspaces[BRAVO])
    assert "L-1" in alpha.slash(ANN, "add Dana Scully dana@fbi.gov").text
    assert "L-1" in bravo.slash(ANN, "add Fox Mulder fox@fbi.gov").text
    assert "Dana" in alpha.slash(ANN, "show L-1").text
    shown = bravo.slash(ANN, "show L-1").text
    assert "Fox" in shown and "Dana" not in shown


EMAIL = "dana@fbi.gov"


@pytest.fixture
def both(served, fake):
    """Leadbot installed in Alpha and Bravo, each holding a lead of the same email."""
    runtime, server = served
    for team in (ALPHA, BRAVO):
        assert install(server, team).finish.status == 200
    alpha = people_of(server, fake, fake.oauth.workspaces[ALPHA])
    bravo = people_of(server, fake, fake.oauth.workspaces[BRAVO])
    alpha.slash(ANN, "add Olivia Alpha olivia@alphacorp.com")
    alpha.slash(ANN, f"add Dana Scully {EMAIL} company:FBI")
    alpha.slash(ANN, "note L-2 alpha-secret-note")
    bravo.slash(ANN, f"add Dana Bravo {EMAIL} company:Bravo")
    fake.reset()
    return runtime, server, alpha, bravo


def alpha_words(text: str, typed: str = "") -> list[str]:
    """What only Alpha's leads hold, found in `text` (a word the person typed is echoed back)."""
    words = ("Olivia", "Scully", "alpha-secret-note", "FBI", "alphacorp")
    return [word for word in words if word in text and word not in typed]


def test_no_command_of_one_workspace_shows_the_others_leads(both):
    _, _, alpha, bravo = both
    for text in ("show L-1", "show L-2", "find Dana", "find Olivia", "mine", "list", "history L-2", "report"):
        reply = bravo.slash(ANN, text)
        assert alpha_words(reply.text + str(reply.blocks), typed=text) == [], text
    assert "no lead L-2" in bravo.slash(ANN, "show L-2").text
    assert "Scully" in alpha.slash(ANN, "show L-2").text


def test_a_button_of_one_workspace_clicked_in_the_other_finds_nothing(both, fake):
    _, _, alpha, bravo = both
    card = alpha.slash(ANN, "show L-2")
    assert buttons_in(card.blocks)
    for button in buttons_in(card.blocks):
        fake.reset()
        bravo.click(ANN, button, message=card.body)
        answers = [str(call.params) for call in fake.calls]
        assert not any(alpha_words(answer) for answer in answers), button.label


def test_each_workspace_calls_slack_with_its_own_token(both, fake):
    _, _, alpha, bravo = both
    alpha.slash(ADA, f"privacy export {EMAIL}")
    wait_for_calls(fake, "files.completeUploadExternal")
    bravo.slash(ADA, f"privacy export {EMAIL}")
    wait_for_calls(fake, "files.completeUploadExternal", count=2)
    tokens = {call.params["_token"] for call in fake.calls if call.params.get("_token")}
    by_team = {token: fake.oauth.workspace_of(token).team_id for token in tokens}
    assert set(by_team.values()) == {ALPHA, BRAVO}
    uploads = [json.loads(call.params["content"].decode()) for call in fake.calls_to("upload_url")]
    [alpha_export, bravo_export] = uploads
    assert [lead["name"] for ws in alpha_export["workspaces"] for lead in ws["leads"]] == ["Dana Scully"]
    assert [lead["name"] for ws in bravo_export["workspaces"] for lead in ws["leads"]] == ["Dana Bravo"]
    assert not alpha_words(json.dumps(bravo_export))
    bravo_tokens = set(fake.oauth.tokens_of(BRAVO))
    assert not [
        call
        for call in fake.calls
        if call.params.get("_token") in bravo_tokens and alpha_words(str(call.params))
    ]


def test_an_org_wide_install_serves_each_workspace_of_the_organisation_apart(fake, database_url, config):
    grid = fake.oauth.add_workspace("E0GRID", "Grid", enterprise_id="E0GRID", org_wide=True)
    with serving(oauth_settings(fake, database_url), config, fake) as (runtime, server):
        assert install(server, "E0GRID").finish.status == 200
        signer = SlackSigner(
            SIGNING_SECRET, bot_user_id=grid.bot_user_id, enterprise_id="E0GRID", org_wide=True
        )
        north = LocalWorkspace(over_http("127.0.0.1", server.server_port), fake, signer, "T0NORTH")
        south = LocalWorkspace(over_http("127.0.0.1", server.server_port), fake, signer, "T0SOUTH")
        assert "Added L-1" in north.slash("W0NORTHANN", "add Dana Scully").text
        assert "Added L-1" in south.slash("W0SOUTHBEN", "add Fox Mulder").text
        assert "Scully" not in south.slash("W0SOUTHBEN", "show L-1").text
        [token] = fake.oauth.tokens_of("E0GRID")
        assert {call.params.get("_token") for call in fake.calls if call.params.get("_token")} == {token}


def test_the_home_tab_of_one_workspace_shows_only_its_own_leads(both, fake):
    _, _, alpha, bravo = both
    bravo.open_home(ANN)
    [published] = wait_for_calls(fake, "views.publish")
    assert published.params["_token"] in fake.oauth.tokens_of(BRAVO)
    assert not alpha_words(str(published.params["view"]))


def test_a_workspace_the_app_was_never_installed_in_gets_nothing(served, fake):
    _, server = served
    install(server, ALPHA)
    stranger = fake.oauth.add_workspace("T0CHARLIE", "Charlie")
    charlie = people_of(server, fake, stranger)
    fake.reset()
    assert "Added" not in charlie.slash(ANN, "add Dana Scully").text
    [told] = wait_for_calls(fake, "response_url")
    assert "not installed in this workspace" in told.params["text"]


def test_someone_of_another_organisation_in_a_shared_channel_sees_nothing(both, fake):
    _, _, alpha, _ = both
    reply = alpha.slash("U0GUEST", "show L-2", user_team="T0GUESTS")
    # Their command names their own organisation, where Leadbot is not installed: Bolt finds no
    # token for it and only says so.
    [told] = wait_for_calls(fake, "response_url")
    assert not alpha_words(reply.text + str(told.params)) and "Scully" not in str(fake.calls)


def test_metrics_name_no_workspace_no_lead_and_no_token(both, fake):
    _, server, alpha, _ = both
    secret = alpha.slash(ADA, "webhook").text.split("Secret: `")[1].split("`")[0]
    page = get(f"http://127.0.0.1:{server.server_port}/metrics")
    assert page.status == 200 and "leadbot_" in page.body
    tokens = fake.oauth.tokens_of(ALPHA) + fake.oauth.tokens_of(BRAVO)
    for private in (ALPHA, BRAVO, "Scully", "Bravo", EMAIL, secret, *tokens):
        assert private not in page.body
