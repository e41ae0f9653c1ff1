"""What the listeners are given by the composition root."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.capture.in_flight import InFlight
from bot.capture.queue import CaptureQueue
from bot.reporting.forecasts import ForecastMemo
from bot.workspaces.zones import ZoneMemo
from domain.config import LeadbotConfig
from domain.reporting.forecast import Forecast
from handlers.commands import AddLead, Command, ShowForecast
from handlers.context import Context, UowFactory
from handlers.operations.timezones import look_up_zone
from handlers.registry import dispatch
from handlers.results import AddQueued, Result

if TYPE_CHECKING:
    from bot.importing.job import Runner


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Deps:
    uow_factory: UowFactory
    config: LeadbotConfig
    kick_outbox: Callable[[], None] = lambda: None
    # Where a capture that cannot be done in its ack waits (bot/capture/queue.py);
    # None: every capture is done in its ack.
    captures: CaptureQueue | None = None
    clock: Callable[[], datetime] = utc_now
    in_flight: InFlight = field(default_factory=InFlight)  # Slack requests in hand now
    # Where `/lead import` runs a file (bot/importing/job.py): a low-priority process of its own
    # under `leadbot serve`; None: in the listener's thread.
    run_import: "Runner | None" = None
    zones: ZoneMemo = field(init=False)
    forecasts: ForecastMemo = field(init=False)  # what managers' Home tabs show (bot/reporting/forecasts.py)

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
        it is checked, stored and acked at once, and its answer follows from the queue
        (bot/capture/queue.QueueFront.capture): an ack never waits behind a capture."""
        if self.captures is None:
            return self.dispatch(cmd, ctx)
        run = lambda: self.dispatch(cmd, ctx)  # noqa: E731
        return self.captures.capture(cmd, ctx, response_url, run, self.in_flight.alone())

    def context(self, workspace_id: str, user_id: str) -> Context:
        return Context(self.config.actor(workspace_id, user_id), self.clock(), self.config)

    def timezone(self, ctx: Context) -> ZoneInfo:
        """The actor's own zone as Slack last told us (learned after an ack, never before
        one), else the config's. See handlers.operations.timezones; memoised per process
        (bot/workspaces/zones.py)."""
        return ZoneInfo(self.zones.lookup(ctx).zone)
