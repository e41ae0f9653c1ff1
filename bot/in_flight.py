"""How many Slack requests this process is answering right now.

A capture run inside its ack holds the process's GIL for milliseconds; with other
requests in hand it would make each of them wait, so then it is queued instead
(Deps.capture). Counted around the Bolt app's dispatch, which every transport calls
(a global middleware cannot: Bolt runs the listener after the middleware returned).
"""

import threading
from contextlib import nullcontext

from slack_bolt import App, BoltRequest, BoltResponse

from bot.outage import Budget


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
    ack, in other threads, without it)."""

    def __init__(self, in_flight: InFlight, budget: Budget = nullcontext, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self._in_flight = in_flight
        self._budget = budget

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        with self._in_flight, self._budget():
            return super().dispatch(req)
