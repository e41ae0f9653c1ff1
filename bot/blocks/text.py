"""mrkdwn escaping, truncation and Slack's date token: the one place user text is made safe."""
# https://api.slack.com/reference/surfaces/formatting#escaping

import re
from collections.abc import Iterable
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
    return _cut_escaped(escape(text), limit)


def _cut_escaped(escaped: str, limit: int) -> str:
    """At most `limit` characters, "…" marking a cut, which never falls inside an entity."""
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def sentence(text: str) -> str:
    """End with a full stop, unless a value at the end already did ("ACME Corp.", "Yes!")."""
    return text if text.rstrip("*_~`").endswith((".", "!", "?", "…")) else text + "."


def with_article(noun: str) -> str:
    """`a call`, `an email`: the article by the sound of the first letter (our nouns' rule)."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


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
    """A section of already-escaped mrkdwn. Longer text than Slack takes is cut, with "…" to
    show it: callers with more to say split it (`sections`)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut_escaped(mrkdwn, SECTION_LIMIT)}}


def sections(lines: Iterable[str]) -> list[dict[str, Any]]:
    """Lines of already-escaped mrkdwn packed into as few sections as Slack's 3,000
    characters a section allow, each line whole (one longer than a section is cut)."""
    packed: list[str] = []
    for line in lines:
        if packed and len(packed[-1]) + 1 + len(line) <= SECTION_LIMIT:
            packed[-1] += "\n" + line
        else:
            packed.append(line)
    return [section(text) for text in packed]
