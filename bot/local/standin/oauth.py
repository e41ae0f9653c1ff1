"""Slack's side of OAuth v2 for the stand-in: the consent screen that sends the browser back
with a code, oauth.v2.access (the code exchange, and refresh tokens when the app has token
rotation on), the workspaces an app is installed in and which token belongs to which. It
refuses what Slack refuses, with Slack's error codes."""
# https://api.slack.com/authentication/oauth-v2  https://api.slack.com/methods/oauth.v2.access
# https://api.slack.com/authentication/rotation

from __future__ import annotations

import base64
import binascii
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

Params = dict[str, Any]
Answer = tuple[int, dict[str, str], bytes]
TOKEN_LIFETIME = 43_200  # seconds: Slack's rotating tokens last 12 hours
APP_ID = "A0LEADBOT"
NO_TOKEN_METHODS = frozenset(
    {"oauth.v2.access", "oauth.authorize", "response_url", "upload_url", "file_download"}
)


@dataclass
class Workspace:
    """A workspace (or, org-wide, a whole Enterprise Grid organisation) the app may be installed in."""

    team_id: str
    name: str
    bot_user_id: str
    installer: str  # the user who clicks Allow
    enterprise_id: str | None = None
    org_wide: bool = False

    @property
    def bot_id(self) -> str:
        return "B" + self.bot_user_id[1:]


@dataclass
class _Grant:
    workspace: Workspace
    redirect_uri: str
    scope: str


@dataclass
class _Token:
    workspace: Workspace
    expires_at: float | None  # None: a token that never expires (rotation off)
    revoked: bool = False


