"""`leadbot audit export`: the audit log as JSON lines, as an operator runs it."""

import json
from datetime import timedelta

from support import ANN, NOW, context_of
from typer.testing import CliRunner

from bot.operations.cli import cli
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead
from handlers.reporting.audit_export import export_audit

runner = CliRunner()
OTHER = "T0OTHER"


def capture(uow_factory, config, name, now=NOW, team=None):
    ctx = context_of(config, ANN, now) if team is None else context_of(config, ANN, now, team)
    return add_lead(AddLead(name=name), uow_factory(), ctx)


def lines(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_every_entry_is_one_json_line_oldest_first(env, uow_factory, config):
    capture(uow_factory, config, "Dana Scully")
    capture(uow_factory, config, "Fox Mulder", team=OTHER)
    entries = lines(runner.invoke(cli, ["audit", "export"], env=env))
    assert [(e["workspace"], e["action"], e["entity_ref"]) for e in entries] == [
        ("T0CONSOLE", "lead.captured", "L-1"),
        (OTHER, "lead.captured", "L-1"),
    ]
    assert entries[0]["after"]["name"] == "Dana Scully" and entries[0]["actor"] == ANN
    assert entries[0]["at"].startswith("2026-11-23T15:00")


def test_since_and_workspace_narrow_the_export(env, uow_factory, config):
    capture(uow_factory, config, "Old News", now=NOW - timedelta(days=30))
    capture(uow_factory, config, "Dana Scully")
    capture(uow_factory, config, "Fox Mulder", team=OTHER)
    recent = lines(runner.invoke(cli, ["audit", "export", "--since", "2026-11-01"], env=env))
    assert {e["after"]["name"] for e in recent} == {"Dana Scully", "Fox Mulder"}
    ours = lines(runner.invoke(cli, ["audit", "export", "--workspace", "T0CONSOLE"], env=env))
    assert {e["after"]["name"] for e in ours} == {"Old News", "Dana Scully"}
    both = ["audit", "export", "--workspace", "T0CONSOLE", "--workspace", OTHER, "--since", "2026-11-20"]
    assert len(lines(runner.invoke(cli, both, env=env))) == 2


def test_a_bad_since_is_refused_with_an_example(env):
    result = runner.invoke(cli, ["audit", "export", "--since", "last week"], env=env)
    assert result.exit_code == 2 and "--since" in result.output and "ISO-8601" in result.output
    assert "Traceback" not in result.output


def test_the_log_is_read_a_page_at_a_time(uow_factory, config, monkeypatch):
    """More entries than a page: every one comes out once, in order."""
    monkeypatch.setattr("handlers.reporting.audit_export.PAGE", 2)
    for name in ("A One", "B Two", "C Three", "D Four", "E Five"):
        capture(uow_factory, config, name)
    names = [e["after"]["name"] for e in export_audit(uow_factory)]
    assert names == ["A One", "B Two", "C Three", "D Four", "E Five"]
