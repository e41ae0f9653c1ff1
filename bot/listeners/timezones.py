"""Learning each person's time zone from Slack (users.info), always after the ack."""

import logging
import threading
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.deps import Deps
from bot.workspaces.tenancy import workspace_of
from handlers.operations.timezones import needs_refresh, note_failed_lookup, remember_timezone

log = logging.getLogger(__name__)


def refresh_timezone(deps: Deps, client: WebClient, team_id: str, user_id: str) -> None:
    """Ask Slack for the person's zone if we have none or it is a day old. If Slack does
    not answer, the last known zone (or the config's) stays in use: nothing is lost."""
    if not needs_refresh(deps.uow_factory(), team_id, user_id, deps.clock()):
        return
    try:
        answer = client.users_info(user=user_id)
        # Forgotten before the write and after it: whoever reads between the two (and
        # memoises the old zone) is forgotten too, and nobody after the write sees the old one.
        deps.zones.forget(team_id, user_id)
    except (SlackApiError, SlackClientError, OSError) as error:
        log.warning("users.info for %s failed, keeping the last known time zone: %s", user_id, error)
        note_failed_lookup(deps.uow_factory(), team_id, user_id, deps.clock())
    else:
        remember_timezone(deps.uow_factory(), team_id, user_id, answer["user"].get("tz"), deps.clock())
    deps.zones.forget(team_id, user_id)


class TimezoneLearner:
    """Hooked to /lead as a matcher plus a lazy listener, so only a command from someone
    whose zone is unknown or stale pays for the lazy thread. Commands typed in quick
    succession share one lookup: the person is marked in flight until it ends."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._lock = threading.Lock()
        self._in_flight: set[tuple[str, str]] = set()

    def is_stale(self, command: dict[str, Any], context: BoltContext) -> bool:
        """Whether Slack should be asked for this person's zone after this command's ack
        (and nobody is asking yet). Reads only: see claim_lookup."""
        who = _who(command, context)
        with self._lock:
            if who in self._in_flight:
                return False
        ctx = self.deps.context(*who)
        return self.deps.zones.lookup(ctx).ask_slack_after <= ctx.now

    def claim_lookup(self, command: dict[str, Any], context: BoltContext) -> bool:
        """is_stale, and if so mark the person in flight: the lazy on_command that
        follows clears the mark. False if another command claimed it first."""
        if not self.is_stale(command, context):
            return False
        who = _who(command, context)
        with self._lock:
            if who in self._in_flight:
                return False
            self._in_flight.add(who)
        return True

    def on_command(self, command: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        who = _who(command, context)
        try:
            refresh_timezone(self.deps, client, *who)
        finally:
            with self._lock:
                self._in_flight.discard(who)


def _who(command: dict[str, Any], context: BoltContext) -> tuple[str, str]:
    return (workspace_of(command, context), command["user_id"])
