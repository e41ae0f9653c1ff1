"""Out of office: `/lead ooo until <date>` and `/lead back`. Routing skips an absent rep,
who keeps their place in the rotation and is owed the turns they missed."""

from domain.errors import InvalidInput
from handlers.commands import SetAway
from handlers.context import Context
from handlers.results import AwayChanged
from store.unit_of_work import SqlUnitOfWork


def set_away(cmd: SetAway, uow: SqlUnitOfWork, ctx: Context) -> AwayChanged:
    if cmd.until is not None and cmd.until <= ctx.now:
        raise InvalidInput(
            "until", "That date has passed: give a future one, like `/lead ooo until 2026-12-01`."
        )
    with uow:
        before = uow.routing.set_away(ctx.actor.team_id, ctx.actor.user_id, cmd.until)
        managers = [person for team in ctx.actor.sales_teams for person in ctx.config.overseers(team)]
        uow.refresh_homes(ctx.actor.team_id, (ctx.actor.user_id, *managers), ctx.now)
        uow.commit()
    was_away = before is not None and before > ctx.now
    return AwayChanged(ctx.actor.user_id, cmd.until, cmd.last_day, was_away)
