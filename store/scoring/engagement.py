"""Engagement events: stored once per sender's external id, read back as the score's input."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.followups.activity import Activity, ActivityKind
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

    def latest(self, team_id: str, lead_id: int, kinds: tuple[str, ...], limit: int) -> list[Activity]:
        """The lead's latest events of these kinds, as timeline lines (newest first): what the
        person did, written by nobody in the workspace (the actor is "lead")."""
        query = (
            sa.select(EngagementEventRow.kind, EngagementEventRow.url, EngagementEventRow.occurred_at)
            .where(
                EngagementEventRow.team_id == team_id,
                EngagementEventRow.lead_id == lead_id,
                EngagementEventRow.kind.in_(kinds),
            )
            .order_by(EngagementEventRow.occurred_at.desc(), EngagementEventRow.id.desc())
            .limit(limit)
        )
        return [
            Activity(ActivityKind.ENGAGEMENT, _words(kind, url), ENGAGED_BY, at)
            for kind, url, at in self._s.execute(query)
        ]


ENGAGED_BY = "lead"


def _words(kind: str, url: str | None) -> str:
    return kind.replace("_", " ") + (f": {url}" if url else "")
