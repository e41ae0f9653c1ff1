"""What `bench/load.py` checks afterwards: each request's effect in the database, counted per
request where the effect names it (an email, an external id, a tag in a note's text), in
total where it cannot (a logged call, a reminder for tomorrow); and the outbox drained."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bench.load_mix import asked_again

if TYPE_CHECKING:
    from bench.load_mix import Request, Seed
    from bot.local.standin import FakeSlack

# kind of request -> the effect it must have once
EFFECT_OF = {
    "add": "leads from /lead add",
    "modal": "leads from the form",
    "web_lead": "leads from the web form",
    "note": "notes",
    "remind": "reminders from /lead remind",
    "event": "engagement events",
    "log_call": "calls logged by a click",
    "remind_tomorrow": "reminders from a click",
}
POSTS = ("chat.postMessage", "chat.update")  # how the outbox's messages reach Slack
COMMAND_REPLY = "command_reply"  # an outbox kind answered on the command's response_url
UNTAGGED = "*"  # an effect that does not say which request made it
INDEX = re.compile(r"(?:^[pmw]|load-[0-9a-f]+-)(\d+)")


@dataclass
class Effects:
    """Effect name -> how many times each request's tag was seen."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, name: str, tag: str) -> None:
        self.counts.setdefault(name, Counter())[tag] += 1

    def names(self) -> list[str]:
        return sorted(self.counts)

    def count(self, name: str) -> int:
        return sum(self.counts.get(name, Counter()).values())

    def lost(self, name: str, expected: Effects) -> list[str]:
        mine = self.counts.get(name, Counter())
        if UNTAGGED in expected.counts.get(name, {}):
            return [UNTAGGED] * max(0, expected.count(name) - self.count(name))
        return [tag for tag in expected.counts.get(name, {}) if mine[tag] == 0]

    def duplicated(self, name: str) -> int:
        return sum(n - 1 for tag, n in self.counts.get(name, Counter()).items() if tag != UNTAGGED and n > 1)

    def matches(self, name: str, expected: Effects) -> bool:
        if UNTAGGED in expected.counts.get(name, {}):
            return self.count(name) == expected.count(name)
        return self.counts.get(name, Counter()) == expected.counts.get(name, Counter())


def expected_effects(requests: Sequence[Request]) -> Effects:
    """One effect for every request that was accepted (2xx); the clicks' effects untagged."""
    expected = Effects()
    for request in requests:
        if request.error or asked_again(request):
            continue
        name = EFFECT_OF[request.kind]
        untagged = request.kind in ("log_call", "remind_tomorrow")
        expected.add(name, UNTAGGED if untagged else str(request.index))
    return expected


def measured_effects(database_url: str, nonce: str, seeds: Sequence[Seed]) -> Effects:
    engine = sa.create_engine(database_url)
    found = Effects()
    seed_numbers = [seed.number for seed in seeds]
    queries = {
        "leads from /lead add": ("SELECT email FROM leads WHERE email LIKE :p", f"p%.{nonce}@example.com"),
        "leads from the form": ("SELECT email FROM leads WHERE email LIKE :p", f"m%.{nonce}@example.com"),
        "leads from the web form": (
            "SELECT external_id FROM leads WHERE external_id LIKE :p",
            f"load-{nonce}-%",
        ),
        "notes": ("SELECT body FROM activities WHERE kind = 'note' AND body LIKE :p", f"%load-{nonce}-%"),
        "reminders from /lead remind": ("SELECT text FROM reminders WHERE text LIKE :p", f"%load-{nonce}-%"),
        "engagement events": (
            "SELECT external_id FROM engagement_events WHERE external_id LIKE :p",
            f"load-{nonce}-%",
        ),
    }
    try:
        with engine.connect() as connection:
            for name, (query, pattern) in queries.items():
                for (text,) in connection.execute(sa.text(query), {"p": pattern}):
                    found.add(name, _index_in(text))
            on_seeds = sa.bindparam("numbers", expanding=True)
            calls = connection.execute(
                sa.text(
                    "SELECT count(*) FROM activities a JOIN leads l ON l.id = a.lead_id "
                    "WHERE a.kind = 'call' AND l.number IN :numbers"
                ).bindparams(on_seeds),
                {"numbers": seed_numbers},
            ).scalar_one()
            tomorrow = connection.execute(
                sa.text(
                    "SELECT count(*) FROM reminders r JOIN leads l ON l.id = r.lead_id "
                    "WHERE l.number IN :numbers AND r.text NOT LIKE :p"
                ).bindparams(on_seeds),
                {"numbers": seed_numbers, "p": f"%load-{nonce}-%"},
            ).scalar_one()
    finally:
        engine.dispose()
    for name, count in (("calls logged by a click", calls), ("reminders from a click", tomorrow)):
        for _ in range(count):
            found.add(name, UNTAGGED)
    return found


def _index_in(text: str | None) -> str:
    found = INDEX.search(text or "")
    return found.group(1) if found else f"unknown: {text!r}"


def settle(database_url: str, fake: FakeSlack, seconds: float) -> dict[str, int]:
    """Wait (at most `seconds`) until no queued command and no outbox message is left to do,
    then count what the outbox sent against what the stand-in accepted. Answers to queued
    commands go to their response_url (counted per request by the caller); every other
    message is one chat.postMessage, or a chat.update of the message it decides."""
    engine = sa.create_engine(database_url)
    deadline = time.monotonic() + seconds
    try:
        while True:
            with engine.connect() as connection:
                queued = connection.execute(sa.text("SELECT count(*) FROM deferred_commands")).scalar_one()
                rows = connection.execute(
                    sa.text("SELECT kind, status, count(*) FROM outbox_messages GROUP BY kind, status")
                ).all()
            unsent = sum(n for _kind, status, n in rows if status != "sent")
            dead = sum(n for _kind, status, n in rows if status == "dead")
            if (queued == 0 and unsent == 0) or time.monotonic() > deadline:
                break
            time.sleep(1.0)
    finally:
        engine.dispose()
    posts = [c for c in fake.calls if c.method in POSTS and not c.failed and not c.refused]
    same = Counter(json.dumps([c.method, c.params.get("channel"), c.params.get("text")]) for c in posts)
    return {
        "sent": sum(n for kind, status, n in rows if status == "sent" and kind != COMMAND_REPLY),
        "replies_sent": sum(n for kind, status, n in rows if status == "sent" and kind == COMMAND_REPLY),
        "unsent": unsent,
        "dead": dead,
        "queued": queued,
        "posted": len(posts),
        "posted_twice": sum(n - 1 for n in same.values() if n > 1),
    }
