"""FakeSlack: a local Slack Web API stand-in that records every call, for tests and the console."""

# Shaped after bolt-python's tests/mock_web_api_server: a real HTTP server, so the real
# WebClient, WebhookClient (respond) and files_upload_v2 run unmodified against it.

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit
from zoneinfo import ZoneInfo

from bot.local.standin.blockkit import Refusal, judge_message, judge_view
from bot.local.standin.limits import SlackLimits
from bot.local.standin.oauth import SlackOAuth, auth_test
from bot.local.standin.uploads import Uploads

log = logging.getLogger(__name__)

Params = dict[str, Any]
Answer = tuple[int, dict[str, str], bytes]  # status, headers, body

JSON_STRING_KEYS = ("blocks", "attachments", "view", "metadata")
MESSAGE_KEYS = ("text", "blocks", "attachments", "thread_ts", "metadata")
MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage", "response_url"}
)
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})
FIRST_TS_MICROS = 1_700_000_000_000_000
HOLD_SECONDS = 30.0  # a held request is answered anyway after this, so no test can hang on it


@dataclass(frozen=True)
class ApiCall:
    """One request the app made to Slack, in arrival order; `failed` if a fault answered it."""

    method: str
    params: Params
    at: float
    failed: bool = False
    refused: str = ""  # Slack's error code when it would not show what was sent
    retry_after: int = 0  # seconds a 429 of the rate limits told the caller to wait


@dataclass(frozen=True)
class Refused:
    """What the app sent and Slack would have refused: the call, and why."""

    method: str
    refusal: Refusal
    params: Params


@dataclass(frozen=True)
class _Fault:
    status: int
    retry_after: int
    error: str


