"""Signed webhook requests over a real socket, shared by the leads and events webhook tests."""

import hashlib
import hmac
import http.client
import json
import threading

from bot.bootstrap import Runtime
from bot.http_server import LeadbotServer, serve

SECRET = "test-webhook-secret"
LEADS, EVENTS = "/webhooks/leads", "/webhooks/events"


def start(runtime: Runtime) -> LeadbotServer:
    running = serve(
        runtime.app,
        runtime.healthy,
        "127.0.0.1",
        0,
        leads_webhook=runtime.webhook.handle,
        events_webhook=runtime.events_webhook.handle,
    )
    threading.Thread(target=running.serve_forever, daemon=True).start()
    return running


def signature(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(server: LeadbotServer, body: bytes, headers: dict[str, str], path: str = LEADS) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
    answer = connection.getresponse()
    return answer.status, json.loads(answer.read())


def send(server: LeadbotServer, payload: dict | list | bytes, path: str = LEADS) -> tuple[int, dict]:
    """A JSON body signed as a sender with the secret signs it."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return post(server, body, {"X-Leadbot-Signature": signature(body)}, path)
