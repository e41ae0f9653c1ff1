"""What waits to be done, read for `GET /metrics` at each scrape: the outbox's depth and the
age of its oldest unsent message, the dead messages, and the captures queued at the ack.
Cheap queries (an index on the outbox's status; the queue holds a few rows when healthy)."""

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from store.capture.deferred import QUEUED
from store.tables import OutboxRow


@dataclass(frozen=True, slots=True)
class Backlog:
    outbox_pending: int
    oldest_pending_at: datetime | None
    outbox_dead: int
    queued_captures: int

    def as_figures(self, now: datetime) -> dict[str, float]:
        """The fixed names bot/web/metrics_endpoint.py shows them under."""
        oldest = self.oldest_pending_at
        return {
            "outbox_pending": self.outbox_pending,
            "outbox_oldest_pending_age_seconds": max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
            "outbox_dead": self.outbox_dead,
            "queued_captures": self.queued_captures,
        }


def read_backlog(engine: sa.Engine, queue_engine: sa.Engine) -> Backlog:
    """`queue_engine`: where queued captures wait (store/capture/spool.py; the database itself on
    PostgreSQL)."""
    by_status = (
        sa.select(OutboxRow.status, sa.func.count(), sa.func.min(OutboxRow.created_at))
        .where(OutboxRow.status.in_(("pending", "dead")))
        .group_by(OutboxRow.status)
    )
    with engine.connect() as connection:
        rows = {status: (count, oldest) for status, count, oldest in connection.execute(by_status)}
    queued = sa.select(sa.func.count()).select_from(QUEUED).where(QUEUED.c.status == "pending")
    with queue_engine.connect() as connection:
        waiting = int(connection.execute(queued).scalar_one())
    pending, oldest = rows.get("pending", (0, None))
    return Backlog(int(pending), _aware(oldest), int(rows.get("dead", (0, None))[0]), waiting)


def _aware(value: datetime | None) -> datetime | None:
    """min() keeps the column's type (UTC on the way out); kept aware whatever the driver."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
