"""Commands queued at the ack: stored before the ack is sent, claimed under a lease,
and finished in the transaction that queues their answer."""

from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from domain.capture.deferred import DeferredCommand
from store.sql import supports_skip_locked
from store.tables import DeferredCommandRow

QUEUED = cast(sa.Table, DeferredCommandRow.__table__)  # the table, for Core statements
QUEUE_INSERT = {  # INSERT ... ON CONFLICT DO NOTHING, per dialect
    name: dialect.insert(QUEUED).on_conflict_do_nothing()
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


class DeferredCommands:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, command: DeferredCommand) -> bool:
        """Queue a command; False if one with the same request key already was (a retry)."""
        return queue_command(self._s.connection(), command)

    def claim(self, now: datetime, limit: int, lease: timedelta) -> list[DeferredCommand]:
        """Oldest first. A claimer that dies leaves a lease that expires, so the
        command is taken up again; its request key keeps it from being done twice.
        One statement: on SQLite the queue's write lock, which acks wait for, is held
        for that statement only."""
        due = (
            sa.select(QUEUED.c.id)
            .where(
                QUEUED.c.status == "pending",
                sa.or_(QUEUED.c.claimed_until.is_(None), QUEUED.c.claimed_until <= now),
            )
            .order_by(QUEUED.c.received_at, QUEUED.c.id)
            .limit(limit)
        )
        if supports_skip_locked(self._s):
            due = due.with_for_update(skip_locked=True)
        claimed = self._s.execute(
            sa.update(QUEUED)
            .where(QUEUED.c.id.in_(due.scalar_subquery()))
            .values(claimed_until=now + lease, attempts=QUEUED.c.attempts + 1)
            .returning(*QUEUED.c)
        )
        rows = sorted(claimed.mappings(), key=lambda row: (row["received_at"], row["id"]))
        return [_to_command(row) for row in rows]

    def finish(self, *command_ids: int) -> None:
        """Commands carried out are forgotten: their request keys (in the database) and
        their answers' dedupe keys already make a repeat harmless."""
        self._s.execute(sa.delete(QUEUED).where(QUEUED.c.id.in_(command_ids)))

    def fail(self, command_id: int, error: str, *, give_up: bool) -> None:
        """Record the failure; the lease is left to expire so a retry waits for it.
        Given up, the command is forgotten like a finished one (its error is logged)."""
        if give_up:
            self.finish(command_id)
            return
        self._s.execute(sa.update(QUEUED).where(QUEUED.c.id == command_id).values(last_error=error[:2000]))


def _to_command(row: sa.RowMapping) -> DeferredCommand:
    return DeferredCommand(
        team_id=row["team_id"],
        request_key=row["request_key"],
        user_id=row["user_id"],
        command=dict(row["command"]),
        response_url=row["response_url"],
        received_at=row["received_at"],
        id=row["id"],
        attempts=row["attempts"],
    )


def queue_command(connection: sa.Connection, command: DeferredCommand) -> bool:
    """The insert behind DeferredCommands.add (store/capture/spool.Spool.add is its quicker twin)."""
    insert = QUEUE_INSERT[connection.dialect.name].returning(QUEUED.c.id)
    return connection.execute(insert, queued_values(command)).first() is not None


def queued_values(command: DeferredCommand) -> dict[str, Any]:
    return {
        "team_id": command.team_id,
        "request_key": command.request_key,
        "user_id": command.user_id,
        "command": command.command,
        "response_url": command.response_url,
        "received_at": command.received_at,
        "status": "pending",
        "attempts": 0,
    }
