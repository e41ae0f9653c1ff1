"""HTTP transport: Slack events on /slack/events, web-form leads on /webhooks/leads, engagement
events on /webhooks/events, health on /healthz (alive) and /readyz (bot/readiness.py), and
Prometheus' /metrics (bot/metrics_endpoint.py)."""
# https://docs.python.org/3/library/http.server.html#http.server.ThreadingHTTPServer

import gc
import json
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import App, BoltResponse

from bot.bolt_request import SlackRequest

MAX_BODY = 1 << 20  # Slack payloads are far smaller; anything bigger is refused unread
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
INVALID_REQUEST = b'{"error": "invalid request"}'  # Bolt's own answer to a bad signature
MALFORMED = b'{"error": "malformed body: send UTF-8 form fields or a JSON object, as Slack does"}'

# Raw body and headers in, status and JSON-able body out (bot.webhooks.WebhookEndpoint.handle).
Webhook = Callable[[bytes, Mapping[str, str]], tuple[int, dict[str, Any]]]
# Ready or not, and the body that says which parts are not (bot.bootstrap.Runtime.ready).
Ready = Callable[[], tuple[bool, dict[str, Any]]]
# A plain route: (query, headers, body) in, (status, headers, body) out (bot.metrics_endpoint).
Route = Callable[[str, Mapping[str, str], bytes], tuple[int, dict[str, str], bytes]]


class LeadbotServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        app: App,
        healthy: Callable[[], bool],
        leads_webhook: Webhook | None = None,
        events_webhook: Webhook | None = None,
        ready: Ready | None = None,
        metrics: Route | None = None,
    ) -> None:
        super().__init__(address, _Handler)
        self.metrics = metrics
        self.app = app
        self.healthy = healthy
        self.leads_webhook = leads_webhook
        self.events_webhook = events_webhook
        self.ready = ready


class _Handler(BaseHTTPRequestHandler):
    server: LeadbotServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes; with Nagle on, the body waits ~40 ms
    # for the client's delayed ACK (measured: no-op p50 43.8 ms -> 0.7 ms).
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = url.path
        if path == "/metrics" and self.server.metrics is not None:
            status, headers, body = self.server.metrics(url.query, dict(self.headers.items()), b"")
            self._answer(status, body, headers)
        elif path == "/healthz":
            ok = self.server.healthy()
            self._answer(200 if ok else 503, b'{"ok": true}' if ok else b'{"ok": false}')
        elif path == "/readyz" and self.server.ready is not None:
            ready, body = self.server.ready()
            self._answer(200 if ready else 503, json.dumps(body).encode("utf-8"))
        else:
            self._answer(404, b'{"error": "not found"}')

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        length = self._content_length()
        if length is None:
            self._answer(400, b'{"error": "bad Content-Length"}', close=True)
            return
        if length > MAX_BODY:
            self._answer(413, b'{"error": "body too large"}', close=True)
            return
        body = self.rfile.read(length)
        if url.path == "/slack/events":
            self._bolt(body, url.query)
        elif url.path == "/webhooks/leads" and self.server.leads_webhook is not None:
            self._webhook(self.server.leads_webhook, body)
        elif url.path == "/webhooks/events" and self.server.events_webhook is not None:
            self._webhook(self.server.events_webhook, body)
        else:
            self._answer(404, b'{"error": "not found"}')

    def _content_length(self) -> int | None:
        # A negative length would make rfile.read() read until the client hangs up.
        text = (self.headers.get("Content-Length") or "0").strip()
        return int(text) if text.isascii() and text.isdigit() else None

    def _bolt(self, body: bytes, query: str) -> None:
        headers = {key.lower(): [value] for key, value in self.headers.items()}
        if not _timestamp_ok(self.headers.get(TIMESTAMP_HEADER)):
            # Bolt's verifier would raise on int("abc"), and its error handler answer 200.
            self._answer(401, INVALID_REQUEST)
            return
        request = _slack_request(body, query, headers)
        if request is None:
            self._answer(400, MALFORMED)
            return
        response: BoltResponse = self.server.app.dispatch(request)
        extra = {k: v[0] for k, v in response.headers.items() if k.lower() != "content-length"}
        self._answer(response.status, (response.body or "").encode("utf-8"), extra)

    def _webhook(self, webhook: Webhook, body: bytes) -> None:
        status, answer = webhook(body, dict(self.headers.items()))
        self._answer(status, json.dumps(answer).encode("utf-8"))

    def _answer(
        self, status: int, body: bytes, headers: dict[str, Any] | None = None, close: bool = False
    ) -> None:
        self.send_response(status)
        headers = {"content-type": "application/json", **(headers or {})}
        for key, value in headers.items():
            self.send_header(key, str(value))
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        # Access lines would log every request at INFO; Bolt logs what matters.
        pass


def _timestamp_ok(value: str | None) -> bool:
    """Slack's timestamp header is whole seconds in ASCII digits (int() would also take
    "١٧٠٠", " 17" or "-5")."""
    return value is not None and value.isascii() and value.isdigit()


def _slack_request(body: bytes, query: str, headers: dict[str, list[str]]) -> SlackRequest | None:
    """The body as Bolt reads it, or None when it cannot be read: not UTF-8, not JSON where JSON
    is due (in a `payload` field too), nested past the parser's recursion limit, or JSON that
    is not an object. Bolt parses while building the request, before it checks the signature,
    and such a body would raise there and leave the client with no answer at all."""
    try:
        request = SlackRequest(body=body.decode("utf-8"), query=query, headers=headers)
    except (ValueError, RecursionError, AttributeError, TypeError):  # Unicode/JSON errors are ValueErrors
        return None
    return request if isinstance(request.body, dict) else None


def serve(
    app: App,
    healthy: Callable[[], bool],
    host: str,
    port: int,
    leads_webhook: Webhook | None = None,
    events_webhook: Webhook | None = None,
    ready: Ready | None = None,
    metrics: Route | None = None,
) -> LeadbotServer:
    return LeadbotServer((host, port), app, healthy, leads_webhook, events_webhook, ready, metrics)


def keep_startup_objects() -> None:
    """Call once the server is built, before it serves. What exists then (modules, the app,
    the config, the mappings) lives as long as the process; per-request garbage keeps
    triggering full collections that would walk all of it every time (about a sixth of
    an ack's CPU). Collect once, then set it aside (gc.freeze)."""
    gc.collect()
    gc.freeze()
