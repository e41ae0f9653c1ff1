"""The times a tick run ahead of the clock (`leadbot tick --now` later than now) wrote into
the tables that decide when something is sent: found and moved back here, as
handlers/operations/ahead_of_clock.py decides. Every query is by the tick's instant, which only the
tick's own writes reach: a process on the clock writes times before it."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from domain.followups.reminder import ReminderStatus
from domain.reporting.digest import DailyRun
from store.tables import (
    AssignmentRow,
    CadenceStepRow,
    ChannelPacingRow,
    DailyRunRow,
    OutboxRow,
    PredictiveModelRow,
    ReminderRow,
    RequestKeyRow,
)

# Times that say when the next thing may happen: a conversation's next slot (the pacing
# book), a message's slot, retry, lease (a pass that failed midway) or creation (alerts
# wait an hour after the last one), a daily run's "covered until", a model's training time.
_SCHEDULES: tuple[InstrumentedAttribute[Any], ...] = (
    ChannelPacingRow.next_allowed_at,
    ChannelPacingRow.reserved_until,
    ChannelPacingRow.in_flight_until,
    OutboxRow.next_attempt_at,
    OutboxRow.claimed_until,
    OutboxRow.created_at,
    OutboxRow.sent_at,
    OutboxRow.alerted_at,
    DailyRunRow.ran_at,
    PredictiveModelRow.trained_at,
)
# Times set from when the tick made or decided an assignment: its auto-approval, its SLA.
_FROM_ASSIGNMENT: tuple[tuple[InstrumentedAttribute[Any], InstrumentedAttribute[Any]], ...] = (
    (AssignmentRow.auto_approve_at, AssignmentRow.created_at),
    (AssignmentRow.sla_due_at, AssignmentRow.decided_at),
)


@dataclass(frozen=True, slots=True)
class LaterReminder:
    """A reminder whose next "still open" morning or due time the tick set."""

    reminder_id: int
    team_id: str
    user_id: str
    due_at: datetime
    tz: str
    next_nudge_at: datetime | None


class AheadOfClock:
    def __init__(self, session: Session, instant: datetime) -> None:
        self._s, self._instant = session, instant

    def shift_back(self, by: timedelta) -> int:
        """Every schedule the tick wrote, `by` earlier; how many distinct values moved."""
        moved = sum(self._shift(column, column, by) for column in _SCHEDULES)
        return moved + sum(self._shift(column, written, by) for column, written in _FROM_ASSIGNMENT)

    def _shift(
        self, column: InstrumentedAttribute[Any], written: InstrumentedAttribute[Any], by: timedelta
    ) -> int:
        """One UPDATE per distinct value (a tick dates most of what it writes alike: its
        instant, a slot a second later...), in ascending order, so that a value moved back
        can never meet one still to be moved."""
        ahead = written >= self._instant
        values = self._s.scalars(
            sa.select(column).where(ahead, column.is_not(None)).distinct().order_by(column)
        ).all()
        table = column.class_
        for value in values:
            moved = sa.update(table).where(ahead, column == value).values({column.key: value - by})
            self._s.execute(moved)
        return len(values)

    def release_leases(self, after: datetime) -> int:
        """Outbox leases ending after `after`, which no process on the clock can have taken."""
        leases = sa.update(OutboxRow).where(OutboxRow.claimed_until > after)
        return int(self._s.execute(leases.values(claimed_until=None, claim_token=None)).rowcount)  # type: ignore[attr-defined]

    def nudged_later(self) -> list[LaterReminder]:
        """Delivered reminders whose next "still open" morning the tick set."""
        query = self._reminders().where(
            ReminderRow.status == str(ReminderStatus.QUEUED), ReminderRow.next_nudge_at >= self._instant
        )
        return [LaterReminder(*row) for row in self._s.execute(query)]

    def steps_due_later(self) -> list[LaterReminder]:
        """Pending cadence steps due at or after the instant: held by the tick, or simply later."""
        query = (
            self._reminders()
            .join(CadenceStepRow, CadenceStepRow.reminder_id == ReminderRow.id)
            .where(ReminderRow.status == str(ReminderStatus.PENDING), ReminderRow.due_at >= self._instant)
        )
        return [LaterReminder(*row) for row in self._s.execute(query)]

    @staticmethod
    def _reminders() -> sa.Select[int, str, str, datetime, str, datetime | None]:
        return sa.select(
            ReminderRow.id,
            ReminderRow.team_id,
            ReminderRow.user_id,
            ReminderRow.due_at,
            ReminderRow.tz,
            ReminderRow.next_nudge_at,
        )

    def move_due(self, reminder_id: int, at: datetime) -> None:
        self._s.execute(sa.update(ReminderRow).where(ReminderRow.id == reminder_id).values(due_at=at))

    def move_nudge(self, reminder_id: int, at: datetime) -> None:
        self._s.execute(sa.update(ReminderRow).where(ReminderRow.id == reminder_id).values(next_nudge_at=at))

    def daily_runs(self) -> list[DailyRun]:
        """The days' runs the tick made (digests, quiet-lead flags)."""
        query = sa.select(
            DailyRunRow.id, DailyRunRow.team_id, DailyRunRow.job, DailyRunRow.scope, DailyRunRow.local_date
        ).where(DailyRunRow.ran_at >= self._instant)
        return [DailyRun(i, team, job, scope, day) for i, team, job, scope, day in self._s.execute(query)]

    def withdraw(self, run: DailyRun) -> None:
        """Forget the run, and free the dedupe keys of the messages it queued for that day
        (`<job>:<workspace>:…:<date>`), so the day's real run queues its own."""
        self._s.execute(sa.delete(DailyRunRow).where(DailyRunRow.id == run.id))
        queued = sa.and_(
            OutboxRow.team_id == run.team_id,
            OutboxRow.created_at >= self._instant,
            OutboxRow.dedupe_key.startswith(f"{run.job}:{run.team_id}:", autoescape=True),
            OutboxRow.dedupe_key.endswith(f":{run.local_date.isoformat()}", autoescape=True),
        )
        renamed = OutboxRow.dedupe_key + ":ahead:" + sa.cast(OutboxRow.id, sa.String)
        self._s.execute(sa.update(OutboxRow).where(queued).values(dedupe_key=renamed))

    def forget_keys(self, team_id: str, keys: list[str]) -> int:
        """Request keys the tick claimed (a day's rescore) that the real day must claim again."""
        claimed = sa.delete(RequestKeyRow).where(
            RequestKeyRow.team_id == team_id,
            RequestKeyRow.key.in_(keys),
            RequestKeyRow.created_at >= self._instant,
        )
        return int(self._s.execute(claimed).rowcount)  # type: ignore[attr-defined]
