"""What the listeners are given by the composition root."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from domain.config import LeadbotConfig
from handlers.commands import Command
from handlers.context import Context
from handlers.deliver import UowFactory
from handlers.registry import dispatch
from handlers.results import Result


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Deps:
    uow_factory: UowFactory
    config: LeadbotConfig
    kick_outbox: Callable[[], None] = lambda: None
    clock: Callable[[], datetime] = utc_now

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
        """The actor's team's zone: asking Slack for the user's own would cost a
        network call before the ack."""
        known = next((u.tz for u in self.config.console_users if u.id == ctx.actor.user_id), None)
        if known:
            return ZoneInfo(known)
        return self.config.timezone_of(ctx.actor.sales_teams[0] if ctx.actor.sales_teams else None)
