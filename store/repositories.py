"""Repositories: row <-> domain mapping; every query is scoped to one workspace."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.activity import Activity, ActivityKind
from domain.lead import PROFILE_FIELDS, Lead
from domain.lifecycle import LeadStatus
from domain.search import search_text
from store.sql import insert_ignoring_conflict
from store.tables import ActivityRow, AuditRow, LeadCounterRow, LeadRow, RequestKeyRow

_LEAD_COLUMNS = ("name", "email", "phone", *PROFILE_FIELDS, "owner_id", "sales_team", "score")


class LeadRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, lead: Lead) -> Lead:
        """Give the lead the next number of its workspace and insert it."""
        lead.number = self._next_number(lead.team_id)
        row = LeadRow(
            team_id=lead.team_id,
            number=lead.number,
            status=str(lead.status),
            created_by=lead.created_by,
            created_at=lead.created_at,
            updated_at=lead.updated_at or lead.created_at,
        )
        self._copy_into(lead, row)
        self._s.add(row)
        self._s.flush()
        lead.id = row.id
        return lead

    def _next_number(self, team_id: str) -> int:
        # The UPDATE takes a row lock (PostgreSQL) or the write lock (SQLite), so
        # concurrent captures in one workspace never share a number.
        self._s.execute(insert_ignoring_conflict(self._s, LeadCounterRow, team_id=team_id, last_number=0))
        bump = (
            sa.update(LeadCounterRow)
            .where(LeadCounterRow.team_id == team_id)
            .values(last_number=LeadCounterRow.last_number + 1)
            .returning(LeadCounterRow.last_number)
        )
        return int(self._s.execute(bump).scalar_one())

    def save(self, lead: Lead) -> None:
        row = self._s.get_one(LeadRow, lead.id)
        self._copy_into(lead, row)
        row.status = str(lead.status)
        row.updated_at = lead.updated_at or row.updated_at

    def get(self, team_id: str, number: int) -> Lead | None:
        row = self._s.scalars(self._in(team_id).where(LeadRow.number == number)).one_or_none()
        return _to_lead(row) if row else None

    def by_numbers(self, team_id: str, numbers: Sequence[int]) -> list[Lead]:
        rows = self._s.scalars(self._in(team_id).where(LeadRow.number.in_(numbers)))
        by_number = {row.number: _to_lead(row) for row in rows}
        return [by_number[n] for n in numbers if n in by_number]

    def owned_by(self, team_id: str, user_id: str, statuses: Sequence[LeadStatus], limit: int) -> list[Lead]:
        query = (
            self._in(team_id)
            .where(LeadRow.owner_id == user_id, LeadRow.status.in_([str(s) for s in statuses]))
            .order_by(LeadRow.updated_at.desc(), LeadRow.number.desc())
            .limit(limit)
        )
        return [_to_lead(row) for row in self._s.scalars(query)]

    def search_corpus(self, team_id: str) -> dict[int, str]:
        query = sa.select(LeadRow.number, LeadRow.search_text).where(LeadRow.team_id == team_id)
        return {number: text for number, text in self._s.execute(query)}

    def find_by_email(self, team_id: str, email: str) -> Lead | None:
        row = self._s.scalars(self._in(team_id).where(LeadRow.email == email).limit(1)).first()
        return _to_lead(row) if row else None

    def all(self, team_id: str | None = None) -> list[Lead]:
        query = sa.select(LeadRow).order_by(LeadRow.team_id, LeadRow.number)
        if team_id is not None:
            query = query.where(LeadRow.team_id == team_id)
        return [_to_lead(row) for row in self._s.scalars(query)]

    def number_of(self, lead_id: int) -> int:
        return int(self._s.get_one(LeadRow, lead_id).number)

    @staticmethod
    def _in(team_id: str) -> sa.Select[LeadRow]:
        return sa.select(LeadRow).where(LeadRow.team_id == team_id)

    @staticmethod
    def _copy_into(lead: Lead, row: LeadRow) -> None:
        for column in _LEAD_COLUMNS:
            setattr(row, column, getattr(lead, column))
        row.duplicate_of_id = lead.duplicate_of
        row.search_text = search_text(lead.name, lead.company, lead.email)


def _to_lead(row: LeadRow) -> Lead:
    values: dict[str, Any] = {column: getattr(row, column) for column in _LEAD_COLUMNS}
    return Lead(
        team_id=row.team_id,
        number=row.number,
        created_at=row.created_at,
        created_by=row.created_by,
        status=LeadStatus(row.status),
        updated_at=row.updated_at,
        duplicate_of=row.duplicate_of_id,
        id=row.id,
        **values,
    )


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


class RequestKeys:
    """Idempotency keys per workspace: the first request with a key does the work,
    a repeat gets the first one's result instead."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def first(self, team_id: str, key: str, at: datetime) -> str | None:
        """None if this transaction now holds the key (do the work, then settle it);
        otherwise the earlier request's result. On PostgreSQL a concurrent holder
        makes this wait for its commit, so a double click never does the work twice."""
        insert = insert_ignoring_conflict(
            self._s, RequestKeyRow, team_id=team_id, key=key, result="", created_at=at
        )
        # RETURNING, not rowcount: through the ORM session rowcount is -1 here.
        if self._s.execute(insert.returning(RequestKeyRow.key)).first() is not None:
            return None
        return self.result_of(team_id, key) or ""

    def settle(self, team_id: str, key: str, result: str) -> None:
        self._s.execute(
            sa.update(RequestKeyRow)
            .where(RequestKeyRow.team_id == team_id, RequestKeyRow.key == key)
            .values(result=result)
        )

    def result_of(self, team_id: str, key: str) -> str | None:
        row = self._s.get(RequestKeyRow, (team_id, key))
        return row.result if row else None
