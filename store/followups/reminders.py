"""Reminder storage and the cross-process claims of due and resurfacing reminders."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute, Session

from domain.followups.reminder import OPEN_REMINDER_STATUSES, Reminder, ReminderStatus
from store.sql import supports_skip_locked
from store.tables import ReminderRow

# The fields a reminder's life changes; the rest are fixed when it is set.
_STATE = ("due_at", "text", "status", "tz", "done_at", "done_by", "next_nudge_at", "nudges", "snoozes")


class ReminderRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, reminder: Reminder) -> Reminder:
        row = ReminderRow(
            team_id=reminder.team_id,
            lead_id=reminder.lead_id,
            user_id=reminder.user_id,
            created_at=reminder.created_at,
            **_state_of(reminder),
        )
        self._s.add(row)
        self._s.flush()
        reminder.id = row.id
        return reminder

    def save(self, reminder: Reminder) -> None:
        self._s.execute(
            sa.update(ReminderRow).where(ReminderRow.id == reminder.id).values(**_state_of(reminder))
        )

    def save_all(self, reminders: Sequence[Reminder]) -> None:
        """Each reminder's state, in one executemany (a burst of due reminders)."""
        if reminders:
            self._s.execute(sa.update(ReminderRow), [{"id": r.id, **_state_of(r)} for r in reminders])

    def get(self, team_id: str, reminder_id: int) -> Reminder | None:
        row = self._s.get(ReminderRow, reminder_id)
        return _to_reminder(row) if row is not None and row.team_id == team_id else None

    def lock(self, team_id: str, reminder_id: int) -> Reminder | None:
        """The reminder, locked until commit on PostgreSQL, so two clicks landing together
        (Done and Snooze, say) are applied one after the other, not over each other."""
        query = sa.select(ReminderRow).where(ReminderRow.id == reminder_id, ReminderRow.team_id == team_id)
        if supports_skip_locked(self._s):
            query = query.with_for_update()
        row = self._s.scalars(query).first()
        return _to_reminder(row) if row is not None else None

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

    def open_for_user(self, team_id: str, user_id: str, limit: int) -> list[Reminder]:
        """A rep's follow-ups not yet done, soonest (so most overdue) first."""
        query = (
            sa.select(ReminderRow)
            .where(
                ReminderRow.team_id == team_id,
                ReminderRow.user_id == user_id,
                ReminderRow.status.in_([str(s) for s in OPEN_REMINDER_STATUSES]),
            )
            .order_by(ReminderRow.due_at, ReminderRow.id)
            .limit(limit)
        )
        return [_to_reminder(row) for row in self._s.scalars(query)]

    def claim_due(self, now: datetime, limit: int) -> list[Reminder]:
        """Due pending reminders, locked for this transaction. On PostgreSQL other
        processes skip the locked rows instead of waiting and sending them again."""
        return self._claim(ReminderStatus.PENDING, ReminderRow.due_at, now, limit)

    def claim_nudges(self, now: datetime, limit: int) -> list[Reminder]:
        """Delivered reminders nobody marked done whose next "still open" is due."""
        return self._claim(ReminderStatus.QUEUED, ReminderRow.next_nudge_at, now, limit)

    def _claim(
        self, status: ReminderStatus, when: QueryableAttribute[Any], now: datetime, limit: int
    ) -> list[Reminder]:
        query = (
            sa.select(ReminderRow)
            .where(ReminderRow.status == status, when <= now)
            .order_by(when)
            .limit(limit)
        )
        if supports_skip_locked(self._s):
            query = query.with_for_update(skip_locked=True)
        return [_to_reminder(row) for row in self._s.scalars(query)]

    def mark(self, reminder: Reminder, status: ReminderStatus) -> None:
        self._s.execute(
            sa.update(ReminderRow).where(ReminderRow.id == reminder.id).values(status=str(status))
        )


def _state_of(reminder: Reminder) -> dict[str, object]:
    state: dict[str, object] = {name: getattr(reminder, name) for name in _STATE}
    state["status"] = str(reminder.status)
    return state


def _to_reminder(row: ReminderRow) -> Reminder:
    return Reminder(
        team_id=row.team_id,
        lead_id=row.lead_id,
        user_id=row.user_id,
        created_at=row.created_at,
        id=row.id,
        **{name: getattr(row, name) for name in _STATE if name != "status"},
        status=ReminderStatus(row.status),
    )
