"""A per-process memo of each person's time zone, so a command's ack reads no table for it."""

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from handlers.context import Context
from handlers.operations.timezones import ZoneLookup

# How long this process trusts its memo before reading the table again; a zone learned by
# another process reaches this one within this time.
MEMO_TTL = timedelta(minutes=10)

Key = tuple[str, str]  # (workspace, user)


class ZoneMemo:
    def __init__(self, look_up: Callable[[Context], ZoneLookup]) -> None:
        self._look_up = look_up
        self._lock = threading.Lock()
        self._entries: dict[Key, tuple[ZoneLookup, datetime]] = {}

    def lookup(self, ctx: Context) -> ZoneLookup:
        key = (ctx.actor.team_id, ctx.actor.user_id)
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and ctx.now < entry[1]:
            return entry[0]
        found = self._look_up(ctx)
        with self._lock:
            self._entries[key] = (found, ctx.now + MEMO_TTL)
        return found

    def forget(self, team_id: str, user_id: str) -> None:
        with self._lock:
            self._entries.pop((team_id, user_id), None)
