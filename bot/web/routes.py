"""What `leadbot serve` answers: the route table {(method, path): endpoint}, and the endpoints.

An endpoint is a plain function (query string, headers, raw body) -> (status, headers, body
bytes): no server, no WSGI, no sockets, so it is tested and moved alone. Adding a route is
one line in `leadbot_routes`."""

import json
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import App, BoltResponse

from bot.web.bolt_request import SlackRequest

Headers = Mapping[str, str]
Reply = tuple[int, dict[str, str], bytes]
Endpoint = Callable[[str, Headers, bytes], Reply]
Routes = dict[tuple[str, str], Endpoint]

# Raw body and headers in, status and JSON-able body out (bot.web.webhooks.WebhookEndpoint.handle).
Webhook = Callable[[bytes, Mapping[str, str]], tuple[int, dict[str, Any]]]
# Ready or not, and the body that says which parts are not (bot.bootstrap.Runtime.ready).
Ready = Callable[[], tuple[bool, dict[str, Any]]]

TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
JSON = {"content-type": "application/json"}
INVALID_REQUEST = b'{"error": "invalid request"}'  # Bolt's own answer to a bad signature
MALFORMED = b'{"error": "malformed body: send UTF-8 form fields or a JSON object, as Slack does"}'
NOT_FOUND: Reply = (404, JSON, b'{"error": "not found"}')


def leadbot_routes(
    app: App,
    healthy: Callable[[], bool],
    leads_webhook: Webhook | None = None,
    events_webhook: Webhook | None = None,
    ready: Ready | None = None,
    metrics: Endpoint | None = None,
) -> Routes:
    """Every route `leadbot serve` answers; a webhook, readiness or metrics not given is a 404."""
    table: Routes = {
        ("POST", "/slack/events"): slack_events(app),
        ("GET", "/healthz"): health(healthy),
    }
    if leads_webhook is not None:
        table[("POST", "/webhooks/leads")] = signed_webhook(leads_webhook)
    if events_webhook is not None:
        table[("POST", "/webhooks/events")] = signed_webhook(events_webhook)
    if ready is not None:
        table[("GET", "/readyz")] = readiness(ready)
    if metrics is not None:
        table[("GET", "/metrics")] = metrics  # Prometheus' text format (bot/web/metrics_endpoint.py)
    return table


def json_reply(status: int, body: Any) -> Reply:
    return status, dict(JSON), json.dumps(body).encode("utf-8")


def health(healthy: Callable[[], bool]) -> Endpoint:
    def endpoint(_query: str, _headers: Headers, _body: bytes) -> Reply:
        ok = healthy()
        return json_reply(200 if ok else 503, {"ok": ok})

    return endpoint


def readiness(ready: Ready) -> Endpoint:
    def endpoint(_query: str, _headers: Headers, _body: bytes) -> Reply:
        is_ready, body = ready()
        return json_reply(200 if is_ready else 503, body)

    return endpoint


def signed_webhook(webhook: Webhook) -> Endpoint:
    def endpoint(_query: str, headers: Headers, body: bytes) -> Reply:
        return json_reply(*webhook(body, headers))

    return endpoint


def slack_events(app: App) -> Endpoint:
    """Slash commands, interactivity and the Events API on one URL, as Bolt takes them."""

    def endpoint(query: str, headers: Headers, body: bytes) -> Reply:
        if not _timestamp_ok(_header(headers, TIMESTAMP_HEADER)):
            # Bolt's verifier would raise on int("abc"), and its error handler answer 200.
            return 401, dict(JSON), INVALID_REQUEST
        request = _slack_request(body, query, {key.lower(): [value] for key, value in headers.items()})
        if request is None:
            return 400, dict(JSON), MALFORMED
        response: BoltResponse = app.dispatch(request)
        extra = {k: v[0] for k, v in response.headers.items() if k.lower() != "content-length"}
        return response.status, {**JSON, **extra}, (response.body or "").encode("utf-8")

    return endpoint


def _header(headers: Headers, name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


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
