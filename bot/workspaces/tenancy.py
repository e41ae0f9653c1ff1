"""Which workspace a Slack request is for, and which installation this Leadbot serves."""

# Slack names several teams in one request: the installation's (authorizations, a view's
# app_installed_team_id) and the acting person's (a command's team_id, user.team_id, an event's
# user_team), which differ for someone of another organisation in a Slack Connect channel; an
# org-wide install names no workspace in its authorizations at all. Bolt resolves the first into
# context.team_id (slack_bolt/request/internals.py, extract_team_id).

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext


@dataclass(frozen=True, slots=True)
class Home:
    """The installation the bot token belongs to, as auth.test reports it: one workspace, or a
    whole Enterprise Grid organisation (an org-wide install). Single-token mode serves it alone."""

    team_id: str
    name: str = ""
    enterprise_id: str | None = None
    org_wide: bool = False
    # Multi-workspace install (bot/workspaces/oauth.py): every installation Bolt finds a token for is
    # served, each with its own; Bolt refuses a request from anywhere else before we see it.
    every_installation: bool = False

    @classmethod
    def installed(cls) -> "Home":
        return cls(team_id="", every_installation=True)

    @classmethod
    def of(cls, auth_test: Mapping[str, Any]) -> "Home":
        return cls(
            team_id=str(auth_test.get("team_id") or ""),
            name=str(auth_test.get("team") or ""),
            enterprise_id=auth_test.get("enterprise_id") or None,
            org_wide=bool(auth_test.get("is_enterprise_install")),
        )

    @property
    def label(self) -> str:
        return self.name or self.team_id

    def serves(self, workspace: str, enterprise_id: str | None) -> bool:
        """An org-wide install serves every workspace of its organisation; any other one
        workspace only."""
        if self.every_installation:
            return bool(workspace)
        if self.org_wide:
            return enterprise_id is not None and enterprise_id == self.enterprise_id
        return workspace == self.team_id


def workspace_of(body: Mapping[str, Any], context: BoltContext) -> str:
    """The workspace whose leads a request reads and writes: the installation's, as Bolt
    resolves it, never the raw team_id, which in a Slack Connect channel names the other
    organisation. An org-wide install's authorizations name none; the workspace is then the
    one the request came from (the event's team_id, the clicker's or the view's team)."""
    return context.team_id or _named_team(body) or ""


def person_team(body: Mapping[str, Any]) -> str | None:
    """The workspace of the person acting, where Slack says it: theirs, not ours, for someone
    of another organisation in a Slack Connect channel. None for events (a bot's own, a
    workspace's) that name no person's team."""
    user = body.get("user")
    if isinstance(user, Mapping):
        return user.get("team_id")
    if "command" in body:
        return body.get("team_id")
    event = body.get("event")
    return event.get("user_team") if isinstance(event, Mapping) else None


def _named_team(body: Mapping[str, Any]) -> str | None:
    user, view = body.get("user"), body.get("view")
    candidates = (
        body.get("team_id"),
        user.get("team_id") if isinstance(user, Mapping) else None,
        view.get("team_id") if isinstance(view, Mapping) else None,
    )
    return next((team for team in candidates if isinstance(team, str) and team), None)
