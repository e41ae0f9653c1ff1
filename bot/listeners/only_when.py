"""Choosing among the /lead listeners cheaply.

Bolt calls a listener's `matchers=` functions through its argument injection, which
builds every injectable value (say, respond, client, payload views...) on each call:
about 0.2 ms per matcher per request, paid by every /lead command for every matcher
ahead of its listener. A listener middleware object is handed the request as it is,
and one that does not call `next` tells Bolt the listener is not for this request
(https://docs.slack.dev/tools/bolt-python/concepts/listener-middleware).
"""

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

Predicate = Callable[[dict[str, Any], BoltContext], bool]


class OnlyWhen(Middleware):
    def __init__(self, applies: Predicate) -> None:
        self._applies = applies

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse | None],  # noqa: A002
    ) -> BoltResponse | None:
        if self._applies(req.body, req.context):
            return next()
        return None  # Bolt moves on to the next listener


def on_text(applies: Callable[[str], bool]) -> OnlyWhen:
    """A /lead listener for the commands whose text `applies` to."""
    return OnlyWhen(lambda body, _context: applies(body.get("text", "")))
