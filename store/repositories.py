"""Repositories for activities, the audit log and request keys; every query is
scoped to one workspace. Leads live in store.leads."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.followups.activity import Activity, ActivityKind
from domain.lead import Lead
from store.sql import insert_ignoring_conflict
from store.tables import ActivityRow, AuditRow, RequestKeyRow


class ActivityRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, lead: Lead, activity: Activity) -> None:
        self._s.add(
            ActivityRow(
                team_id=lead.team_id,
                lead_id=lead.id,
                kind=str(activity.kind),
                body=activity.body,
                actor_id=activity.actor_id,
                created_at=activity.created_at,
            )
        )

    def latest(self, lead: Lead, limit: int) -> list[Activity]:
        query = (
            sa.select(ActivityRow)
            .where(ActivityRow.team_id == lead.team_id, ActivityRow.lead_id == lead.id)
            .order_by(ActivityRow.created_at.desc(), ActivityRow.id.desc())
            .limit(limit)
        )
        return [
            Activity(ActivityKind(r.kind), r.body, r.actor_id, r.created_at) for r in self._s.scalars(query)
        ]


class AuditLog:
    """Who did what, when, with the before and after of what changed."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def record(
        self,
        *,
        team_id: str,
        actor_id: str,
        action: str,
        entity: str,
        entity_ref: str,
        at: datetime,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        self._s.add(
            AuditRow(
                team_id=team_id,
                actor_id=actor_id,
                action=action,
                entity=entity,
                entity_ref=entity_ref,
                before=before,
                after=after,
                at=at,
            )
        )

    def entries(self, team_id: str, entity_ref: str) -> list[AuditRow]:
        query = (
            sa.select(AuditRow)
            .where(AuditRow.team_id == team_id, AuditRow.entity_ref == entity_ref)
            .order_by(AuditRow.id)
        )
        return list(self._s.scalars(query))

    def page(self, team_id: str, entity_ref: str, offset: int, limit: int) -> tuple[int, list[AuditRow]]:
        """`/lead history`: how many entries the lead has, and a page of them, newest first."""
        where = (AuditRow.team_id == team_id, AuditRow.entity == "lead", AuditRow.entity_ref == entity_ref)
        total = self._s.execute(sa.select(sa.func.count()).where(*where)).scalar_one()
        query = sa.select(AuditRow).where(*where).order_by(AuditRow.id.desc()).offset(offset).limit(limit)
        return int(total), list(self._s.scalars(query))


class RequestKeys:
    """Idempotency keys per workspace: the first request with a key does the work,
    a repeat gets the first one's result instead."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def first(self, team_id: str, key: str | None, at: datetime) -> str | None:
        """None if this transaction now holds the key (do the work, then settle it; the key
        is rolled back with the work if that fails) or there is no key; otherwise what the
        earlier request settled ("" if it has not yet). On PostgreSQL a concurrent holder
        makes this wait for its commit, so a double click never does the work twice."""
        if not key:
            return None
        insert = insert_ignoring_conflict(
            self._s, RequestKeyRow, team_id=team_id, key=key, result="", created_at=at
        )
        # RETURNING, not rowcount: through the ORM session rowcount is -1 here.
        if self._s.execute(insert.returning(RequestKeyRow.key)).first() is not None:
            return None
        return self.result_of(team_id, key) or ""

    def seen_before(self, team_id: str, key: str | None, at: datetime) -> bool:
        """Claims the key as `first` does: True for a repeat."""
        return self.first(team_id, key, at) is not None

    def settle(self, team_id: str, key: str | None, result: str) -> None:
        """What a repeat of the request is to answer from (nothing without a key)."""
        if not key:
            return
        self._s.execute(
            sa.update(RequestKeyRow)
            .where(RequestKeyRow.team_id == team_id, RequestKeyRow.key == key)
            .values(result=result)
        )

    def forget_if_older(self, team_id: str, key: str, before: datetime, pending_before: datetime) -> None:
        """Let a key be claimed afresh: it was settled before `before`, or claimed before
        `pending_before` and never settled (its holder died mid-request)."""
        stale = sa.or_(
            RequestKeyRow.created_at < before,
            sa.and_(RequestKeyRow.result == "", RequestKeyRow.created_at < pending_before),
        )
        self._s.execute(
            sa.delete(RequestKeyRow).where(RequestKeyRow.team_id == team_id, RequestKeyRow.key == key, stale)
        )

    def forget(self, team_id: str, key: str) -> None:
        """The work the key stood for is over (an import's checkpoint once it finished), or
        did not happen (a webhook request refused): the next request may do it."""
        self._s.execute(
            sa.delete(RequestKeyRow).where(RequestKeyRow.team_id == team_id, RequestKeyRow.key == key)
        )

    def prune(self, before: datetime, prefix: str = "") -> int:
        """Forget keys older than any retry or double click can be (those starting with
        `prefix`: a kind of key that serves a shorter while)."""
        query = sa.delete(RequestKeyRow).where(RequestKeyRow.created_at < before)
        if prefix:
            query = query.where(RequestKeyRow.key.startswith(prefix, autoescape=True))
        done = self._s.execute(query)
        return int(done.rowcount)  # type: ignore[attr-defined]

    def result_of(self, team_id: str, key: str) -> str | None:
        row = self._s.get(RequestKeyRow, (team_id, key))
        return row.result if row else None

    def claimed_at(self, team_id: str, key: str) -> datetime | None:
        row = self._s.get(RequestKeyRow, (team_id, key))
        return row.created_at if row else None
