"""Which request a log line belongs to: an id per Slack request or webhook, its workspace and
its surface, held in context variables set where requests enter (bot/capture/in_flight.CountingApp,
bot/web/webhooks.SignedWebhook) and read by the JSON log format (bot/operations/logs.py)."""

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from typing import Any, ParamSpec, TypeVar

from slack_bolt.request.payload_utils import (
    is_action,
    is_event,
    is_options,
    is_shortcut,
    is_slash_command,
    is_view,
)

REQUEST_ID: ContextVar[str | None] = ContextVar("leadbot_request_id", default=None)
WORKSPACE: ContextVar[str | None] = ContextVar("leadbot_workspace", default=None)
SURFACE: ContextVar[str | None] = ContextVar("leadbot_surface", default=None)

P = ParamSpec("P")
T = TypeVar("T")


@contextmanager
def request_scope(surface: str, workspace: str | None) -> Iterator[str]:
    """A fresh request id for what runs inside, with its surface and workspace."""
    request_id = uuid.uuid4().hex[:16]
    tokens = (REQUEST_ID.set(request_id), WORKSPACE.set(workspace), SURFACE.set(surface))
    try:
        yield request_id
    finally:
        for var, token in zip((REQUEST_ID, WORKSPACE, SURFACE), tokens, strict=True):
            var.reset(token)


def found_workspace(workspace: str) -> None:
    """The request in hand turned out to be this workspace's (a webhook: once its signature
    says): its lines from here on say so; the request's scope ends it with the rest."""
    WORKSPACE.set(workspace)


def current() -> dict[str, str | None]:
    return {"request_id": REQUEST_ID.get(), "workspace": WORKSPACE.get(), "surface": SURFACE.get()}


def surface_of(body: dict[str, Any]) -> str:
    """command, action, view or event (as the metrics and logs name Bolt's surfaces)."""
    if is_slash_command(body):
        return "command"
    if is_view(body):
        return "view"
    if is_event(body):
        return "event"
    if is_action(body) or is_shortcut(body) or is_options(body):
        return "action"
    return "other"


class ContextExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, running each task in a copy of the submitter's context: work
    after an ack (lazy listeners) logs with the id of the request that started it. It knows
    when no such work is left (`wait_idle`): the console shows the answer a lazy listener
    posts before it asks for the next line, and does not quit under it."""

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers=max_workers)
        self._unfinished = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        context = copy_context()
        with self._idle:
            self._unfinished += 1
        future = super().submit(context.run, fn, *args, **kwargs)  # type: ignore[arg-type]
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _: Future[Any]) -> None:
        with self._idle:
            self._unfinished -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """True once every task submitted has finished; False if some still run after `timeout` s."""
        with self._idle:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout)
