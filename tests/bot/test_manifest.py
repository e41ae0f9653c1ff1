"""slack-manifest.yml turns on what the app serves: Slack shows only what the manifest enables."""

import re
from pathlib import Path

from bot.ids import CallbackId
from bot.listeners.commands import SLASH_COMMAND

MANIFEST = (Path(__file__).parents[2] / "slack-manifest.yml").read_text()


def items_under(key: str) -> list[str]:
    """The `- item` lines of a YAML list (comments dropped): enough for this flat manifest."""
    block = re.search(rf"^(\s*){key}:\n((?:\1\s+- .*\n)+)", MANIFEST, re.MULTILINE)
    assert block, f"no list {key} in the manifest"
    return [line.split("#")[0].strip().removeprefix("- ").strip() for line in block[2].splitlines()]


def setting(key: str) -> str:
    found = re.search(rf"^[\s-]*{key}:\s*([^#\n]*)", MANIFEST, re.MULTILINE)
    assert found, f"no {key} in the manifest"
    return found[1].strip()


def test_the_home_tab_is_on():
    assert setting("home_tab_enabled") == "true"


def test_the_events_the_app_listens_to_are_subscribed_with_their_scopes():
    assert {"app_home_opened", "app_mention"} <= set(items_under("bot_events"))
    assert "app_mentions:read" in items_under("bot")


def test_the_scopes_cover_every_web_api_call_the_app_makes():
    # chat.postMessage/postEphemeral/update, conversations.open (DMs), users.info (zones),
    # files_upload_v2 and files.info + url_private (import), the command and the shortcut.
    needed = {"chat:write", "im:write", "users:read", "files:write", "files:read", "commands"}
    assert needed <= set(items_under("bot"))


def test_the_command_and_the_shortcut_match_the_listeners():
    assert setting("command") == SLASH_COMMAND
    assert setting("callback_id") == CallbackId.FROM_MESSAGE


def test_an_install_asks_for_exactly_the_manifests_scopes():
    from bot.workspaces.oauth import BOT_SCOPES

    assert sorted(BOT_SCOPES) == sorted(items_under("bot"))


def test_the_install_flow_comes_back_to_the_redirect_route_and_ends_on_uninstall():
    assert [url.endswith("/slack/oauth_redirect") for url in items_under("redirect_urls")] == [True]
    assert {"app_uninstalled", "tokens_revoked"} <= set(items_under("bot_events"))
