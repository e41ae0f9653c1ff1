"""mrkdwn escaping, truncation and Slack's date token: the one place user text is made safe."""
# https://api.slack.com/reference/surfaces/formatting#escaping

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SECTION_LIMIT = 3000
SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
BUTTON_TEXT_LIMIT = 75
MESSAGE_BLOCK_LIMIT = 50


@dataclass(frozen=True, slots=True)
class SlackMessage:
    text: str  # notification and accessibility fallback
    blocks: list[dict[str, Any]] = field(default_factory=list)


def escape(text: str | None) -> str:
    """Exactly &, < and > are special in mrkdwn; escaped, `<!channel>` pings nobody."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe(text: str | None, limit: int = SECTION_LIMIT) -> str:
    """Escape first, then cut, and never cut inside an entity such as &amp;."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def user(user_id: str | None) -> str:
    """A Slack mention, or the plain name of a system actor ("web form", "import")."""
    if not user_id:
        return "nobody"
    return f"<@{user_id}>" if SLACK_USER.match(user_id) else f"_{escape(user_id)}_"


def when(moment: datetime) -> str:
    """Slack renders this in each viewer's own time zone; the fallback is UTC."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def section(mrkdwn: str) -> dict[str, Any]:
    """A section of already-escaped mrkdwn, cut to Slack's limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn[:SECTION_LIMIT]}}
