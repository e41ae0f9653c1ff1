"""People's DM channels with the bot, by workspace and user."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.sql import insert_ignoring_conflict
from store.tables import DmChannelRow


class DmChannelRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def of(self, team_id: str, user_id: str) -> str | None:
        query = sa.select(DmChannelRow.channel_id).where(
            DmChannelRow.team_id == team_id, DmChannelRow.user_id == user_id
        )
        return self._s.scalar(query)

    def remember(self, team_id: str, user_id: str, channel_id: str, now: datetime) -> None:
        """The first answer wins: two senders that both wrote first learn the same channel."""
        self._s.execute(
            insert_ignoring_conflict(
                self._s, DmChannelRow, team_id=team_id, user_id=user_id, channel_id=channel_id, opened_at=now
            )
        )
