"""The per-person time zone cache, filled from Slack's users.info after first contact."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.config import LeadbotConfig
from store.sql import insert_ignoring_conflict
from store.tables import UserTimezoneRow


@dataclass(frozen=True, slots=True)
class KnownTimezone:
    tz: str | None  # None: Slack knows no zone for this person
    fetched_at: datetime


class UserTimezones:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, team_id: str, user_id: str) -> KnownTimezone | None:
        row = self._s.get(UserTimezoneRow, (team_id, user_id))
        return KnownTimezone(row.tz, row.fetched_at) if row is not None else None

    def zone_name(self, team_id: str, user_id: str, config: LeadbotConfig) -> str:
        """The last zone Slack gave for the person (even a stale one: it survives Slack being
        down), else the config's (LeadbotConfig.configured_zone)."""
        known = self.get(team_id, user_id)
        if known is not None and known.tz:
            return known.tz
        return config.configured_zone(team_id, user_id)

    def put(self, team_id: str, user_id: str, tz: str | None, at: datetime) -> None:
        """Insert or overwrite; two processes refreshing the same person both succeed."""
        self._s.execute(
            insert_ignoring_conflict(
                self._s, UserTimezoneRow, team_id=team_id, user_id=user_id, tz=tz, fetched_at=at
            )
        )
        self._s.execute(
            sa.update(UserTimezoneRow)
            .where(UserTimezoneRow.team_id == team_id, UserTimezoneRow.user_id == user_id)
            .values(tz=tz, fetched_at=at)
        )
