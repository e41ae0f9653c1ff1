"""Requests this Leadbot does not serve, turned away before any listener sees them.

A signed request proves only that it came from Slack for this app, not for which installation:
with one bot token and one config (single-token mode), a request from any other workspace would
be recorded, scheduled and answered with this workspace's token. And a person of another
organisation in one of our Slack Connect channels is no member of ours: our leads are not theirs
to see or change, and nothing may be stored under their organisation.
"""

import logging
from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.blocks.text import SlackMessage
from bot.listeners.errors import json_response, tell
from bot.workspaces.tenancy import Home, person_team, workspace_of

log = logging.getLogger(__name__)


class ServedInstallationOnly(Middleware):
    """Global middleware, registered first: an event from elsewhere is acknowledged (so Slack
    stops re-sending it) and dropped; a command or click is answered with why nothing happened."""

    def __init__(self, home: Home) -> None:
        self.home = home

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse | None],  # noqa: A002
    ) -> BoltResponse | None:
        body = req.body
        workspace = workspace_of(body, req.context)
        person = None if body.get("type") == "event_callback" else person_team(body)
        if self.home.serves(workspace, req.context.enterprise_id) and person in (None, workspace):
            return next()
        log.info(
            "refused a %s from workspace %s (person's team %s): this Leadbot serves %s",
            body.get("type") or "slash command",
            workspace or "?",
            person or "?",
            self.home.team_id,
        )
        return self.refuse(req)

    def refuse(self, req: BoltRequest) -> BoltResponse:
        whose = "this workspace" if self.home.every_installation else f"the *{self.home.label}* workspace"
        message = SlackMessage(
            text=f"🔒 This Leadbot keeps the leads of {whose}, and they are "
            "visible to its own members only. Nothing was looked up or changed."
        )
        if "command" in req.body:  # a command's HTTP answer is shown to the person
            return json_response({"response_type": "ephemeral", "text": message.text})
        if req.context.response_url is not None:  # a click's answer goes below its message
            tell(req.context.respond, message)
        return BoltResponse(status=200, body="")


def register(app: App, home: Home) -> None:
    app.middleware(ServedInstallationOnly(home))
