"""Commands queued at the ack: stored before the ack is sent, claimed under a lease,
and finished in the transaction that queues their answer."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.deferred import DeferredCommand
from store.sql import insert_ignoring_conflict, supports_skip_locked
from store.tables import DeferredCommandRow


class DeferredCommands:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, command: DeferredCommand) -> bool:
        """Queue a command; False if one with the same request key already was (a retry)."""
        insert = insert_ignoring_conflict(
            self._s,
            DeferredCommandRow,
            team_id=command.team_id,
            request_key=command.request_key,
            user_id=command.user_id,
            command=command.command,
            response_url=command.response_url,
            received_at=command.received_at,
            status="pending",
            attempts=0,
        )
        return self._s.execute(insert.returning(DeferredCommandRow.id)).first() is not None

    def claim(self, now: datetime, limit: int, lease: timedelta) -> list[DeferredCommand]:
        """Oldest first. A claimer that dies leaves a lease that expires, so the
        command is taken up again; its request key keeps it from being done twice."""
        query = (
            sa.select(DeferredCommandRow)
            .where(
                DeferredCommandRow.status == "pending",
                sa.or_(DeferredCommandRow.claimed_until.is_(None), DeferredCommandRow.claimed_until <= now),
            )
            .order_by(DeferredCommandRow.received_at, DeferredCommandRow.id)
            .limit(limit)
        )
        if supports_skip_locked(self._s):
            query = query.with_for_update(skip_locked=True)
        rows = list(self._s.scalars(query))
        for row in rows:
            row.claimed_until, row.attempts = now + lease, row.attempts + 1
        return [_to_command(row) for row in rows]

    def finish(self, command_id: int) -> None:
        self._s.execute(
            sa.update(DeferredCommandRow)
            .where(DeferredCommandRow.id == command_id)
            .values(status="done", claimed_until=None)
        )

    def fail(self, command_id: int, error: str, *, give_up: bool) -> None:
        """Record the failure; the lease is left to expire so a retry waits for it."""
        values: dict[str, object] = {"last_error": error[:2000]}
        if give_up:
            values.update(status="failed", claimed_until=None)
        self._s.execute(
            sa.update(DeferredCommandRow).where(DeferredCommandRow.id == command_id).values(**values)
        )

    def prune(self, before: datetime) -> int:
        """Forget commands done (or given up) before `before`; pending ones always stay."""
        done = self._s.execute(
            sa.delete(DeferredCommandRow).where(
                DeferredCommandRow.status != "pending", DeferredCommandRow.received_at < before
            )
        )
        return int(done.rowcount)  # type: ignore[attr-defined]

    def pending(self) -> int:
        query = sa.select(sa.func.count()).where(DeferredCommandRow.status == "pending")
        return int(self._s.scalar(query) or 0)


def _to_command(row: DeferredCommandRow) -> DeferredCommand:
    return DeferredCommand(
        team_id=row.team_id,
        request_key=row.request_key,
        user_id=row.user_id,
        command=dict(row.command),
        response_url=row.response_url,
        received_at=row.received_at,
        id=row.id,
        attempts=row.attempts,
    )
