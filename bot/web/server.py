"""`leadbot serve`'s HTTP server: the WSGI app (bot/web/wsgi.py, routes in bot/web/routes.py) under
waitress, with bounded threads and connections, idle and request timeouts, a body limit,
and a graceful stop.

Why waitress, not gunicorn or uvicorn:
- One process. `leadbot serve` already runs its own background process (queued captures
  and the scheduler, bot/capture/worker.py) and holds per-process state (the capture slot,
  the in-flight count). gunicorn's pre-fork workers would each build all of that again, or
  fork a process that runs threads; a second replica is a second `leadbot serve`.
- Bolt's App is synchronous. Under uvicorn every request would hop to a thread pool or
  block the event loop; the listeners would have to become AsyncApp ones to gain anything.
- Its I/O loop holds idle connections without threads (1,000 idle connections cost file
  descriptors, not 1,000 threads as http.server's did), and it bounds them
  (connection_limit), closes idle ones (channel_timeout) and refuses a body over the limit
  from its Content-Length before reading it.
- Pure Python: the same server on Linux, macOS and Windows (gunicorn does not run on
  Windows); on a 2-core machine a few threads suffice, since the GIL and the database bound
  a process before threads do.
waitress has no graceful stop of its own: `shutdown` here stops accepting, lets requests in
hand finish (up to a grace period), then closes.
"""
# https://docs.pylonsproject.org/projects/waitress/en/stable/arguments.html

import contextlib
import gc
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

from bot.web.routes import Endpoint, Ready, Routes, Webhook, leadbot_routes
from bot.web.wsgi import MAX_BODY, LeadbotWsgi

__all__ = ["MAX_BODY", "Limits", "LeadbotServer", "Ready", "Webhook", "keep_startup_objects", "serve"]

log = logging.getLogger(__name__)
LOOP_SECONDS = 0.5  # how long the I/O loop sleeps with nothing to do; a stop wakes it at once


@dataclass(frozen=True, slots=True)
class Limits:
    """What one `leadbot serve` process takes on (flags and LEADBOT_HTTP_* settings)."""

    threads: int = 8  # requests handled at once; more wait in the queue
    connections: int = 200  # open connections; past it new ones wait in the listen backlog
    idle_timeout: int = 30  # seconds a connection may sit with no request before it is closed
    request_timeout: int = 10  # seconds a request may take to arrive whole (slow senders)
    grace: float = 20.0  # seconds a stop waits for requests in hand to finish
    max_body: int = MAX_BODY


class _Channel(HTTPChannel):
    """A connection that remembers when the request it is reading began (request_timeout)."""

    request_began = 0.0

    def received(self, data: bytes) -> bool:
        reading = self.request is not None
        result: bool = super().received(data)
        if self.request is not None and not reading:
            self.request_began = time.time()
        return result


class LeadbotServer(TcpWSGIServer):  # type: ignore[misc]
    channel_class = _Channel

    def __init__(self, app: LeadbotWsgi, host: str, port: int, limits: Limits) -> None:
        super().__init__(
            app,
            host=host,
            port=port,
            threads=limits.threads,
            connection_limit=limits.connections,
            channel_timeout=limits.idle_timeout,
            cleanup_interval=1,
            max_request_body_size=limits.max_body + 1,  # waitress refuses a body this size or more
            asyncore_use_poll=True,  # select() stops at 1,024 descriptors
            ident="leadbot",
            clear_untrusted_proxy_headers=False,
            # socket_options left at waitress's default, TCP_NODELAY: with Nagle on, a response
            # written in two parts waits ~40 ms for the client's delayed ACK (docs/benchmarks.md)
        )
        self.limits = limits
        self.routes = app.routes
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()  # until it serves
        self._drain_until = 0.0

    @property
    def server_port(self) -> int:
        return int(self.effective_port)

    def serve_forever(self) -> None:
        """Serve until `shutdown`; then drain, and return once every connection is closed."""
        self._stopped.clear()
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=LOOP_SECONDS, map=self._map, use_poll=True, count=1)
            self._drain()
        finally:
            self._stopped.set()

    def stop(self, grace: float | None = None) -> None:
        """Ask `serve_forever` to stop accepting, let the requests in hand finish (up to `grace`
        seconds), close every connection and return. Returns at once: safe in a signal handler
        (the loop sees it within LOOP_SECONDS; no lock is taken here)."""
        self._drain_until = time.monotonic() + (self.limits.grace if grace is None else grace)
        self._stopping.set()

    def shutdown(self, grace: float | None = None) -> None:
        """`stop`, and wait until `serve_forever` has returned (from another thread)."""
        self.stop(grace)
        if not self._stopped.is_set():  # serving: wake the loop
            with contextlib.suppress(OSError):  # it closed the trigger as it finished
                self.pull_trigger()
        self._stopped.wait()

    def server_close(self) -> None:
        wasyncore.close_all(self._map)
        self.task_dispatcher.shutdown(cancel_pending=True, timeout=1)

    def in_hand(self) -> int:
        """Connections with a request being read, handled or answered."""
        return sum(1 for channel in self.active_channels.values() if not _idle(channel))

    def maintenance(self, now: float) -> None:
        """waitress closes connections idle past channel_timeout; also close those whose request
        has been arriving for longer than request_timeout (a sender trickling bytes)."""
        super().maintenance(now)
        cutoff = now - self.limits.request_timeout
        for channel in self.active_channels.values():
            if channel.request is not None and not channel.requests and channel.request_began < cutoff:
                channel.will_close = True

    def _drain(self) -> None:
        if self.accepting:
            self.accepting = False
            self.del_channel()  # the listening socket: new connections are refused from now
            self.socket.close()
        while self.active_channels and time.monotonic() < self._drain_until:
            for channel in list(self.active_channels.values()):
                if _idle(channel):
                    channel.will_close = True
            wasyncore.loop(timeout=0.05, map=self._map, use_poll=True, count=1)
        if self.active_channels:
            log.warning("stopped with %d requests unfinished after the grace period", self.in_hand())
        self.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
        wasyncore.close_all(self._map)


def _idle(channel: Any) -> bool:
    return not (channel.requests or channel.request is not None or channel.total_outbufs_len)


def serve(
    app: App,
    healthy: Callable[[], bool],
    host: str,
    port: int,
    leads_webhook: Webhook | None = None,
    events_webhook: Webhook | None = None,
    ready: Ready | None = None,
    metrics: Endpoint | None = None,
    limits: Limits | None = None,
    routes: Routes | None = None,
) -> LeadbotServer:
    """The server, bound and listening; `serve_forever` answers. `routes` adds to (or
    replaces) the standard table."""
    limits = limits or Limits()
    table = {**leadbot_routes(app, healthy, leads_webhook, events_webhook, ready, metrics), **(routes or {})}
    return LeadbotServer(LeadbotWsgi(table, limits.max_body), host, port, limits)


def keep_startup_objects() -> None:
    """Call once the server is built, before it serves. What exists then (modules, the app,
    the config, the mappings) lives as long as the process; per-request garbage keeps
    triggering full collections that would walk all of it every time (about a sixth of
    an ack's CPU). Collect once, then set it aside (gc.freeze)."""
    gc.collect()
    gc.freeze()
