"""How many Slack requests this process is answering right now.

A capture run inside its ack holds the process's GIL for milliseconds; with other
requests in hand it would make each of them wait, so then it is queued instead
(Deps.capture). Counted around the Bolt app's dispatch, which every transport calls
(a global middleware cannot: Bolt runs the listener after the middleware returned).
"""

import logging
import threading
import time
from contextlib import nullcontext

from slack_bolt import App, BoltRequest, BoltResponse

from bot.operations.metrics import observe_request
from bot.operations.outage import Budget
from bot.web.request_context import ContextExecutor, request_scope, surface_of

log = logging.getLogger(__name__)
LISTENER_THREADS = 5  # Bolt's own default


class InFlight:
    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def alone(self) -> bool:
        """True when the request asking is the only one in hand (or none is)."""
        return self._count <= 1

    def __enter__(self) -> None:
        with self._lock:
            self._count += 1

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            self._count -= 1


class CountingApp(App):
    """The Bolt app, counting the requests it is answering, each answered within `budget`
    (the database's share of Slack's 3 s: store/deadline.py; lazy listeners run after the
    ack, in other threads, without it). Each request gets a request id for its log lines
    (bot/web/request_context.py), which work after the ack keeps, and one line when answered."""

    def __init__(self, in_flight: InFlight, budget: Budget = nullcontext, **options: object) -> None:
        self.after_ack = ContextExecutor(max_workers=LISTENER_THREADS)
        options.setdefault("listener_executor", self.after_ack)
        super().__init__(**options)  # type: ignore[arg-type]
        self._in_flight = in_flight
        self._budget = budget

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        surface = surface_of(req.body)
        with request_scope(surface, req.context.team_id), self._in_flight:
            started = time.perf_counter()
            with self._budget():
                response = super().dispatch(req)
            took = time.perf_counter() - started
            observe_request(surface, response.status, took)
            log.info("%s answered %d in %.1f ms", surface, response.status, took * 1000)
            return response
