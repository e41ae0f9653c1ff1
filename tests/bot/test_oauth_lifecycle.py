"""An installation's life: refused installs, tokens sealed at rest, token rotation, key rotation,
and its end (app_uninstalled, tokens_revoked) deleting the workspace's tokens at once."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from oauth_support import (
    ALPHA,
    BRAVO,
    CLIENT_ID,
    KEY,
    get,
    install,
    oauth_settings,
    people_of,
    serving,
    two_workspace_slack,
)
from pydantic import SecretStr
from support import ADA, ANN, wait_for_calls
from webhook_support import post, signed

from bot.local.standin.oauth import TOKEN_LIFETIME
from bot.workspaces.sealing import SecretBox, Unreadable
from domain.delivery.messages import ChannelPost, OutboxMessage
from handlers.operations.installations import reseal_all
from store.tables import InstallationRow, InstalledBotRow, OAuthStateRow, OutboxRow, WebhookSecretRow


@pytest.fixture
def fake():
    with two_workspace_slack() as running:
        yield running


@pytest.fixture
def served(fake, database_url, config):
    with serving(oauth_settings(fake, database_url), config, fake) as both:
        yield both


def rows(runtime, table) -> list[dict]:
    with runtime.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sa.select(table))]


def installed_teams(runtime) -> set[str]:
    return {row["team_id"] for row in rows(runtime, InstalledBotRow)}


# --- refused installs -------------------------------------------------------------------


def test_an_install_without_the_state_cookie_is_refused_and_stores_nothing(served, fake):
    runtime, server = served
    started = install(server, ALPHA)  # a first, complete install is fine
    assert started.finish.status == 200
    again = get(f"http://127.0.0.1:{server.server_port}/slack/install")
    consent = get(again.headers["location"])
    back = consent.headers["location"].replace(fake.origin, "")
    refused = get(f"http://127.0.0.1:{server.server_port}/slack/oauth_redirect?" + back.split("?", 1)[1])
    assert refused.status == 400  # no cookie: another browser than the one that started
    assert installed_teams(runtime) == {ALPHA}


def test_a_forged_state_is_refused(served):
    runtime, server = served
    walk = install(server, BRAVO, tamper={"state": "forged"})
    assert walk.finish.status == 400
    assert installed_teams(runtime) == set()


def test_a_code_used_twice_or_made_up_is_refused_by_slack(served, fake):
    runtime, server = served
    walk = install(server, ALPHA, tamper={"code": "made-up"})
    assert walk.finish.status == 401
    assert fake.calls_to("oauth.v2.access")[-1].params.get("code") == "made-up"
    assert installed_teams(runtime) == set()
    assert rows(runtime, OAuthStateRow) == []  # the state was taken even so: it is good once


def test_slack_refuses_a_wrong_client_secret(fake, database_url, config):
    settings = oauth_settings(fake, database_url).model_copy(
        update={"slack_client_secret": SecretStr("wrong")}
    )
    with serving(settings, config, fake) as (runtime, server):
        assert install(server, ALPHA).finish.status == 401
        assert installed_teams(runtime) == set()
    [exchange] = fake.calls_to("oauth.v2.access")
    assert fake.oauth.access(exchange.params)["error"] == "bad_client_secret"


def test_slack_refuses_a_redirect_url_the_app_did_not_register(served, fake):
    _, server = served
    started = get(f"http://127.0.0.1:{server.server_port}/slack/install")
    consent = get(started.headers["location"] + "&redirect_uri=https%3A%2F%2Fevil.example%2Fcb")
    assert (consent.status, consent.body) == (400, "bad_redirect_uri")


# --- at rest --------------------------------------------------------------------------------


def test_tokens_and_secrets_are_sealed_at_rest(served, fake):
    runtime, server = served
    for team in (ALPHA, BRAVO):
        install(server, team)
    secret = people_of(server, fake, fake.oauth.workspaces[ALPHA]).slash(ADA, "webhook").text
    secret = secret.split("Secret: `")[1].split("`")[0]
    tokens = fake.oauth.tokens_of(ALPHA) + fake.oauth.tokens_of(BRAVO)
    assert len(tokens) == 2
    stored = json.dumps(
        [rows(runtime, table) for table in (InstallationRow, InstalledBotRow, WebhookSecretRow)], default=str
    )
    for plain in (*tokens, secret):
        assert plain not in stored
    if runtime.settings.database_url.startswith("sqlite:///"):  # the file itself, WAL included
        path = runtime.settings.database_url.removeprefix("sqlite:///")
        runtime.engine.dispose()
        raw = b"".join(Path(p).read_bytes() for p in (path, path + "-wal") if Path(p).exists())
        assert not any(plain.encode() in raw for plain in (*tokens, secret))


def test_a_new_key_put_first_still_opens_what_the_old_one_sealed(served, fake, database_url, config):
    runtime, server = served
    install(server, ALPHA)
    new = Fernet.generate_key().decode()
    rotated = oauth_settings(fake, database_url, key=f"{new},{KEY}")
    with serving(rotated, config, fake) as (runtime2, server2):
        assert (
            "Added L-1" in people_of(server2, fake, fake.oauth.workspaces[ALPHA]).slash(ANN, "add Dana").text
        )
        with pytest.raises(Unreadable):  # sealed before the rotation: the new key alone cannot open it
            SecretBox(new).open(rows(runtime2, InstallationRow)[0]["sealed"])
        # Sealed again with the first key, everything opens with it alone: the old key may go.
        assert (
            reseal_all(runtime2.uow_factory, SecretBox(f"{new},{KEY}").reseal) == 3
        )  # latest, installer, bot
        for table in (InstallationRow, InstalledBotRow):
            for row in rows(runtime2, table):
                SecretBox(new).open(row["sealed"])
        with pytest.raises(Unreadable):
            SecretBox(KEY).open(rows(runtime2, InstalledBotRow)[0]["sealed"])


def test_a_key_seals_with_the_first_and_opens_with_any():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_old = SecretBox(old).seal("xoxb-1")
    both = SecretBox(f"{new}, {old}")
    assert both.open(sealed_old) == "xoxb-1"
    assert SecretBox(new).open(both.seal("xoxb-2")) == "xoxb-2"


# --- token rotation -------------------------------------------------------------------------


def test_an_expiring_token_is_renewed_with_its_refresh_token_before_use(database_url, config):
    with two_workspace_slack(rotation=True) as fake:
        fake.oauth.lifetime = 3600  # within Bolt's two hours: every use renews it
        with serving(oauth_settings(fake, database_url), config, fake) as (runtime, server):
            install(server, ALPHA)
            [first] = fake.oauth.tokens_of(ALPHA)
            alpha = people_of(server, fake, fake.oauth.workspaces[ALPHA])
            fake.reset()
            assert "Added L-1" in alpha.slash(ANN, "add Dana Scully").text
            refreshes = [
                c for c in fake.calls_to("oauth.v2.access") if c.params.get("grant_type") == "refresh_token"
            ]
            assert len(refreshes) == 1
            latest = fake.oauth.tokens_of(ALPHA)[-1]
            assert latest != first
            used = {c.params.get("_token") for c in fake.calls if c.method != "oauth.v2.access"}
            assert used == {latest}
            fake.oauth.expire(first)
            assert (
                "Added L-2" in alpha.slash(ANN, "add Fox Mulder").text
            )  # renewed again, with the new refresh token
            assert len(fake.calls_to("oauth.v2.access")) == 2
            assert (
                fake.oauth.access(
                    {
                        "client_id": CLIENT_ID,
                        "client_secret": "test-client-secret",
                        "grant_type": "refresh_token",
                        "refresh_token": refreshes[0].params["refresh_token"],
                    }
                )["error"]
                == "invalid_refresh_token"
            )  # each refresh token is good once


# --- the end of an installation ---------------------------------------------------------


def test_app_uninstalled_deletes_the_workspaces_tokens_and_secret_at_once(served, fake):
    runtime, server = served
    for team in (ALPHA, BRAVO):
        install(server, team)
    alpha = people_of(server, fake, fake.oauth.workspaces[ALPHA])
    bravo = people_of(server, fake, fake.oauth.workspaces[BRAVO])
    alpha.slash(ADA, "webhook")
    bravo.slash(ADA, "webhook")
    fake.oauth.uninstall(ALPHA)  # Slack revokes the tokens, then tells the app
    assert alpha.event({"type": "app_uninstalled"}).status == 200
    assert installed_teams(runtime) == {BRAVO}
    assert {row["team_id"] for row in rows(runtime, InstallationRow)} == {BRAVO}
    assert {row["team_id"] for row in rows(runtime, WebhookSecretRow)} == {BRAVO}
    assert "Added L-1" in bravo.slash(ANN, "add Dana").text
    fake.reset()
    assert "Added" not in alpha.slash(ANN, "add Dana").text
    [told] = wait_for_calls(fake, "response_url")
    said = told.params["text"]
    assert "not installed in this workspace" in said and "/slack/install" in said
    alpha_tokens = set(fake.oauth.tokens_of(ALPHA))
    assert not [call for call in fake.calls if call.params.get("_token") in alpha_tokens]  # none used


def test_tokens_revoked_deletes_the_bot_token(served, fake):
    runtime, server = served
    install(server, ALPHA)
    bot = fake.oauth.workspaces[ALPHA].bot_user_id
    alpha = people_of(server, fake, fake.oauth.workspaces[ALPHA])
    assert alpha.event({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [bot]}}).status == 200
    assert installed_teams(runtime) == set()


def test_the_outbox_renews_an_expiring_token_before_it_sends(database_url, config):
    with two_workspace_slack(rotation=True) as fake:
        fake.oauth.lifetime = 3600  # within Bolt's two hours: every use renews it
        with serving(oauth_settings(fake, database_url), config, fake) as (runtime, server):
            install(server, BRAVO)
            secret = people_of(server, fake, fake.oauth.workspaces[BRAVO]).slash(ADA, "webhook").text
            secret = secret.split("Secret: `")[1].split("`")[0]
            body = json.dumps({"name": "Walter Skinner", "team": "sales"}).encode()
            assert post(server, body, signed(body, secret))[0] == 201
            before = fake.oauth.tokens_of(BRAVO)[-1]
            fake.oauth.expire(before)
            fake.reset()
            runtime.run_jobs(datetime.now(UTC))
            posts = [call for call in fake.calls_to("chat.postMessage") if "Skinner" in str(call.params)]
            # a token issued after the expired one (a Monday's chart, sent alongside, renews again)
            renewed = fake.oauth.tokens_of(BRAVO)
            renewed = renewed[renewed.index(before) + 1 :]
            assert len(posts) == 1 and posts[0].params["_token"] in renewed
            assert before not in {call.params.get("_token") for call in fake.calls}


def test_senders_side_by_side_renew_an_expiring_token_once(database_url, config):
    """A refresh token works once: six messages sent side by side with an expiring token make
    one renewal, and all six go out with the token it brought."""
    with two_workspace_slack(rotation=True) as fake:
        fake.oauth.lifetime = 3600  # the installed token is in its last two hours
        with serving(oauth_settings(fake, database_url), config, fake) as (runtime, server):
            install(server, BRAVO)
            fake.oauth.lifetime = TOKEN_LIFETIME  # the renewed one has Slack's twelve
            now = datetime.now(UTC)
            rooms = [f"C0ROOM{n}" for n in range(6)]
            with runtime.uow_factory() as uow:
                posts = [OutboxMessage(BRAVO, f"post:{r}", ChannelPost(channel=r, text=r)) for r in rooms]
                uow.outbox.add_all(posts, now)
                uow.commit()
            fake.reset()
            runtime.run_jobs(now)

            renewals = [c for c in fake.calls_to("oauth.v2.access") if "refresh_token" in str(c.params)]
            sent = [c for c in fake.calls_to("chat.postMessage") if c.params["channel"] in rooms]
            assert len(renewals) == 1
            assert sorted(c.params["channel"] for c in sent if not c.failed) == rooms
            assert {c.params["_token"] for c in sent} == {fake.oauth.tokens_of(BRAVO)[-1]}


def test_a_token_slack_will_not_renew_is_named_as_such_and_its_message_kept(database_url, config):
    with two_workspace_slack(rotation=True) as fake:
        fake.oauth.lifetime = 3600  # in its last two hours: sending renews it first
        with serving(oauth_settings(fake, database_url), config, fake) as (runtime, server):
            install(server, BRAVO)
            fake.oauth.uninstall(BRAVO)  # removed in Slack; the app has not heard yet
            now = datetime.now(UTC)
            with runtime.uow_factory() as uow:
                uow.outbox.add_all(
                    [OutboxMessage(BRAVO, "post", ChannelPost(channel="C0ROOM", text="hi"))], now
                )
                uow.commit()
            runtime.run_jobs(now)
            [row] = [row for row in rows(runtime, OutboxRow) if row["dedupe_key"] == "post"]

    assert row["status"] == "pending"  # tried again later, as any failure
    assert row["last_error"] == "the workspace's token could not be renewed: invalid_refresh_token"
