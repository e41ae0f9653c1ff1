"""`leadbot backup PATH` and `leadbot restore PATH` on SQLite, as an operator runs them,
while Leadbot writes."""

import os
import re
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from support import ANN, context_of, throwaway_pg_database
from typer.testing import CliRunner

from bot.operations.cli import cli
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead

runner = CliRunner()


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own backup; PostgreSQL is refused with pg_dump's instructions (tested below)")


def numbers(path: Path) -> list[int]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT number FROM leads ORDER BY number")]


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def capture(uow_factory, config, name: str) -> None:
    add_lead(AddLead(name=name), uow_factory(), context_of(config, ANN))


def test_a_backup_under_a_write_load_restores_every_committed_lead(
    sqlite_only, env, uow_factory, config, tmp_path
):
    committed: list[int] = []
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            capture(uow_factory, config, f"Writer Number{len(committed)}")
            committed.append(len(committed) + 1)  # lead numbers, in commit order

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(committed) < 30:
            time.sleep(0.01)
        before = len(committed)
        result = runner.invoke(cli, ["backup", str(tmp_path / "copy.db")], env=env)
        during = len(committed)
        time.sleep(0.2)  # and the writes go on after it
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "passed its integrity check" in result.stdout
    assert len(committed) > during  # the backup never stopped the writer

    restored = tmp_path / "restored.db"
    back = runner.invoke(
        cli, ["restore", str(tmp_path / "copy.db")], env={**env, "DATABASE_URL": f"sqlite:///{restored}"}
    )

    assert back.exit_code == 0, back.output
    assert integrity(restored) == "ok"
    held = numbers(restored)
    assert before <= len(held) <= during + 1  # a snapshot taken while it ran
    assert held == list(range(1, len(held) + 1))  # every lead committed by then, none torn


def test_the_queue_file_goes_along_and_comes_back(
    sqlite_only, env, database_url, uow_factory, config, tmp_path
):
    capture(uow_factory, config, "Dana Scully")
    database = Path(database_url.removeprefix("sqlite:///"))
    queue = database.with_name(f"{database.stem}-queue{database.suffix}")
    with sqlite3.connect(queue) as db:
        db.execute("CREATE TABLE IF NOT EXISTS marker (note TEXT)")
        db.execute("INSERT INTO marker VALUES ('queued')")
    db.close()

    result = runner.invoke(cli, ["backup", str(tmp_path / "nightly.db")], env=env)
    assert result.exit_code == 0 and "nightly-queue.db" in result.stdout, result.output

    target = tmp_path / "elsewhere" / "leadbot.db"
    target.parent.mkdir()
    env_there = {**env, "DATABASE_URL": f"sqlite:///{target}"}
    assert runner.invoke(cli, ["restore", str(tmp_path / "nightly.db")], env=env_there).exit_code == 0
    with sqlite3.connect(target.with_name("leadbot-queue.db")) as db:
        assert db.execute("SELECT note FROM marker").fetchall() == [("queued",)]
    db.close()
    assert numbers(target) == [1]


def test_restore_refuses_to_replace_leads_without_yes(
    sqlite_only, env, database_url, uow_factory, config, tmp_path
):
    capture(uow_factory, config, "Dana Scully")
    assert runner.invoke(cli, ["backup", str(tmp_path / "one.db")], env=env).exit_code == 0
    capture(uow_factory, config, "Fox Mulder")
    database = Path(database_url.removeprefix("sqlite:///"))

    refused = runner.invoke(cli, ["restore", str(tmp_path / "one.db")], env=env)
    assert refused.exit_code == 2 and "holds 2 leads" in refused.output and "--yes" in refused.output
    assert numbers(database) == [1, 2]

    done = runner.invoke(cli, ["restore", str(tmp_path / "one.db"), "--yes"], env=env)
    assert done.exit_code == 0 and "Restored 1 leads" in done.stdout, done.output
    assert numbers(database) == [1]  # through the running engine's own file
    with uow_factory() as uow:
        assert [lead.name for lead in uow.leads.all("T0CONSOLE")] == ["Dana Scully"]


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.write_bytes(b"not a database at all, just bytes" * 100), "not a SQLite database"),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.close(),
            "not a Leadbot database",
        ),
    ],
)
def test_restore_refuses_what_is_not_a_sound_leadbot_backup(sqlite_only, env, tmp_path, make, said):
    bad = tmp_path / "bad.db"
    make(bad)
    result = runner.invoke(cli, ["restore", str(bad), "--yes"], env=env)
    assert result.exit_code == 2 and said in result.output and "Traceback" not in result.output


