"""Engagement events: stored once per sender's external id, read back as the score's input."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.sql import insert_ignoring_conflict
from store.tables import EngagementEventRow


class EngagementRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        team_id: str,
        lead_id: int,
        kind: str,
        occurred_at: datetime,
        received_at: datetime,
        url: str | None = None,
        external_id: str | None = None,
    ) -> bool:
        """False when the workspace already has an event with this external id (a resend)."""
        values = {
            "team_id": team_id,
            "lead_id": lead_id,
            "kind": kind,
            "url": url,
            "occurred_at": occurred_at,
            "external_id": external_id,
            "received_at": received_at,
        }
        if external_id is None:
            self._s.execute(sa.insert(EngagementEventRow).values(**values))
            return True
        insert = insert_ignoring_conflict(self._s, EngagementEventRow, **values)
        return self._s.execute(insert.returning(EngagementEventRow.id)).first() is not None
