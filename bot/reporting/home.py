"""A person's Home tab, built from one read-only transaction and published with views.publish:
when they open it, after they click in it, and when the outbox's debounced refresh of it
falls due (domain/book/home.py)."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_sdk import WebClient

from bot.blocks.home import home_view
from bot.deps import Deps
from handlers.commands import ShowHome
from handlers.results import HomeTab

HomeBuilder = Callable[[str, str], dict[str, Any]]  # (workspace, person) -> the view


def home_tab(deps: Deps, team_id: str, user_id: str) -> dict[str, Any]:
    """The view, its times in the person's own zone (as Slack last told us)."""
    ctx = deps.context(team_id, user_id)
    result = deps.dispatch(ShowHome(tz=deps.timezone(ctx).key), ctx)
    assert isinstance(result, HomeTab)
    if result.oversight is not None:  # a manager's or an admin's: their teams' forecast too
        forecast, at = deps.forecasts.lookup(ctx)
        result = replace(result, forecast=forecast, forecast_at=at)
    return home_view(result)


def publish_home(deps: Deps, client: WebClient, team_id: str, user_id: str) -> None:
    client.views_publish(user_id=user_id, view=home_tab(deps, team_id, user_id))


def came_from_home(body: dict[str, Any]) -> bool:
    """A click made in the Home tab (its answer cannot go below a message: there is none)."""
    container, view = body.get("container") or {}, body.get("view") or {}
    return container.get("type") == "view" and view.get("type") == "home"
