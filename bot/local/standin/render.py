"""Block Kit and mrkdwn as readable terminal text, for the console."""

import html
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.local.standin.workspace import Button, buttons_in, inputs_in

_DATE = re.compile(r"<!date\^(\d+)\^[^|>]*\|([^>]*)>")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")

NameOf = Callable[[str], str]


def mrkdwn_to_text(text: str, name_of: NameOf, tz: ZoneInfo) -> str:
    """Dates in the viewer's zone, mentions as @name, links as label (url), entities decoded."""
    text = _DATE.sub(lambda m: datetime.fromtimestamp(int(m[1]), tz).strftime("%a %d %b %H:%M %Z"), text)
    text = _USER.sub(lambda m: "@" + name_of(m[1]), text)
    text = _LINK.sub(lambda m: f"{m[2]} ({m[1]})" if m[2] else m[1], text)
    return html.unescape(text)


def message_lines(message: dict[str, Any], name_of: NameOf, tz: ZoneInfo, first_button: int = 1) -> list[str]:
    """Lines of a message; buttons are numbered from `first_button` for `click N`."""
    blocks = message.get("blocks") or []
    if not blocks:
        return mrkdwn_to_text(str(message.get("text", "")), name_of, tz).splitlines()
    lines: list[str] = []
    for block in blocks:
        lines += _block_lines(block, name_of, tz)
    buttons = buttons_in(blocks)
    if buttons:
        lines.append("  ".join(_button_label(n, b) for n, b in enumerate(buttons, first_button)))
    return lines


def _block_lines(block: dict[str, Any], name_of: NameOf, tz: ZoneInfo) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return [block["text"]["text"].upper()]
    if kind == "divider":
        return ["─" * 40]
    texts = [block["text"]] if block.get("text") else []
    texts += block.get("fields") or []
    if kind == "context":
        texts = [e for e in block.get("elements", []) if "text" in e]
    out = [mrkdwn_to_text(t.get("text", ""), name_of, tz) for t in texts]
    return "\n".join(out).splitlines()


def _button_label(number: int, button: Button) -> str:
    return f"[{number}] {button.label}"


def view_lines(
    view: dict[str, Any],
    values: dict[str, str | None],
    name_of: NameOf,
    tz: ZoneInfo,
    errors: dict[str, str] | None = None,
    first_button: int = 1,
) -> list[str]:
    """A modal: its title, its text, and its inputs numbered with what they hold (`values`, by
    block_id) and any error under them, as Slack shows a response_action "errors" answer; its
    buttons numbered from `first_button`, as message_lines numbers a message's."""
    lines = [f"▌ {_plain(view.get('title'))}"]
    numbers = {block["block_id"]: number for number, block in enumerate(inputs_in(view), 1)}
    for block in view.get("blocks") or []:
        block_id = block.get("block_id", "")
        if block.get("type") != "input":
            lines += _block_lines(block, name_of, tz)
            continue
        lines.append(f"  {numbers[block_id]}. {_plain(block.get('label'))}: {values.get(block_id) or '—'}")
        if errors and errors.get(block_id):
            lines.append(f"     ⚠️ {errors[block_id]}")
    buttons = buttons_in(view.get("blocks") or [])
    if buttons:
        lines.append("  ".join(_button_label(n, b) for n, b in enumerate(buttons, first_button)))
    lines.append("  ".join(f"[{_plain(view[key])}]" for key in ("submit", "close") if view.get(key)))
    return lines


def _plain(text: Any) -> str:
    return str(text.get("text", "")) if isinstance(text, dict) else str(text or "")