class FakeSlack:
    """A Slack Web API on 127.0.0.1 that answers like Slack and records what it was asked."""

    _started: weakref.WeakSet[FakeSlack] = weakref.WeakSet()  # for take_every_refusal

    def __init__(
        self,
        team_id: str = "T0CONSOLE",
        team_name: str = "Console",
        bot_user_id: str = "U0LEADBOT",
        users: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.team_id, self.team_name, self.bot_user_id = team_id, team_name, bot_user_id
        self.bot_id = "B" + bot_user_id[1:]
        self.domain = team_name.lower().replace(" ", "-") + ".slack.test"  # .test never resolves
        self.users = dict(users or {})
        # The token's installation as auth.test reports it: a workspace of an Enterprise Grid
        # organisation has an enterprise_id; an org-wide install also says is_enterprise_install.
        self.enterprise_id: str | None = None
        self.org_wide = False
        self.limits = SlackLimits()  # Slack's rate limits (on) and latency (none): see limits.py
        self.on_call: Callable[[ApiCall], None] | None = None
        self.on_refusal: Callable[[Refused], None] | None = None  # the console prints them
        self._lock = threading.Lock()
        self._recorded = threading.Condition(self._lock)
        self._calls: list[ApiCall] = []
        self._held: dict[str, threading.Event] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._down = False
        self.uploads = Uploads()  # files_upload_v2's three steps, and the files completed
        self._files: dict[str, tuple[Params, bytes]] = {}  # shared by people: id -> (file, bytes)
        self._refused: list[Refused] = []  # kept across reset(): see take_refusals
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        # Slack's OAuth v2 side, once enable_oauth() is called: then every call needs a token
        # it handed out, and each token acts in its own workspace.
        self.oauth: SlackOAuth | None = None

    def enable_oauth(self, client_id: str, client_secret: str, **options: Any) -> SlackOAuth:
        self.oauth = SlackOAuth(client_id, client_secret, **options)
        return self.oauth

    def start(self) -> FakeSlack:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        # Daemon thread: a test that forgets stop() cannot hang the interpreter at exit.
        # The poll interval only bounds how long stop() waits, which every test pays.
        worker = threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True)
        worker.start()
        FakeSlack._started.add(self)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()  # waits for serve_forever to return
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.origin}/api/"  # WebClient appends the method name: the slash matters

    @property
    def calls(self) -> list[ApiCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._faults.clear()
            self.limits.reset()
            self.uploads.clear()
            held, self._held = list(self._held.values()), {}
        for gate in held:
            gate.set()

    @classmethod
    def take_every_refusal(cls) -> list[Refused]:
        """What every stand-in started in this process refused since the last take."""
        return [refused for fake in list(cls._started) for refused in fake.take_refusals()]

    def take_refusals(self) -> list[Refused]:
        """What Slack refused since the last take (tests fail on any they did not ask for)."""
        with self._lock:
            taken, self._refused = self._refused, []
        return taken

    def judge(self, method: str, params: Params) -> Refusal | None:
        """Slack's verdict on a message or view the app sends (None: Slack shows it), kept
        among the refusals; also used for what the app answers in an ack."""
        if method in MESSAGE_METHODS or method == "ack":
            refusal = judge_message(params)
        elif method in VIEW_METHODS or method == "ack.view":
            refusal = judge_view(params.get("view"))
        else:
            return None
        if refusal is not None:
            self._refuse(Refused(method, refusal, params))
        return refusal

    def _refuse(self, refused: Refused) -> None:
        with self._lock:
            self._refused.append(refused)
        errors = "; ".join(refused.refusal.errors)
        log.warning("Slack would refuse %s: %s %s", refused.method, refused.refusal.error, errors)
        if self.on_refusal is not None:
            self.on_refusal(refused)

    def fail_next(
        self,
        method: str,
        status: int = 429,
        times: int = 1,
        retry_after: int = 1,
        error: str = "ratelimited",
    ) -> None:
        """Answer the next `times` calls to `method` (or "response_url") with a failure."""
        with self._lock:
            queue = self._faults.setdefault(method, deque())
            queue.extend([_Fault(status, retry_after, error)] * times)

    def hold(self, method: str) -> None:
        """Keep calls to `method` waiting for an answer until release() (at most HOLD_SECONDS),
        so a test can stop the caller mid-call; held calls are recorded on arrival."""
        with self._lock:
            self._held.setdefault(method, threading.Event())

    def release(self, method: str) -> None:
        with self._lock:
            gate = self._held.pop(method, None)
        if gate is not None:
            gate.set()

    def wait_for_call(self, method: str, timeout: float, count: int = 1) -> bool:
        """Wait until `count` calls to `method` have arrived; False if the timeout came first."""
        with self._recorded:
            return self._recorded.wait_for(
                lambda: sum(call.method == method for call in self._calls) >= count, timeout
            )

    def down(self) -> None:
        self._down = True

    def up(self) -> None:
        self._down = False

    def response_url(self, tag: str = "") -> str:
        suffix = "-" + quote(tag, safe="") if tag else ""
        return f"{self.origin}/respond/{self._next_id('R')}{suffix}"

    def handle(self, method: str, params: Params) -> Answer:
        """Record one call, then answer it as Slack would (or with the queued fault)."""
        fault = self._take_fault(method)
        wait = self._rate_limit(method, params) if fault is None else None
        if wait is not None:
            fault = _Fault(429, wait, "ratelimited")
        refusal = None if fault is not None else self.judge(method, params)
        refused = refusal.error if refusal is not None else ""
        at = time.time()
        self._record(
            ApiCall(method, params, at, failed=fault is not None, refused=refused, retry_after=wait or 0)
        )
        self._wait_if_held(method)
        if self.limits.latency:
            time.sleep(self.limits.latency)
        if fault is not None:
            return _fault_answer(fault)
        if self.oauth is not None:
            if method == "oauth.authorize":
                return self.oauth.consent(params)
            bad_token = self.oauth.check(method, str(params.get("_token", "")))
            if bad_token is not None:
                return _json_answer({"ok": False, "error": bad_token})
        if refusal is not None:
            return _refusal_answer(method, refusal)
        if method == "upload_url":
            status, body = self.uploads.receive(params)
            return status, {"Content-Type": "text/plain"}, body
        if method == "response_url":
            return 200, {"Content-Type": "text/plain"}, b"ok"
        if method == "file_download":
            return self.download(params)
        answer = getattr(self, "api_" + method.replace(".", "_"), None)
        return _json_answer(answer(params) if answer else {"ok": True})

    def _rate_limit(self, method: str, params: Params) -> int | None:
        """Slack's Retry-After for a call over its method's limit (None: within it). A
        workspace is a token; a message's conversation is its channel, a user's id its DM."""
        channel = params.get("channel")
        conversation = self._dm(channel) if isinstance(channel, str) else None
        return self.limits.retry_after(str(params.get("_token", "")), method, conversation)

    def _take_fault(self, method: str) -> _Fault | None:
        if self._down:
            return _Fault(503, 0, "service_unavailable")
        with self._lock:
            queue = self._faults.get(method)
            return queue.popleft() if queue else None

    def _wait_if_held(self, method: str) -> None:
        with self._lock:
            gate = self._held.get(method)
        if gate is not None:
            gate.wait(HOLD_SECONDS)

    def _record(self, call: ApiCall) -> None:
        with self._recorded:
            self._calls.append(call)
            self._recorded.notify_all()
        if self.on_call is None:
            return
        try:  # outside the lock: the hook may read self.calls
            self.on_call(call)
        except Exception:  # a broken printer must not become a Slack error for the app
            log.exception("FakeSlack.on_call failed")

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}{next(self._ids):08d}"

    def _next_ts(self) -> str:
        # Deterministic, strictly increasing and unique, like Slack's message ids.
        with self._lock:
            micros = FIRST_TS_MICROS + 100 * next(self._ids)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _dm(self, channel: str) -> str:
        # Slack opens (or reuses) a DM when a message is addressed to a user id.
        return "D" + channel[1:] if channel[:1] in ("U", "W") else channel

    # Slack's answers, one api_<method> each (dots as underscores); the rest get {"ok": true}.

    def api_oauth_v2_access(self, p: Params) -> Params:
        if self.oauth is None:
            return {"ok": False, "error": "invalid_client_id"}
        return self.oauth.access(p)

    def api_auth_test(self, p: Params) -> Params:
        installed = self.oauth.workspace_of(str(p.get("_token", ""))) if self.oauth else None
        if installed is not None:
            return auth_test(installed)
        return {
            "ok": True,
            "url": f"https://{self.domain}/",
            "team": self.team_name,
            "user": "leadbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": self.org_wide,
            **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
        }

    def _team_of(self, p: Params) -> str:
        """The workspace a call acts in: its token's, once OAuth hands out one per workspace."""
        installed = self.oauth.workspace_of(str(p.get("_token", ""))) if self.oauth else None
        return installed.team_id if installed else self.team_id

    def api_chat_postMessage(self, p: Params) -> Params:
        channel, ts = self._dm(str(p.get("channel", ""))), self._next_ts()
        return {"ok": True, "channel": channel, "ts": ts, "message": self._message(p, ts)}

    def api_chat_postEphemeral(self, p: Params) -> Params:
        return {"ok": True, "message_ts": self._next_ts()}

    def api_chat_update(self, p: Params) -> Params:
        ts = str(p.get("ts", ""))
        return {"ok": True, "channel": p.get("channel"), "ts": ts, "message": self._message(p, ts)}

    def api_chat_delete(self, p: Params) -> Params:
        return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts")}

    def api_chat_getPermalink(self, p: Params) -> Params:
        channel, ts = p.get("channel"), str(p.get("message_ts", "")).replace(".", "")
        link = f"https://{self.domain}/archives/{channel}/p{ts}"
        return {"ok": True, "channel": channel, "permalink": link}

    def api_conversations_open(self, p: Params) -> Params:
        first_user = str(p.get("users", "")).split(",")[0]
        return {"ok": True, "channel": {"id": self._dm(first_user)}}

    def api_users_info(self, p: Params) -> Params:
        known = self.users.get(str(p.get("user", "")))
        if known is None:
            return {"ok": False, "error": "user_not_found"}
        profile = {"real_name": known.get("real_name", ""), "display_name": known.get("name", "")}
        user = {"id": p["user"], "team_id": self._team_of(p), **_zone_fields(known.get("tz")), **known}
        user["profile"] = profile
        return {"ok": True, "user": user}

    def api_users_lookupByEmail(self, p: Params) -> Params:
        wanted = str(p.get("email", "")).casefold()
        for user_id, known in self.users.items():
            if str(known.get("email", "")).casefold() == wanted and wanted:
                return {"ok": True, "user": {"id": user_id, "team_id": self._team_of(p), **known}}
        return {"ok": False, "error": "users_not_found"}

    def api_views_open(self, p: Params) -> Params:
        view = p["view"] if isinstance(p.get("view"), dict) else {}
        view_id = p.get("view_id") or self._next_id("V")
        state: Params = {"values": {}}
        return {"ok": True, "view": {**view, "id": view_id, "team_id": self._team_of(p), "state": state}}

    api_views_update = api_views_push = api_views_publish = api_views_open

    def share_file(self, name: str, content: bytes, filetype: str = "csv") -> Params:
        """A file someone put in a file input or a message: the file object Slack sends."""
        file_id = self._next_id("F")
        url = f"{self.origin}/files/{file_id}/{quote(name, safe='')}"
        file = {
            "id": file_id,
            "name": name,
            "title": name,
            "filetype": filetype,
            "size": len(content),
            "mimetype": "text/csv" if filetype == "csv" else "application/octet-stream",
            "url_private": url,
            "url_private_download": url + "?download=1",
        }
        with self._lock:
            self._files[file_id] = (file, content)
        return file

    def api_files_info(self, p: Params) -> Params:
        with self._lock:
            shared = self._files.get(p.get("file", ""))
        return {"ok": True, "file": shared[0]} if shared else {"ok": False, "error": "file_not_found"}

    def download(self, p: Params) -> Answer:
        """GET url_private: the bytes, for a request with a token (Slack wants files:read)."""
        with self._lock:
            shared = self._files.get(p["file_id"])
        if shared is None:
            return 404, {"Content-Type": "text/plain"}, b"file_not_found"
        if not p.get("_token"):
            return 403, {"Content-Type": "text/plain"}, b"not_authed"
        return 200, {"Content-Type": shared[0]["mimetype"]}, shared[1]

    def api_files_getUploadURLExternal(self, p: Params) -> Params:
        # Absolute: files_upload_v2 posts the bytes straight here, bypassing base_url.
        return self.uploads.start(p, self._next_id("F"), self.origin)

    def api_files_completeUploadExternal(self, p: Params) -> Params:
        return self.uploads.complete(p)

    def _message(self, p: Params, ts: str) -> Params:
        fields = {key: p[key] for key in MESSAGE_KEYS if key in p}
        return {"type": "message", "user": self.bot_user_id, "bot_id": self.bot_id, "ts": ts, **fields}


