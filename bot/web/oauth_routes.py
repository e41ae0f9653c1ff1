"""GET /slack/install and GET /slack/oauth_redirect as endpoints of `leadbot serve`'s route
table (bot/web/routes.py): plain functions (query string, headers, body) -> (status, headers,
body bytes)."""
# Bolt's adapters do the same: slack_bolt/adapter/wsgi/handler.py (oauth_flow.handle_*).

from collections.abc import Mapping

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.oauth import OAuthFlow

from bot.web.routes import Routes
from bot.workspaces.oauth import INSTALL_PATH, REDIRECT_PATH


def oauth_routes(flow: OAuthFlow) -> Routes:
    """The install flow's GET routes, added to the standard table."""

    def install(query: str, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        return _answer(flow.handle_installation(_request(query, headers)))

    def redirect(query: str, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        return _answer(flow.handle_callback(_request(query, headers)))

    return {("GET", INSTALL_PATH): install, ("GET", REDIRECT_PATH): redirect}


def _request(query: str, headers: Mapping[str, str]) -> BoltRequest:
    # The state cookie is read from the headers; Bolt wants them lower-cased, as lists.
    return BoltRequest(body="", query=query, headers={k.lower(): [v] for k, v in headers.items()})


def _answer(response: BoltResponse) -> tuple[int, dict[str, str], bytes]:
    """Header names lower-cased (HTTP's are case-insensitive), one value each: the flow sets at
    most one cookie, the state's or its deletion."""
    headers = {
        name.lower(): values[-1]
        for name, values in response.headers.items()
        if values and name.lower() != "content-length"
    }
    return response.status, headers, (response.body or "").encode("utf-8")
