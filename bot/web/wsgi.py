"""The WSGI application of `leadbot serve`: a route table (bot/web/routes.py) behind PEP 3333."""
# https://peps.python.org/pep-3333/

import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from bot.web.routes import JSON, NOT_FOUND, Headers, Reply, Routes

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20  # Slack payloads are far smaller; anything bigger is refused unread
TOO_LARGE: Reply = (413, JSON, b'{"error": "body too large"}')
BAD_LENGTH: Reply = (400, JSON, b'{"error": "bad Content-Length"}')
FAILED: Reply = (500, JSON, b'{"error": "internal error: retry later"}')

StartResponse = Callable[..., Any]


class LeadbotWsgi:
    """Finds the endpoint for (method, path), hands it the query, headers and raw body, and
    answers what it returns. The server refuses a body over `max_body` before it is read;
    this checks again, so the limit holds under any WSGI server."""

    def __init__(self, routes: Routes, max_body: int = MAX_BODY) -> None:
        self.routes = routes
        self.max_body = max_body

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = self._reply(environ)
        start_response(
            _status_line(status),
            [*headers.items(), ("Content-Length", str(len(body)))],
        )
        return [body]

    def _reply(self, environ: dict[str, Any]) -> Reply:
        endpoint = self.routes.get((environ["REQUEST_METHOD"], environ.get("PATH_INFO") or "/"))
        if endpoint is None:
            return NOT_FOUND
        length = _content_length(environ)
        if length is None:
            return BAD_LENGTH
        if length > self.max_body:
            return TOO_LARGE
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            return endpoint(environ.get("QUERY_STRING", ""), headers_of(environ), body)
        except Exception:  # the client gets no stack trace; we read the log
            log.exception("%s %s failed", environ["REQUEST_METHOD"], environ.get("PATH_INFO"))
            return FAILED


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:  # a code Python has no name for still goes out
        return f"{status} Unknown"


def _content_length(environ: dict[str, Any]) -> int | None:
    # A negative length would read until the client hangs up.
    text = str(environ.get("CONTENT_LENGTH") or "0").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def headers_of(environ: dict[str, Any]) -> Headers:
    """The request's headers under their HTTP names (X-Slack-Signature), as senders wrote them
    give or take case, which every reader here ignores."""
    headers = {
        key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")
    }
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = environ[key]
    return headers