def _zone_fields(tz: str | None) -> Params:
    """What Slack sends beside `tz`: a label and today's UTC offset in seconds (which a
    client must not use for future times: it ignores DST). No zone: Slack's null."""
    if not tz:
        return {"tz": None, "tz_label": None, "tz_offset": 0}
    now = datetime.now(ZoneInfo(tz))
    offset = now.utcoffset() or timedelta(0)
    return {"tz": tz, "tz_label": now.tzname(), "tz_offset": int(offset.total_seconds())}


def _json_answer(body: Params, status: int = 200) -> Answer:
    return status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode()


def _refusal_answer(method: str, refusal: Refusal) -> Answer:
    # A response_url answers like an incoming webhook: HTTP 400 and the bare error code.
    if method == "response_url":
        return 400, {"Content-Type": "text/plain"}, refusal.error.encode()
    return _json_answer(refusal.body())


def _fault_answer(fault: _Fault) -> Answer:
    if fault.status == 429:
        status, headers, body = _json_answer({"ok": False, "error": fault.error}, 429)
        return status, {**headers, "Retry-After": str(fault.retry_after)}, body
    if fault.status == 200:
        return _json_answer({"ok": False, "error": fault.error})
    # Slack's edge answers a 5xx with an HTML page or nothing, never a JSON error.
    return fault.status, {"Content-Type": "text/plain"}, b""


