"""People's DM channels, remembered: Slack names a DM channel the first time the bot writes
to a person, and every later DM goes straight there, from any process, after any restart."""

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from store.unit_of_work import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]
Clock = Callable[[], datetime]


class RememberedDms:
    """The database's record with a copy in memory, so a DM costs no query once known
    (a DM channel never changes for a person and the bot)."""

    def __init__(self, uow_factory: UowFactory, clock: Clock = lambda: datetime.now(UTC)) -> None:
        self._uow_factory, self._clock = uow_factory, clock
        self._known: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def channel_of(self, team_id: str, user_id: str) -> str | None:
        with self._lock:
            known = self._known.get((team_id, user_id))
        if known is not None:
            return known
        with self._uow_factory() as uow:
            stored = uow.dm_channels.of(team_id, user_id)
        if stored is not None:
            with self._lock:
                self._known[(team_id, user_id)] = stored
        return stored

    def remember(self, team_id: str, user_id: str, channel_id: str) -> None:
        with self._uow_factory() as uow:
            uow.dm_channels.remember(team_id, user_id, channel_id, self._clock())
            uow.commit()
        with self._lock:
            self._known[(team_id, user_id)] = channel_id
