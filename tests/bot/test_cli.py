"""The `leadbot` command as an operator uses it."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import ANN, context_of
from typer.testing import CliRunner

from bot.operations.cli import cli
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead

runner = CliRunner()
LEADBOT = Path(sys.executable).with_name("leadbot")  # the console script pyproject installs


def capture(uow_factory, config, **fields):
    return add_lead(AddLead(**fields), uow_factory(), context_of(config, ANN))


def test_export_json_has_the_documented_fields(env, uow_factory, config):
    capture(uow_factory, config, name="Dana Scully", email="dana@fbi.gov", fields={"company": "FBI"})
    result = runner.invoke(cli, ["export", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["id"] == "L-1" and row["email"] == "dana@fbi.gov" and row["owner"] == ANN
    documented = ("name", "phone", "company", "source", "status", "score", "team", "created_at")
    documented += ("duplicate_of",)
    assert set(documented) <= row.keys()


def test_export_csv_writes_a_header_and_a_row_per_lead(env, uow_factory, config):
    capture(uow_factory, config, name="Dana Scully")
    capture(uow_factory, config, name="Fox Mulder")
    result = runner.invoke(cli, ["export", "--format", "csv"], env=env)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["name"] for r in rows] == ["Dana Scully", "Fox Mulder"]


def test_export_csv_is_safe_to_open_in_a_spreadsheet_and_json_is_unchanged(env, uow_factory, config):
    calc = "=cmd|' /C calc'!A0"
    capture(uow_factory, config, name=calc, phone="+1 202 555 0143", fields={"company": "@Acme"})

    as_csv = runner.invoke(cli, ["export", "--format", "csv"], env=env)
    as_json = runner.invoke(cli, ["export", "--format", "json"], env=env)

    [row] = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert (row["name"], row["phone"], row["company"]) == ("'" + calc, "'+12025550143", "'@Acme")
    assert (row["id"], row["status"], row["cycle"]) == ("L-1", "new", "1")
    [same] = json.loads(as_json.stdout)
    assert (same["name"], same["phone"], same["company"]) == (calc, "+12025550143", "@Acme")


def test_export_refuses_an_unknown_format(env):
    result = runner.invoke(cli, ["export", "--format", "xml"], env=env)
    assert result.exit_code == 2 and "csv or json" in result.output


def test_db_upgrade_brings_a_new_database_to_head(env):
    result = runner.invoke(cli, ["db", "upgrade"], env=env)
    assert result.exit_code == 0 and "latest schema" in result.stdout


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("default_region = 'Narnia'", "default_region"),
        ("[[teams]]\nkey = 'east'\nname = 'East'\ntimezone = 'Mars/Olympus'", "teams.0.timezone"),
        ("colour = 'blue'", "colour"),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_a_bad_config_file_is_refused_with_the_key_and_no_traceback(env, tmp_path, toml, expected):
    path = tmp_path / "leadbot.toml"
    path.write_text(toml)
    result = runner.invoke(cli, ["export"], env={**env, "LEADBOT_CONFIG": str(path)})
    assert result.exit_code == 2
    assert "Configuration refused" in result.output and expected in result.output
    assert "Traceback" not in result.output


def test_a_missing_config_file_is_named(env, tmp_path):
    result = runner.invoke(cli, ["db", "upgrade"], env={**env, "LEADBOT_CONFIG": str(tmp_path / "nope.toml")})
    assert result.exit_code == 2 and "nope.toml" in result.output


def test_socket_mode_without_an_app_token_says_what_is_missing(env):
    result = runner.invoke(cli, ["socket"], env=env)
    assert result.exit_code == 2 and "SLACK_APP_TOKEN" in result.output


def test_tick_refuses_a_bad_instant(env):
    result = runner.invoke(cli, ["tick", "--now", "yesterday-ish"], env=env)
    assert result.exit_code == 2 and "ISO-8601" in result.output


def test_a_token_slack_refuses_is_reported_not_a_traceback(env, fake_slack):
    fake_slack.fail_next("auth.test", status=200, error="invalid_auth")
    result = runner.invoke(
        cli, ["export"], env={**env, "SLACK_BOT_TOKEN": "xoxb-bad", "SLACK_API_URL": fake_slack.url}
    )
    assert result.exit_code == 2 and "Check the token" in result.output
    assert "Traceback" not in result.output


def test_the_console_refuses_a_user_it_does_not_have(env):
    result = runner.invoke(cli, ["console", "--user", "nobody"], env=env)
    assert result.exit_code == 2
    assert "There is no console user `nobody`: start as one of ann, ben, mia, ada" in result.output


def test_a_database_it_cannot_open_is_one_line_not_a_traceback(tmp_path):
    unreachable = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LEADBOT_"))}
    unreachable["DATABASE_URL"] = f"sqlite:///{tmp_path}/no/such/dir/leadbot.db"
    result = subprocess.run(
        [LEADBOT, "export"], cwd=tmp_path, env=unreachable, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Leadbot could not use the database: unable to open database file. Check DATABASE_URL."
    ]


def test_a_blank_token_means_no_token(env, uow_factory, config):
    capture(uow_factory, config, name="Dana Scully")
    result = runner.invoke(cli, ["export"], env={**env, "SLACK_BOT_TOKEN": "  "})
    assert result.exit_code == 0 and "Dana Scully" in result.stdout