def parse_params(raw: bytes, content_type: str, query: str = "") -> Params:
    """Merge a query string and a JSON or form body, decoding values sent as JSON strings."""
    params: Params = dict(parse_qsl(query, keep_blank_values=True))
    text = raw.decode("utf-8", "replace")
    if "json" in content_type or text.startswith("{"):
        body = json.loads(text or "{}")
        params.update(body if isinstance(body, dict) else {"_body": body})
    else:
        params.update(parse_qsl(text, keep_blank_values=True))
    for key in JSON_STRING_KEYS:
        if isinstance(params.get(key), str):
            with contextlib.suppress(ValueError):  # not JSON after all: keep it as sent
                params[key] = json.loads(params[key])
    return params


class _Server(ThreadingHTTPServer):
    # Slack takes many connections at once; the default backlog of 5 reset the sixth caller.
    request_queue_size = 256


class _Handler(BaseHTTPRequestHandler):
    """Routes /api/<method>, /respond/<id>, /upload/<file_id> and /files/<id> to the FakeSlack."""

    def do_POST(self) -> None:
        fake: FakeSlack = self.server.fake  # type: ignore[attr-defined]
        path, query = urlsplit(self.path)[2:4]
        expected = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(expected)
        if len(raw) < expected:
            # The caller died mid-request (a killed tick): Slack never sees half a request.
            self.close_connection = True
            return
        routed = self._route(path, query, raw, fake.origin + path)
        self._send(fake.handle(*routed) if routed else (404, {}, b"no such path"))

    do_GET = do_POST

    def _route(self, path: str, query: str, raw: bytes, url: str) -> tuple[str, Params] | None:
        """Name the call and gather its parameters from the path, headers and body."""
        if path.startswith("/upload/"):  # the body is the file's bytes, not parameters
            return "upload_url", {"_url": url, "file_id": path.rsplit("/", 1)[1], "content": raw}
        authorization = self.headers.get("Authorization", "")
        if path == "/oauth/v2/authorize":  # the consent screen, in a browser
            return "oauth.authorize", parse_params(b"", "", query)
        token = authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else ""
        if path.startswith("/files/"):
            return "file_download", {"_url": url, "file_id": path.split("/")[2], "_token": token}
        params = parse_params(raw, self.headers.get("Content-Type", ""), query)
        if path.startswith("/respond/"):
            return "response_url", {**params, "_url": url}
        if not path.startswith("/api/"):
            return None
        if authorization.startswith("Basic "):  # oauth.v2.access: the app's client id and secret
            params["_basic"] = authorization.removeprefix("Basic ")
        return path.removeprefix("/api/"), {**params, **({"_token": token} if token else {})}

    def _send(self, answer: Answer) -> None:
        status, headers, body = answer
        # A held call's caller may have been killed meanwhile: nobody is left to answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the recorded calls are the log; stderr noise would drown test output
