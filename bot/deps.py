"""What the listeners are given by the composition root."""

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.forecasts import ForecastMemo
from bot.in_flight import InFlight
from bot.outage import lock_not_had
from bot.zones import ZoneMemo
from domain.config import LeadbotConfig
from domain.forecast import Forecast
from handlers.commands import AddLead, Command, ShowForecast
from handlers.context import Context, UowFactory
from handlers.deferred import Enqueue, defer_add, enqueue_in
from handlers.registry import dispatch
from handlers.results import AddQueued, Result
from handlers.timezones import look_up_zone

if TYPE_CHECKING:
    from bot.import_job import Runner


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Deps:
    uow_factory: UowFactory
    config: LeadbotConfig
    kick_outbox: Callable[[], None] = lambda: None
    kick_queue: Callable[[], None] = lambda: None  # wakes the worker of queued captures
    clock: Callable[[], datetime] = utc_now
    # Held by whoever is capturing a lead now (a listener or the queued-command job);
    # a capture that finds it taken is queued and acked at once instead of waiting.
    capture_slot: threading.Lock = field(default_factory=threading.Lock)
    enqueue: Enqueue | None = None  # where captures queue (store/spool.py); None: the database
    # True while the background process (bot/capture_worker.py) has work in hand, from
    # its kick on: a capture then queues behind it rather than meet its database writes.
    queue_busy: Callable[[], bool] = lambda: False
    # A capture's own transaction waits only briefly for a lock another holds, then queues
    # (store.engine.brief_lock_wait, handed in by the composition root).
    brief_lock_wait: Callable[[], AbstractContextManager[None]] = nullcontext
    in_flight: InFlight = field(default_factory=InFlight)  # Slack requests in hand now
    # Where `/lead import` runs a file (bot/import_job.py): a low-priority process of its own
    # under `leadbot serve`; None: in the listener's thread.
    run_import: "Runner | None" = None
    zones: ZoneMemo = field(init=False)
    forecasts: ForecastMemo = field(init=False)  # what managers' Home tabs show (bot/forecasts.py)

    def __post_init__(self) -> None:
        object.__setattr__(self, "zones", ZoneMemo(lambda ctx: look_up_zone(self.uow_factory(), ctx)))
        object.__setattr__(self, "forecasts", ForecastMemo(self._forecast))

    def _forecast(self, ctx: Context) -> Forecast:
        """`/lead forecast quarter` as the person would ask it, through the bus."""
        found = self.dispatch(ShowForecast(horizon="quarter"), ctx)
        assert isinstance(found, Forecast)
        return found

    def dispatch(self, command: Command, ctx: Context) -> Result:
        """Run a command through the bus; what it queued for Slack is delivered now rather
        than at the next sweep (MessageQueued wakes delivery)."""
        return dispatch(command, self.uow_factory(), ctx, wake_delivery=self.kick_outbox)

    def capture(self, cmd: AddLead, ctx: Context, response_url: str | None) -> Result | AddQueued:
        """A rep's capture runs now when the process has nothing else in hand; otherwise
        it is checked, stored and acked at once, and its answer follows from the queue:
        an ack never waits behind a capture."""
        busy = not self.in_flight.alone() or self.queue_busy()
        if busy or not self.capture_slot.acquire(blocking=False):
            return self._queue(cmd, ctx, response_url)
        try:
            with self.brief_lock_wait():
                return self.dispatch(cmd, ctx)
        except (sa.exc.OperationalError, sa.exc.TimeoutError) as error:
            if not lock_not_had(error):
                raise
            # Another process's write (an import, a job) holds the lock: the person gets
            # the queued answer now, the capture follows when the lock is free.
            return self._queue(cmd, ctx, response_url)
        finally:
            self.capture_slot.release()

    def _queue(self, cmd: AddLead, ctx: Context, response_url: str | None) -> AddQueued:
        queued = defer_add(cmd, self.enqueue or enqueue_in(self.uow_factory), ctx, response_url)
        self.kick_queue()
        return queued

    def context(self, workspace_id: str, user_id: str) -> Context:
        return Context(self.config.actor(workspace_id, user_id), self.clock(), self.config)

    def timezone(self, ctx: Context) -> ZoneInfo:
        """The actor's own zone as Slack last told us (learned after an ack, never before
        one), else the config's. See handlers.timezones; memoised per process (bot/zones.py)."""
        return ZoneInfo(self.zones.lookup(ctx).zone)
