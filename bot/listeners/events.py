"""Events API: the App Home tab, and retries dropped by event_id."""

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient

from bot.deps import Deps
from bot.listeners.timezones import refresh_timezone
from bot.reporting.home import publish_home
from bot.workspaces.tenancy import workspace_of
from handlers.book.home_refresh import home_opened
from handlers.operations.events import first_delivery, reply_to_mention


class DropRepeatedEvents(Middleware):
    """Global middleware, so it runs on every request: an object rather than a function,
    because Bolt builds every injectable argument for each call of a function middleware."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse | None],  # noqa: A002
    ) -> BoltResponse | None:
        body, deps = req.body, self.deps
        event_id = body.get("event_id")
        if body.get("type") != "event_callback" or not event_id:
            return next()
        if first_delivery(deps.uow_factory(), workspace_of(body, req.context), event_id, deps.clock()):
            return next()
        return BoltResponse(status=200, body="")  # seen before: answer so Slack stops retrying


class HomeTab:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @staticmethod
    def ack_event(ack: Ack) -> None:
        ack()

    def on_app_home_opened(
        self, body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        """After the ack (lazy): publishing the view is a call to Slack. The Messages tab
        sends the same event with `tab: "messages"`: nothing to publish there. Built fresh
        on every opening, so the tab never shows what a missed refresh left behind."""
        if event.get("tab", "home") != "home":
            return
        team = workspace_of(body, context)
        home_opened(self.deps.uow_factory, team, event["user"], self.deps.clock())
        publish_home(self.deps, client, team, event["user"])
        refresh_timezone(self.deps, client, team, event["user"])


class Mentions:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_app_mention(
        self, ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext
    ) -> None:
        """Recorded under the installation's workspace: in a Slack Connect channel the body's
        team_id is the mentioner's organisation, not one this Leadbot keeps anything for."""
        ack()
        team = workspace_of(body, context)
        reply_to_mention(self.deps.uow_factory(), team, event, body["event_id"], self.deps.clock())
        self.deps.kick_outbox()


def register(app: App, deps: Deps) -> None:
    app.middleware(DropRepeatedEvents(deps))
    home = HomeTab(deps)
    app.event("app_home_opened")(ack=home.ack_event, lazy=[home.on_app_home_opened])
    app.event("app_mention")(Mentions(deps).on_app_mention)
