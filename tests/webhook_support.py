"""Signed webhook requests over a real socket, shared by the leads and events webhook tests."""

import hashlib
import hmac
import http.client
import json
import threading
import time

from bot.bootstrap import Runtime
from bot.web.server import LeadbotServer, Webhook, serve
from bot.web.signing import sign

SECRET = "test-webhook-secret"
LEADS, EVENTS = "/webhooks/leads", "/webhooks/events"


def start(runtime: Runtime, leads: Webhook | None = None, events: Webhook | None = None) -> LeadbotServer:
    """The runtime's server, or one serving the webhooks given (e.g. on another clock)."""
    running = serve(
        runtime.app,
        runtime.healthy,
        "127.0.0.1",
        0,
        leads_webhook=leads or runtime.webhook.handle,
        events_webhook=events or runtime.events_webhook.handle,
        ready=runtime.ready,
        metrics=runtime.metrics,
    )
    threading.Thread(target=running.serve_forever, daemon=True).start()
    return running


def signature(body: bytes, secret: str = SECRET) -> str:
    """The deprecated body-only signature (bot/web/signing.py LEGACY_ENDS)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed(body: bytes, secret: str = SECRET, at: float | None = None) -> dict[str, str]:
    """The headers a sender signs a request with now (or at Unix time `at`)."""
    stamp = int(time.time() if at is None else at)
    return {"X-Leadbot-Timestamp": str(stamp), "X-Leadbot-Signature": sign(secret.encode(), body, stamp)}


def post(server: LeadbotServer, body: bytes, headers: dict[str, str], path: str = LEADS) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
    answer = connection.getresponse()
    return answer.status, json.loads(answer.read())


def send(server: LeadbotServer, payload: dict | list | bytes, path: str = LEADS) -> tuple[int, dict]:
    """A JSON body signed as a sender with the secret signs it."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return post(server, body, signed(body), path)
