"""Cadence enrolments, the reminders that carry their steps, and the working-hours hold."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.followups.reminder import ReminderStatus
from domain.nurture.cadence import EnrollmentStatus
from store.sql import supports_skip_locked
from store.tables import CadenceEnrollmentRow, CadenceStepRow, ReminderRow


@dataclass(frozen=True, slots=True)
class Enrollment:
    id: int
    cadence: str
    owner_id: str
    enrolled_at: datetime


@dataclass(frozen=True, slots=True)
class WaitingStep:
    """A due cadence step, not yet handed to the outbox."""

    reminder_id: int
    team_id: str
    user_id: str
    tz: str


class CadenceRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def enroll(self, team_id: str, lead_id: int, cadence: str, owner_id: str, by: str, at: datetime) -> int:
        row = CadenceEnrollmentRow(
            team_id=team_id,
            lead_id=lead_id,
            cadence=cadence,
            owner_id=owner_id,
            status=str(EnrollmentStatus.ACTIVE),
            enrolled_by=by,
            enrolled_at=at,
        )
        self._s.add(row)
        self._s.flush()
        return int(row.id)

    def link_step(self, enrollment_id: int, step: int, reminder_id: int) -> None:
        self._s.add(CadenceStepRow(enrollment_id=enrollment_id, step=step, reminder_id=reminder_id))

    def active(self, team_id: str, lead_id: int) -> list[Enrollment]:
        query = sa.select(CadenceEnrollmentRow).where(
            CadenceEnrollmentRow.team_id == team_id,
            CadenceEnrollmentRow.lead_id == lead_id,
            CadenceEnrollmentRow.status == str(EnrollmentStatus.ACTIVE),
        )
        return [Enrollment(r.id, r.cadence, r.owner_id, r.enrolled_at) for r in self._s.scalars(query)]

    def stop(self, enrollment_id: int, reason: str, at: datetime) -> int:
        """Stop the enrolment and cancel its steps still waiting; how many were cancelled.
        Steps already delivered stay open: the rep may still want to finish them."""
        self._s.execute(
            sa.update(CadenceEnrollmentRow)
            .where(CadenceEnrollmentRow.id == enrollment_id)
            .values(status=str(EnrollmentStatus.STOPPED), stopped_at=at, stop_reason=reason[:64])
        )
        steps = sa.select(CadenceStepRow.reminder_id).where(CadenceStepRow.enrollment_id == enrollment_id)
        cancelled = self._s.execute(
            sa.update(ReminderRow)
            .where(ReminderRow.id.in_(steps), ReminderRow.status == str(ReminderStatus.PENDING))
            .values(status=str(ReminderStatus.CANCELLED))
        )
        return int(cancelled.rowcount)  # type: ignore[attr-defined]

    def hand_over(self, enrollment_id: int, owner_id: str, tz: str) -> None:
        """The enrolment and its steps still waiting go to another rep (in their time zone)."""
        self._s.execute(
            sa.update(CadenceEnrollmentRow)
            .where(CadenceEnrollmentRow.id == enrollment_id)
            .values(owner_id=owner_id)
        )
        steps = sa.select(CadenceStepRow.reminder_id).where(CadenceStepRow.enrollment_id == enrollment_id)
        self._s.execute(
            sa.update(ReminderRow)
            .where(ReminderRow.id.in_(steps), ReminderRow.status == str(ReminderStatus.PENDING))
            .values(user_id=owner_id, tz=tz)
        )

    def due_steps(self, now: datetime, limit: int) -> list[WaitingStep]:
        """Due cadence steps, locked for this transaction (skipped by other processes)."""
        query = (
            sa.select(ReminderRow)
            .join(CadenceStepRow, CadenceStepRow.reminder_id == ReminderRow.id)
            .where(ReminderRow.status == str(ReminderStatus.PENDING), ReminderRow.due_at <= now)
            .order_by(ReminderRow.due_at)
            .limit(limit)
        )
        if supports_skip_locked(self._s):
            query = query.with_for_update(of=ReminderRow, skip_locked=True)
        return [WaitingStep(r.id, r.team_id, r.user_id, r.tz) for r in self._s.scalars(query)]

    def postpone(self, reminder_id: int, until: datetime) -> None:
        self._s.execute(sa.update(ReminderRow).where(ReminderRow.id == reminder_id).values(due_at=until))
