"""How many Slack requests this process is answering right now.

A capture run inside its ack holds the process's GIL for milliseconds; with other
requests in hand it would make each of them wait, so then it is queued instead
(Deps.capture). Counted around the Bolt app's dispatch, which every transport calls
(a global middleware cannot: Bolt runs the listener after the middleware returned).
"""

import threading

from slack_bolt import App, BoltRequest, BoltResponse


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
    """The Bolt app, counting the requests it is answering."""

    def __init__(self, in_flight: InFlight, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self._in_flight = in_flight

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        with self._in_flight:
            return super().dispatch(req)
