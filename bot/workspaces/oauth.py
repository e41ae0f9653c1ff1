"""Multi-workspace install (OAuth v2): Bolt's OAuthFlow and authorize, on our own stores.

Set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and LEADBOT_ENCRYPTION_KEY and `leadbot serve` answers
GET /slack/install and GET /slack/oauth_redirect; each request is then authorized with the token
of the workspace it comes from, renewed before it expires when the app has token rotation on."""
# https://tools.slack.dev/bolt-python/concepts/authenticating-oauth
# https://api.slack.com/authentication/rotation

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bot.operations.settings import SLACK_API, Settings
from bot.workspaces.installation_store import DatabaseStateStore, SealedInstallationStore
from bot.workspaces.sealing import SecretBox
from handlers.context import UowFactory

# What slack-manifest.yml asks for (tests/bot/test_manifest.py keeps them in step).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "users:read",
    "channels:read",
    "files:write",
    "files:read",
    "app_mentions:read",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
SLACK_AUTHORIZE = "https://slack.com/oauth/v2/authorize"
ROTATE_MINUTES_BEFORE = 120  # Slack's tokens last 12 h; renewed in the last two (Bolt's default)


@dataclass(frozen=True, slots=True)
class OAuth:
    flow: OAuthFlow
    authorize: InstallationStoreAuthorize
    store: SealedInstallationStore
    box: SecretBox


def box_of(settings: Settings) -> SecretBox:
    assert settings.leadbot_encryption_key is not None  # bot/operations/preflight.py checked it
    return SecretBox(settings.leadbot_encryption_key.get_secret_value())


def build_oauth(settings: Settings, uow_factory: UowFactory, client: WebClient) -> OAuth:
    """`client` (pointed at SLACK_API_URL, without a token) makes the code exchange, the
    refresh and auth.test calls: Bolt's own default would ask slack.com whatever is set."""
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    box = box_of(settings)
    store = SealedInstallationStore(uow_factory, box)
    client_id, client_secret = settings.slack_client_id, settings.slack_client_secret.get_secret_value()
    oauth_settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.leadbot_public_url.rstrip("/") + REDIRECT_PATH
        if settings.leadbot_public_url
        else None,
        authorization_url=authorization_url(settings),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE,
        state_store=DatabaseStateStore(uow_factory),
        install_page_rendering_enabled=False,  # straight on to Slack's consent screen
    )
    authorize = InstallationStoreAuthorize(
        logger=logging.getLogger("slack_bolt.authorize"),
        installation_store=store,
        client_id=client_id,
        client_secret=client_secret,
        token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE,
        bot_only=True,
        # Saves an auth.test per request. Safe: the store is read first each time, so a deleted
        # (uninstalled) token finds nothing, and a rotated one is a new key.
        cache_enabled=True,
        client=client,
    )
    return OAuth(OAuthFlow(client=client, settings=oauth_settings), authorize, store, box)


def not_installed_message(settings: Settings) -> str:
    """What a person of a workspace whose installation is gone (uninstalled, revoked) is told."""
    base = settings.leadbot_public_url.rstrip("/") if settings.leadbot_public_url else "Leadbot's address"
    return (
        ":warning: Leadbot is not installed in this workspace (or no longer is), so nothing was done. "
        f"An admin can install it at {base}{INSTALL_PATH}."
    )


def authorization_url(settings: Settings) -> str:
    """Slack's consent screen; with SLACK_API_URL pointed elsewhere (the stand-in), the same
    path there."""
    if settings.api_url == SLACK_API:
        return SLACK_AUTHORIZE
    parts = urlsplit(settings.api_url)
    return f"{parts.scheme}://{parts.netloc}/oauth/v2/authorize"
