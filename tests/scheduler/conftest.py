"""Fixtures for the delivery guarantees: reminders set the real way, what Slack received,
what the outbox holds, and `leadbot` processes that are always reaped."""

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from support import SIGNING_SECRET, context_of

from bot.local.standin import ApiCall, FakeSlack
from bot.local.standin.workspace import LocalWorkspace
from bot.operations.settings import Settings
from domain.config import LeadbotConfig
from handlers.commands import AddLead, SetReminder
from handlers.registry import dispatch
from handlers.results import LeadCaptured
from store.tables import OutboxRow
from store.unit_of_work import UowFactory

LEADBOT = Path(sys.executable).with_name("leadbot")  # the console script pyproject installs
CHILD_TIMEOUT = 30  # seconds; a tick that takes longer is a hang, not a slow machine

SetDue = Callable[[str, str, datetime], None]


@dataclass(frozen=True, slots=True)
class Slack:
    """What the stand-in received, seen as reminder DMs."""

    fake: FakeSlack

    def posts(self, text: str, *, failed: bool | None = False) -> list[ApiCall]:
        """chat.postMessage calls carrying `text` (answered ok by default; None: all)."""
        return [
            call
            for call in self.fake.calls_to("chat.postMessage")
            if text in str(call.params.get("text", "")) and (failed is None or call.failed is failed)
        ]

    def opens(self, user_id: str) -> list[ApiCall]:
        opened = self.fake.calls_to("conversations.open")
        return [call for call in opened if call.params.get("users") == user_id]


@pytest.fixture
def delivered(fake_slack: FakeSlack) -> Slack:
    return Slack(fake_slack)


@pytest.fixture
def remind_via_slack(slack: LocalWorkspace, fake_slack: FakeSlack) -> Callable[[str, str], datetime]:
    """`/lead add` then `/lead remind L-n in 1 minute <text>` as `user`, through the real
    Bolt app (so on the real clock); returns an instant by which the reminder is due."""

    def remind(user_id: str, text: str) -> datetime:
        added = slack.slash(user_id, f"add “Dana Scully {user_id}”")
        ref = next(word for word in added.text.split() if word.startswith("L-"))
        answer = slack.slash(user_id, f"remind {ref} in 1 minute {text}")
        assert "remind you about" in answer.text, answer.text
        # The first command asks Slack for the rep's time zone after its ack; wait for that
        # one call, so the tests below count only the calls their ticks make.
        assert fake_slack.wait_for_call("users.info", timeout=5)
        return datetime.now(UTC) + timedelta(minutes=1, seconds=1)

    return remind


@pytest.fixture
def remind_at(uow_factory: UowFactory, config: LeadbotConfig) -> SetDue:
    """A lead owned by `user` with a reminder due at `due`, through the handlers (so on any
    clock): set a minute earlier, as a rep would have."""

    def remind(user_id: str, text: str, due: datetime) -> None:
        ctx = context_of(config, user_id, now=due - timedelta(minutes=1))
        added = dispatch(AddLead(name=f"Lead of {user_id}"), uow_factory(), ctx)
        assert isinstance(added, LeadCaptured)
        dispatch(SetReminder(number=added.lead.number, due_at=due, text=text), uow_factory(), ctx)

    return remind


@pytest.fixture
def outbox(database_url: str) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The outbox rows as stored, read on a connection of their own."""
    engine = sa.create_engine(database_url)

    def rows() -> list[dict[str, Any]]:
        with Session(engine) as session:
            found = session.scalars(sa.select(OutboxRow).order_by(OutboxRow.id))
            return [{c.key: getattr(row, c.key) for c in OutboxRow.__table__.columns} for row in found]

    yield rows
    engine.dispose()


class Leadbot:
    """`leadbot` as an operator runs it: a child process with the environment of DESIGN.md."""

    def __init__(self, settings: Settings, cwd: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LEADBOT_"))}
        self.env = {
            **env,
            "DATABASE_URL": settings.database_url,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": settings.slack_api_url,
        }
        self.cwd = cwd  # an empty directory: no stray .env file is read
        self.children: list[subprocess.Popen[str]] = []

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [str(LEADBOT), *args],
            env={**self.env, **env},
            cwd=self.cwd,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.children.append(child)
        return child

    def finish(self, child: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
        out, err = child.communicate(timeout=CHILD_TIMEOUT)
        return subprocess.CompletedProcess(child.args, child.returncode, out, err)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.finish(self.start(*args))

    def kill_all(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.kill()
            child.communicate(timeout=CHILD_TIMEOUT)  # reap, and close the pipes


@pytest.fixture
def leadbot(settings: Settings, tmp_path: Path) -> Iterator[Leadbot]:
    if not LEADBOT.exists():
        pytest.fail(f"{LEADBOT} is not installed (pip install -e .)")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    processes = Leadbot(settings, cwd)
    try:
        yield processes
    finally:
        processes.kill_all()
