"""When the sweep last finished: the server's readiness check (GET /readyz) reads it to
tell a scheduler that is lagging or stuck from one that keeps up.

`leadbot serve` runs the scheduler in its background process (bot/capture/worker.py), so
the time lives in a cell both processes see: a `multiprocessing` shared double handed to
the child at spawn. In one process a plain holder does."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

# A sweep every `every` seconds may run long (a digest, a retrain, Slack asking us to wait);
# lagging is several sweeps missed, and never less than a minute.
LAG_SWEEPS = 6
MIN_LAG = timedelta(minutes=1)


class Cell(Protocol):
    value: float


@dataclass(slots=True)
class _Holder:
    value: float = 0.0


class Heartbeat:
    def __init__(self, cell: Cell | None = None) -> None:
        self._cell = cell if cell is not None else _Holder()

    def beat(self, now: datetime) -> None:
        """A sweep finished (or the scheduler started: the first sweep is due a period later)."""
        self._cell.value = now.timestamp()

    def last(self) -> datetime | None:
        return datetime.fromtimestamp(self._cell.value, UTC) if self._cell.value else None


def lag_limit(every_seconds: float) -> timedelta:
    return max(MIN_LAG, timedelta(seconds=LAG_SWEEPS * every_seconds))
