"""`leadbot serve` in multi-workspace mode (SLACK_CLIENT_ID set) that cannot start says why in
one line and exits 2: a credential missing, or an encryption key that is no Fernet key."""

from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from bot.operations.cli import cli
from bot.operations.database import open_database
from bot.workspaces.sealing import SecretBox
from domain.config import default_config
from domain.permissions import system_actor
from handlers.commands import AddLead
from handlers.context import Context
from handlers.operations.installations import Place, find_bot, save_bot
from handlers.registry import dispatch

runner = CliRunner()
KEY = Fernet.generate_key().decode()
ALL = {
    "SLACK_CLIENT_ID": "1111.2222",
    "SLACK_CLIENT_SECRET": "client-secret",
    "LEADBOT_ENCRYPTION_KEY": KEY,
    "SLACK_SIGNING_SECRET": "signing-secret",
}


def serve(env, fake_slack, **given):
    values = {name: given.get(name, value) for name, value in ALL.items()}
    return runner.invoke(cli, ["serve"], env={**env, **values, "SLACK_API_URL": fake_slack.url})


def refused_in_one_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.stdout == "" and result.stderr.count("\n") == 1
    return result.stderr


@pytest.mark.parametrize("missing", ["SLACK_CLIENT_SECRET", "LEADBOT_ENCRYPTION_KEY", "SLACK_SIGNING_SECRET"])
def test_each_missing_credential_is_named(env, fake_slack, missing):
    line = refused_in_one_line(serve(env, fake_slack, **{missing: None}))
    assert f"leadbot serve needs {missing}: set it" in line
    assert fake_slack.calls == []


def test_a_client_secret_without_a_client_id_is_a_mistake_said_as_such(env, fake_slack):
    line = refused_in_one_line(serve(env, fake_slack, SLACK_CLIENT_ID=None))
    assert "SLACK_CLIENT_SECRET is set but SLACK_CLIENT_ID is not" in line


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("not-a-key", "LEADBOT_ENCRYPTION_KEY: the key is not a Fernet key"),
        (f"{KEY},short", "LEADBOT_ENCRYPTION_KEY: key 2 of 2 is not a Fernet key"),
        (" , ", "LEADBOT_ENCRYPTION_KEY is empty"),
    ],
    ids=["not-a-key", "second-key-bad", "empty"],
)
def test_a_bad_encryption_key_is_refused_with_how_to_make_one(env, fake_slack, key, said):
    line = refused_in_one_line(serve(env, fake_slack, LEADBOT_ENCRYPTION_KEY=key))
    assert said in line and "Fernet.generate_key()" in line
    assert KEY not in line  # a key is never echoed


def test_socket_mode_refuses_multi_workspace_install(env, fake_slack):
    result = runner.invoke(cli, ["socket"], env={**env, **ALL, "SLACK_API_URL": fake_slack.url})
    assert "runs over HTTP: use `leadbot serve`" in refused_in_one_line(result)


def test_db_reseal_seals_everything_again_with_the_first_key(env, database_url):
    old, new = KEY, Fernet.generate_key().decode()
    engine, uow_factory = open_database(database_url)
    save_bot(uow_factory, Place("", "T0ALPHA"), False, SecretBox(old).seal("xoxb-1"), datetime.now(UTC))
    result = runner.invoke(cli, ["db", "reseal"], env={**env, "LEADBOT_ENCRYPTION_KEY": f"{new},{old}"})
    assert result.exit_code == 0 and "Sealed 1 stored secret(s) again" in result.stdout
    assert SecretBox(new).open(find_bot(uow_factory, Place("", "T0ALPHA"))) == "xoxb-1"
    refused = runner.invoke(
        cli, ["db", "reseal"], env={**env, "LEADBOT_ENCRYPTION_KEY": Fernet.generate_key().decode()}
    )
    assert refused.exit_code == 2 and "none of LEADBOT_ENCRYPTION_KEY's keys opens" in refused.stderr
    engine.dispose()


def test_export_asks_which_workspace_and_gives_only_its_leads(env, fake_slack, database_url, uow_factory):
    config = default_config()
    for team, name in (("T0ALPHA", "Dana Scully"), ("T0BRAVO", "Fox Mulder")):
        save_bot(uow_factory, Place("", team), False, SecretBox(KEY).seal("{}"), datetime.now(UTC))
        ctx = Context(system_actor(team, "test"), datetime.now(UTC), config)
        dispatch(AddLead(name=name), uow_factory(), ctx)
    oauth_env = {**env, **ALL, "SLACK_API_URL": fake_slack.url}
    asked = runner.invoke(cli, ["export"], env=oauth_env)
    assert asked.exit_code == 2 and "--workspace T… (installed: T0ALPHA, T0BRAVO)" in asked.stderr
    unknown = runner.invoke(cli, ["export", "--workspace", "T0OTHER"], env=oauth_env)
    assert unknown.exit_code == 2 and "not installed in workspace T0OTHER" in unknown.stderr
    bravo = runner.invoke(cli, ["export", "--workspace", "T0BRAVO"], env=oauth_env)
    assert bravo.exit_code == 0 and "Fox Mulder" in bravo.stdout and "Scully" not in bravo.stdout