@dataclass
class SlackOAuth:
    client_id: str
    client_secret: str
    rotation: bool = False  # the app's token_rotation_enabled
    lifetime: int = TOKEN_LIFETIME
    redirect_uris: tuple[str, ...] = ()  # the manifest's redirect_urls; empty: any
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _used: set[str] = field(default_factory=set)
    _tokens: dict[str, _Token] = field(default_factory=dict)
    _refresh: dict[str, Workspace] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_workspace(
        self, team_id: str, name: str, *, enterprise_id: str | None = None, org_wide: bool = False
    ) -> Workspace:
        number = len(self.workspaces) + 1
        workspace = Workspace(team_id, name, f"U0BOT{number}", f"U0ADMIN{number}", enterprise_id, org_wide)
        self.workspaces[team_id] = workspace
        return workspace

    # the browser: https://slack.com/oauth/v2/authorize?client_id=...&scope=...&state=...

    def consent(self, p: Params) -> Answer:
        """Someone clicks Allow: back to the app's redirect URL with a one-time code. `team`
        picks the workspace (Slack's own parameter), else the first one."""
        if p.get("client_id") != self.client_id:
            return 400, {"Content-Type": "text/plain"}, b"invalid_client_id"
        workspace = self.workspaces.get(str(p.get("team") or "")) or next(
            iter(self.workspaces.values()), None
        )
        redirect = str(p.get("redirect_uri") or (self.redirect_uris[0] if self.redirect_uris else ""))
        if workspace is None or not redirect:
            return 400, {"Content-Type": "text/plain"}, b"bad_redirect_uri" if workspace else b"no_workspace"
        if self.redirect_uris and redirect not in self.redirect_uris:
            return 400, {"Content-Type": "text/plain"}, b"bad_redirect_uri"
        code = self._next("code")
        with self._lock:
            self._codes[code] = _Grant(
                workspace, redirect if p.get("redirect_uri") else "", str(p.get("scope", ""))
            )
        query = urlencode({"code": code, "state": p.get("state", "")})
        return 302, {"Location": f"{redirect}?{query}", "Content-Type": "text/plain"}, b""

    # oauth.v2.access

    def access(self, p: Params) -> Params:
        client_id, secret = _client_of(p)
        if client_id != self.client_id:
            return _error("invalid_client_id")
        if secret != self.client_secret:
            return _error("bad_client_secret")
        grant = p.get("grant_type") or "authorization_code"
        if grant == "refresh_token":
            return self._refreshed(str(p.get("refresh_token", "")))
        if grant != "authorization_code":
            return _error("invalid_grant_type")
        return self._exchanged(str(p.get("code", "")), str(p.get("redirect_uri", "")))

    def _exchanged(self, code: str, redirect_uri: str) -> Params:
        with self._lock:
            if code in self._used:
                return _error("code_already_used")
            found = self._codes.pop(code, None)
            if found is not None:
                self._used.add(code)
        if found is None:
            return _error("invalid_code")
        if found.redirect_uri and redirect_uri != found.redirect_uri:
            return _error("bad_redirect_uri")
        return {**self._grant(found.workspace, found.scope), "authed_user": _user(found.workspace)}

    def _refreshed(self, refresh_token: str) -> Params:
        if not self.rotation:
            return _error("invalid_grant_type")
        with self._lock:
            workspace = self._refresh.pop(refresh_token, None)
        if workspace is None:
            return _error("invalid_refresh_token")
        return self._grant(workspace, "")

    def _grant(self, workspace: Workspace, scope: str) -> Params:
        token = self._issue(workspace)
        answer: Params = {
            "ok": True,
            "app_id": APP_ID,
            "access_token": token,
            "token_type": "bot",
            "scope": scope or "commands,chat:write",
            "bot_user_id": workspace.bot_user_id,
            "team": None if workspace.org_wide else {"id": workspace.team_id, "name": workspace.name},
            "enterprise": {"id": workspace.enterprise_id, "name": workspace.name}
            if workspace.enterprise_id
            else None,
            "is_enterprise_install": workspace.org_wide,
        }
        if self.rotation:
            refresh = self._next("xoxe-1-" + workspace.team_id + "-")
            with self._lock:
                self._refresh[refresh] = workspace
            answer.update(expires_in=self.lifetime, refresh_token=refresh)
        return answer

    def _issue(self, workspace: Workspace) -> str:
        prefix = "xoxe.xoxb-1-" if self.rotation else "xoxb-"
        token = self._next(f"{prefix}{workspace.team_id}-")
        expires = time.time() + self.lifetime if self.rotation else None
        with self._lock:
            self._tokens[token] = _Token(workspace, expires)
        return token

    # tokens in use

    def check(self, method: str, token: str) -> str | None:
        """Slack's error for a Web API call made with `token`, or None when it is good."""
        if method in NO_TOKEN_METHODS:
            return None
        known = self._tokens.get(token)
        if known is None:
            return "not_authed" if not token else "invalid_auth"
        if known.revoked:
            return "token_revoked"
        if known.expires_at is not None and known.expires_at <= time.time():
            return "token_expired"
        return None

    def workspace_of(self, token: str) -> Workspace | None:
        known = self._tokens.get(token)
        return known.workspace if known else None

    def tokens_of(self, team_id: str) -> list[str]:
        return [token for token, known in self._tokens.items() if known.workspace.team_id == team_id]

    def uninstall(self, team_id: str) -> None:
        """Someone removes the app: every token of the workspace stops working, its refresh
        tokens too."""
        with self._lock:
            for known in self._tokens.values():
                if known.workspace.team_id == team_id:
                    known.revoked = True
            for refresh, workspace in list(self._refresh.items()):
                if workspace.team_id == team_id:
                    del self._refresh[refresh]

    def expire(self, token: str) -> None:
        """The token's 12 hours are over (tests: no waiting)."""
        self._tokens[token].expires_at = time.time() - 1

    def _next(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}{next(self._ids):06d}"


def _client_of(p: Params) -> tuple[str, str]:
    """HTTP Basic (how slack_sdk sends them), else form fields."""
    basic = str(p.get("_basic", ""))
    if basic:
        try:
            client_id, _, secret = base64.b64decode(basic).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        return client_id, secret
    return str(p.get("client_id", "")), str(p.get("client_secret", ""))


def _enterprise(workspace: Workspace) -> Params | None:
    return {"id": workspace.enterprise_id, "name": workspace.name} if workspace.enterprise_id else None


def _user(workspace: Workspace) -> Params:
    return {"id": workspace.installer, "scope": "", "token_type": "user"}


def _error(code: str) -> Params:
    return {"ok": False, "error": code}


def auth_test(workspace: Workspace) -> Params:
    return {
        "ok": True,
        "url": f"https://{workspace.name.lower().replace(' ', '-')}.slack.test/",
        "team": workspace.name,
        "user": "leadbot",
        "team_id": workspace.team_id,
        "user_id": workspace.bot_user_id,
        "bot_id": workspace.bot_id,
        "is_enterprise_install": workspace.org_wide,
        **({"enterprise_id": workspace.enterprise_id} if workspace.enterprise_id else {}),
    }
