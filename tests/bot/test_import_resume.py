"""`leadbot import FILE` killed half way (SIGKILL, after some batches were saved) and run again:
every person once, none missing, every one scored, and the rerun's report accounts for every
row."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

LEADBOT = Path(sys.executable).with_name("leadbot")
ROWS = 1200
BATCH = 50
KILL_AFTER_LINES = 3 * BATCH  # report lines: three batches saved (a row has one line here)
WAIT_SECONDS = 120


def people_file(path: Path) -> None:
    """A third of the rows have an email, a third only a phone, a third only a name: a rerun
    could recognise the first two by identity, the last only by where the first run stopped."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Name", "Email", "Phone", "Company", "Title"])
        for i in range(ROWS):
            kind = i % 3
            email = f"person{i}@example{i % 50}.com" if kind == 0 else ""
            phone = f"+1 202 555 {i:04d}" if kind == 1 else ""
            name = f"Person{i} Surname{i * 7919 % 10007}"
            # The default fit rules score a VP: a lead left unscored would show.
            writer.writerow([name, email, phone, f"Company {i}", "VP Sales"])


def leadbot(env: dict[str, str], *args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(LEADBOT), *args], env=env, cwd=cwd, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def report_lines(path: Path) -> list[dict[str, str]]:
    report = path.with_name(f"{path.stem}.report.csv")  # as `leadbot import` names it
    if not report.exists():
        return []
    with report.open(encoding="utf-8", newline="") as lines:
        return list(csv.DictReader(lines))


@pytest.fixture
def child_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LEADBOT_"))}
    return {**env, "DATABASE_URL": database_url}


def test_an_import_killed_half_way_and_run_again_has_every_person_once(child_env, tmp_path):
    if not LEADBOT.exists():
        pytest.fail(f"{LEADBOT} is not installed (pip install -e .)")
    path = tmp_path / "people.csv"
    people_file(path)
    first = leadbot(child_env, "import", str(path), "--batch-rows", str(BATCH), cwd=tmp_path)
    deadline = time.monotonic() + WAIT_SECONDS
    while len(report_lines(path)) < KILL_AFTER_LINES and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=WAIT_SECONDS)
    assert first.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    saved_first = {line["row"] for line in report_lines(path)}
    assert KILL_AFTER_LINES <= len(saved_first) < ROWS

    again = leadbot(child_env, "import", str(path), "--batch-rows", str(BATCH), cwd=tmp_path)
    out, err = again.communicate(timeout=WAIT_SECONDS * 2)

    assert again.returncode == 0, err
    lines = report_lines(path)
    assert sorted(int(line["row"]) for line in lines) == list(range(2, ROWS + 2))  # one line a row
    unchanged = [line for line in lines if line["outcome"] == "unchanged"]
    assert {line["row"] for line in unchanged} >= saved_first  # what the killed run saved
    assert all("earlier run of this file" in line["reason"] for line in unchanged)
    assert {line["outcome"] for line in lines} <= {"created", "duplicate", "unchanged"}  # flagged, made
    assert f"unchanged={len(unchanged)}" in out and f"created={ROWS - len(unchanged)}" in out
    exported = leadbot(child_env, "export", "--format", "json", cwd=tmp_path)
    leads, err = exported.communicate(timeout=WAIT_SECONDS)
    names = [lead["name"] for lead in json.loads(leads)]
    assert len(names) == len(set(names)) == ROWS  # nobody twice, nobody missing
    unscored = [lead["id"] for lead in json.loads(leads) if lead["score"] == 0]
    assert unscored == []  # the killed run's leads too: the rerun scored them
