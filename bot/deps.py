"""What the listeners are given by the composition root."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.zones import ZoneMemo
from domain.config import LeadbotConfig
from handlers.commands import Command
from handlers.context import Context
from handlers.deliver import UowFactory
from handlers.registry import dispatch
from handlers.results import Result
from handlers.timezones import look_up_zone


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Deps:
    uow_factory: UowFactory
    config: LeadbotConfig
    kick_outbox: Callable[[], None] = lambda: None
    clock: Callable[[], datetime] = utc_now
    zones: ZoneMemo = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "zones", ZoneMemo(lambda ctx: look_up_zone(self.uow_factory(), ctx)))

    def dispatch(self, command: Command, ctx: Context) -> Result:
        """Run a handler; if it queued Slack messages, try delivering them now
        rather than at the next sweep."""
        uow = self.uow_factory()
        result = dispatch(command, uow, ctx)
        if uow.committed_outbox:
            self.kick_outbox()
        return result

    def context(self, workspace_id: str, user_id: str) -> Context:
        return Context(self.config.actor(workspace_id, user_id), self.clock(), self.config)

    def timezone(self, ctx: Context) -> ZoneInfo:
        """The actor's own zone as Slack last told us (learned after an ack, never before
        one), else the config's. See handlers.timezones; memoised per process (bot/zones.py)."""
        return ZoneInfo(self.zones.lookup(ctx).zone)
