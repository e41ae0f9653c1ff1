"""Multi-workspace install in tests: a stand-in playing Slack's OAuth v2 side with two workspaces,
`leadbot serve`'s server in OAuth mode, and the install flow walked as a browser walks it."""

import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

from cryptography.fernet import Fernet
from support import SIGNING_SECRET

from bot.bootstrap import Runtime, build_runtime
from bot.local.standin import FakeSlack, SlackSigner
from bot.local.standin.oauth import Workspace
from bot.local.standin.workspace import LocalWorkspace, over_http
from bot.operations.settings import Settings
from bot.web.server import LeadbotServer, serve
from domain.config import LeadbotConfig

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret"
KEY = Fernet.generate_key().decode()
ALPHA, BRAVO = "T0ALPHA", "T0BRAVO"


def oauth_settings(fake: FakeSlack, database_url: str, key: str = KEY, **more: Any) -> Settings:
    return Settings(
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        leadbot_encryption_key=key,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.url,
        database_url=database_url,
        _env_file=None,
        **more,
    )


@contextmanager
def two_workspace_slack(rotation: bool = False) -> Iterator[FakeSlack]:
    with FakeSlack(team_id=ALPHA, team_name="Alpha") as fake:
        oauth = fake.enable_oauth(CLIENT_ID, CLIENT_SECRET, rotation=rotation)
        oauth.add_workspace(ALPHA, "Alpha")
        oauth.add_workspace(BRAVO, "Bravo")
        yield fake


@contextmanager
def serving(
    settings: Settings, config: LeadbotConfig, fake: FakeSlack
) -> Iterator[tuple[Runtime, LeadbotServer]]:
    """`leadbot serve` in OAuth mode on a free port; the stand-in knows its redirect URL, as
    Slack knows the manifest's."""
    runtime = build_runtime(settings, config)
    server = serve(
        runtime.app,
        runtime.healthy,
        "127.0.0.1",
        0,
        leads_webhook=runtime.webhook.handle,
        events_webhook=runtime.events_webhook.handle,
        ready=runtime.ready,
        metrics=runtime.metrics,
        routes=runtime.routes,
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    assert fake.oauth is not None
    public = [settings.leadbot_public_url + "/slack/oauth_redirect"] if settings.leadbot_public_url else []
    fake.oauth.redirect_uris = (f"http://127.0.0.1:{server.server_port}/slack/oauth_redirect", *public)
    try:
        yield runtime, server
    finally:
        server.shutdown()
        server.server_close()
        runtime.app.listener_runner.listener_executor.shutdown(wait=True)
        runtime.engine.dispose()


@dataclass(frozen=True)
class Page:
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: str


def get(url: str, cookie: str = "") -> Page:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        answer = connection.getresponse()
        cookies = answer.headers.get_all("Set-Cookie") or []
        return Page(
            answer.status, {k.lower(): v for k, v in answer.headers.items()}, cookies, answer.read().decode()
        )
    finally:
        connection.close()


@dataclass(frozen=True)
class Walk:
    """Each step of an install as the browser saw it."""

    install: Page
    consent: Page
    finish: Page


def install(server: LeadbotServer, team_id: str, tamper: dict[str, str] | None = None) -> Walk:
    """An admin opens /slack/install, picks the workspace and clicks Allow on Slack's consent
    screen; the browser follows each redirect, with the state cookie /slack/install set."""
    started = get(f"http://127.0.0.1:{server.server_port}/slack/install")
    consent = get(started.headers["location"] + "&" + urlencode({"team": team_id}))
    cookie = SimpleCookie()
    for line in started.cookies:
        cookie.load(line)
    sent = "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items())
    # The redirect URL may name the public address (LEADBOT_PUBLIC_URL): here, that is the server.
    back = (
        f"http://127.0.0.1:{server.server_port}"
        + urlsplit(consent.headers["location"])._replace(scheme="", netloc="").geturl()
    )
    if tamper:
        base, _, query = back.partition("?")
        params = dict(pair.split("=", 1) for pair in query.split("&"))
        back = f"{base}?{urlencode({**params, **tamper})}"
    return Walk(started, consent, get(back, sent))


def people_of(server: LeadbotServer, fake: FakeSlack, workspace: Workspace) -> LocalWorkspace:
    """People of one workspace, sending signed requests to the server's /slack/events."""
    signer = SlackSigner(
        SIGNING_SECRET, bot_user_id=workspace.bot_user_id, team_domain=workspace.name.lower()
    )
    return LocalWorkspace(over_http("127.0.0.1", server.server_port), fake, signer, workspace.team_id)


def tokens_used(fake: FakeSlack, method: str | None = None) -> list[str]:
    return [str(call.params.get("_token", "")) for call in fake.calls if method in (None, call.method)]


def json_of(page: Page) -> Any:
    return json.loads(page.body)