def test_restore_refuses_a_backup_from_a_newer_leadbot(sqlite_only, env, uow_factory, config, tmp_path):
    capture(uow_factory, config, "Dana Scully")
    runner.invoke(cli, ["backup", str(tmp_path / "future.db")], env=env)
    with sqlite3.connect(tmp_path / "future.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    db.close()
    result = runner.invoke(cli, ["restore", str(tmp_path / "future.db"), "--yes"], env=env)
    assert result.exit_code == 2 and "newer Leadbot" in result.output


def test_a_missing_backup_is_named_before_any_talk_of_replacing_leads(
    sqlite_only, env, uow_factory, config, tmp_path
):
    capture(uow_factory, config, "Dana Scully")
    result = runner.invoke(cli, ["restore", str(tmp_path / "nope.db")], env=env)
    assert result.exit_code == 2 and f"There is no file at {tmp_path / 'nope.db'}." in result.output
    assert "--yes" not in result.output


def test_a_backup_into_a_folder_that_does_not_exist_is_refused_in_one_line(sqlite_only, env, tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "nightly.db"
    result = runner.invoke(cli, ["backup", str(target)], env=env)
    assert result.exit_code == 2 and f"There is no folder {target.parent}" in result.output
    assert not target.parent.exists()


def test_postgresql_is_told_to_use_pg_dump(env, tmp_path):
    pg = {**env, "DATABASE_URL": "postgresql+psycopg://leadbot@db.example/leadbot"}
    for args in (["backup", str(tmp_path / "x.db")], ["restore", str(tmp_path / "x.db")]):
        result = runner.invoke(cli, args, env=pg)
        assert result.exit_code == 2 and "pg_dump" in result.output and "pg_restore" in result.output
    assert not (tmp_path / "x.db").exists()


def test_the_documented_pg_dump_and_pg_restore_round_trip(env, database_url, uow_factory, config, tmp_path):
    """The commands `leadbot backup` gives for PostgreSQL, run as written (CI runs the suite
    on PostgreSQL once)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL run of the suite covers it")
    if not shutil.which("pg_dump"):
        # Under CI the client tools are part of the machine: their absence is a failure.
        assert os.environ.get("CI") != "true", "pg_dump and pg_restore must be installed under CI=true"
        pytest.skip("PostgreSQL's client tools (pg_dump, pg_restore) are not installed here")
    capture(uow_factory, config, "Dana Scully")
    capture(uow_factory, config, "Fox Mulder")
    advice = runner.invoke(cli, ["backup", str(tmp_path / "x")], env=env).output
    dump_cmd, restore_cmd = re.findall(r"`(pg_(?:dump|restore) [^`]+)`", " ".join(advice.split()))
    source = database_url.replace("+psycopg", "")
    dump = tmp_path / "leadbot.dump"
    subprocess.run(
        dump_cmd.replace("leadbot.dump", str(dump)),
        shell=True,
        check=True,
        env={**os.environ, "DATABASE_URL": source},
    )  # noqa: S602 - the documented command, as an operator types it
    with throwaway_pg_database("restored") as target:
        plain = target.replace("+psycopg", "")
        shell = {**os.environ, "DATABASE_URL": plain}
        subprocess.run(restore_cmd.replace("leadbot.dump", str(dump)), shell=True, check=True, env=shell)  # noqa: S602
        engine = sa.create_engine(target)
        try:
            with engine.connect() as connection:
                names = connection.execute(sa.text("SELECT name FROM leads ORDER BY number")).scalars().all()
        finally:
            engine.dispose()
    assert names == ["Dana Scully", "Fox Mulder"]
