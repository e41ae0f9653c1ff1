"""Pieces of Slack's inbound payloads: messages as modern clients post them, the Home tab event."""

# https://docs.slack.dev/reference/events/app_home_opened/ and
# https://docs.slack.dev/reference/block-kit/blocks/rich-text-block/

import re
import time
import uuid
from typing import Any

# What a Slack client turns into a link element as someone types: addresses and web links.
_LINKABLE = re.compile(r"(?P<email>[\w.+'-]+@[\w-]+(?:\.[\w-]+)+)|(?P<url>https?://[^\s<>|]+)")


def action_ts() -> str:
    return f"{time.time():.6f}"


def channel_name(channel_id: str) -> str:
    return "directmessage" if channel_id.startswith("D") else channel_id.lower()


def dm_channel(user_id: str) -> str:
    """The id of a person's DM with the bot, as the stand-in answers conversations.open."""
    return "D" + user_id[1:]


def state_values(values: dict[str, Any]) -> dict[str, Any]:
    return {
        block_id: {
            action_id: {"type": "plain_text_input", "value": v} if isinstance(v, str) else v
            for action_id, v in actions.items()
        }
        for block_id, actions in values.items()
    }


def rich_text_message(user_id: str, typed: str, team_id: str, ts: str | None = None) -> dict[str, Any]:
    """A message as Slack's desktop and mobile clients post it: the typed words as a rich_text
    block (addresses and links as link elements) and, beside it, `text` in Slack's markup
    (`&`, `<`, `>` escaped, links as `<mailto:a@b.co|a@b.co>`)."""
    elements: list[dict[str, Any]] = []
    markup: list[str] = []
    at = 0
    for found in _LINKABLE.finditer(typed):
        _add_text(elements, markup, typed[at : found.start()])
        url = f"mailto:{found['email']}" if found["email"] else found["url"]
        elements.append({"type": "link", "url": url, "text": found[0]})
        markup.append(f"<{url}|{found[0]}>")
        at = found.end()
    _add_text(elements, markup, typed[at:])
    section = {"type": "rich_text_section", "elements": elements}
    return {
        "type": "message",
        "user": user_id,
        "team": team_id,
        "ts": ts or action_ts(),
        "client_msg_id": str(uuid.uuid4()),
        "text": "".join(markup),
        "blocks": [{"type": "rich_text", "block_id": uuid.uuid4().hex[:5], "elements": [section]}],
    }


def _add_text(elements: list[dict[str, Any]], markup: list[str], text: str) -> None:
    if text:
        elements.append({"type": "text", "text": text})
        markup.append(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def home_opened(user_id: str, tab: str = "home", view: dict[str, Any] | None = None) -> dict[str, Any]:
    """The app_home_opened event: someone opened the app's Home tab (`tab: "home"`, with the view
    published to them last, if any) or its Messages tab (`tab: "messages"`, no view)."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": dm_channel(user_id),
        "tab": tab,
        "event_ts": action_ts(),
    }
    if tab == "home" and view is not None:
        event["view"] = view
    return event
