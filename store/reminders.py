"""Reminder storage and the cross-process claim of due reminders."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.reminder import Reminder, ReminderStatus
from store.sql import supports_skip_locked
from store.tables import ReminderRow


class ReminderRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, reminder: Reminder) -> Reminder:
        row = ReminderRow(
            team_id=reminder.team_id,
            lead_id=reminder.lead_id,
            user_id=reminder.user_id,
            due_at=reminder.due_at,
            text=reminder.text,
            status=str(reminder.status),
            created_at=reminder.created_at,
        )
        self._s.add(row)
        self._s.flush()
        reminder.id = row.id
        return reminder

    def get(self, team_id: str, reminder_id: int) -> Reminder | None:
        row = self._s.get(ReminderRow, reminder_id)
        return _to_reminder(row) if row is not None and row.team_id == team_id else None

    def pending_for_lead(self, team_id: str, lead_id: int) -> list[Reminder]:
        query = (
            sa.select(ReminderRow)
            .where(
                ReminderRow.team_id == team_id,
                ReminderRow.lead_id == lead_id,
                ReminderRow.status == ReminderStatus.PENDING,
            )
            .order_by(ReminderRow.due_at)
        )
        return [_to_reminder(row) for row in self._s.scalars(query)]

    def claim_due(self, now: datetime, limit: int) -> list[Reminder]:
        """Due pending reminders, locked for this transaction. On PostgreSQL other
        processes skip the locked rows instead of waiting and sending them again."""
        query = (
            sa.select(ReminderRow)
            .where(ReminderRow.status == ReminderStatus.PENDING, ReminderRow.due_at <= now)
            .order_by(ReminderRow.due_at)
            .limit(limit)
        )
        if supports_skip_locked(self._s):
            query = query.with_for_update(skip_locked=True)
        return [_to_reminder(row) for row in self._s.scalars(query)]

    def mark(self, reminder: Reminder, status: ReminderStatus) -> None:
        self._s.execute(
            sa.update(ReminderRow).where(ReminderRow.id == reminder.id).values(status=str(status))
        )


def _to_reminder(row: ReminderRow) -> Reminder:
    return Reminder(
        team_id=row.team_id,
        lead_id=row.lead_id,
        user_id=row.user_id,
        due_at=row.due_at,
        text=row.text,
        created_at=row.created_at,
        status=ReminderStatus(row.status),
        id=row.id,
    )
