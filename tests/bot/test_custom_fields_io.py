"""Custom fields and tags with the example config through the other doors: the signed web-form
webhook over a real socket, `leadbot import` (a column by key or label, the Tags column) and
`leadbot export` (CSV column and JSON field by key)."""

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from webhook_support import send

from bot.operations.cli import cli, report_path
from bot.operations.config_file import load_config
from domain.config import CONSOLE_WORKSPACE, LeadbotConfig

EXAMPLE = Path(__file__).resolve().parents[2] / "leadbot.example.toml"
runner = CliRunner()


@pytest.fixture
def config() -> LeadbotConfig:
    return load_config(str(EXAMPLE))


@pytest.fixture
def example_env(env) -> dict[str, str | None]:
    return {**env, "LEADBOT_CONFIG": str(EXAMPLE)}


def leads_in(runtime):
    with runtime.uow_factory() as uow:
        return uow.leads.all(CONSOLE_WORKSPACE)


def exported(env, fmt="json"):
    result = runner.invoke(cli, ["export", "--format", fmt], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if fmt == "json" else list(csv.DictReader(io.StringIO(result.stdout)))


def test_a_web_form_sends_custom_fields_by_key_as_json_values_and_tags(server, signed_runtime):
    lead = {
        "name": "Dana",
        "email": "dana@fbi.gov",
        "industry": "Retail",
        "company_size": 250,
        "tags": ["Hot"],
    }
    status, answer = send(server, lead)
    assert status == 201, answer
    [dana] = leads_in(signed_runtime)
    assert dana.custom == {"industry": "retail", "company_size": 250} and dana.tags == ("hot",)
    assert dana.score >= 10  # Company of 200+


def test_a_web_form_value_that_does_not_fit_is_a_422_naming_the_field(server, signed_runtime):
    status, answer = send(server, {"name": "Dana", "industry": "mining", "company_size": "many"})
    assert status == 422
    [problem] = answer["fields"]
    assert (
        problem["field"] == "industry" and "is one of fintech, retail, health, public" in problem["problem"]
    )
    assert leads_in(signed_runtime) == []


def test_import_reads_custom_fields_by_label_or_key_and_tags_and_export_writes_them(
    example_env, tmp_path, runtime
):
    path = tmp_path / "crm.csv"
    path.write_text(
        "Name,Email,Industry,company_size,Tags\n"
        'Dana Scully,dana@fbi.gov,fintech,"1,200","hot, enterprise"\n'
        "Fox Mulder,fox@fbi.gov,mining,12,cold\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["import", str(path)], env=example_env)
    assert result.exit_code == 0, result.output
    # A value that does not fit is left out with a warning; the row is kept.
    report = list(csv.DictReader(report_path(path).open(encoding="utf-8")))
    fox = next(row for row in report if row["row"] == "3" and row["outcome"] == "warning")
    assert "`industry` is one of fintech, retail, health, public; got `mining`" in fox["reason"]

    rows = {row["name"]: row for row in exported(example_env)}
    assert rows["Dana Scully"]["industry"] == "fintech" and rows["Dana Scully"]["company_size"] == 1200
    assert rows["Dana Scully"]["tags"] == ["hot", "enterprise"]
    assert rows["Fox Mulder"]["industry"] is None and rows["Fox Mulder"]["company_size"] == 12
    as_csv = {row["name"]: row for row in exported(example_env, "csv")}
    assert (
        as_csv["Dana Scully"]["company_size"] == "1200" and as_csv["Dana Scully"]["tags"] == "hot, enterprise"
    )


def test_an_exported_csv_imports_back_with_its_fields_and_tags(example_env, tmp_path, runtime):
    slack_free = tmp_path / "first.csv"
    slack_free.write_text("Name,Email,Industry,Company size,Tags\nDana,dana@fbi.gov,health,40,vip\n", "utf-8")
    assert runner.invoke(cli, ["import", str(slack_free)], env=example_env).exit_code == 0
    again = tmp_path / "again.csv"
    again.write_text(runner.invoke(cli, ["export", "--format", "csv"], env=example_env).stdout, "utf-8")
    result = runner.invoke(cli, ["import", str(again)], env=example_env)
    assert result.exit_code == 0 and "updated=1" in result.stdout, result.output
    [dana] = exported(example_env)
    assert (dana["industry"], dana["company_size"], dana["tags"]) == ("health", 40, ["vip"])
