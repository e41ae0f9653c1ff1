"""Slack's pace, for the stand-in: a delay on every call and the rate limits Slack enforces.

Slack limits each Web API method per workspace by tier (Tier 2 about 20 calls a minute,
Tier 3 about 50, Tier 4 about 100) and `chat.postMessage` to about one message a second
per conversation, tolerating a short burst. Over a limit it answers HTTP 429 with a
`Retry-After` header in seconds and `{"ok": false, "error": "ratelimited"}`.
https://api.slack.com/apis/rate-limits, https://api.slack.com/methods/chat.postMessage
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}  # calls a minute per workspace, by tier
WINDOW = 60.0  # seconds a tier's calls are counted over
# The tiers of the methods Leadbot calls (https://api.slack.com/methods, "Rate limits");
# a method not named here is Tier 3, the most common.
METHOD_TIERS = {
    "auth.test": 4,
    "users.info": 4,
    "users.lookupByEmail": 3,
    "users.list": 2,
    "conversations.open": 3,
    "conversations.info": 3,
    "conversations.history": 3,
    "conversations.replies": 3,
    "chat.update": 3,
    "chat.delete": 3,
    "chat.postEphemeral": 4,
    "chat.getPermalink": 4,
    "views.open": 4,
    "views.push": 4,
    "views.update": 4,
    "views.publish": 4,
    "files.info": 4,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
}
POSTING = "chat.postMessage"  # "special" tier: per conversation, not per workspace
POST_BURST = 2  # messages one conversation takes at once before the one-a-second pace bites
UNLIMITED = frozenset({"response_url", "upload_url", "file_download"})  # not Web API methods

Clock = Callable[[], float]
# Whether a new stand-in enforces the limits; tests not about pacing turn it off
# (`@pytest.mark.slack_unlimited`), so that a fake clock's burst is not refused.
ON_BY_DEFAULT = True


def _on_by_default() -> bool:
    return ON_BY_DEFAULT


@dataclass
class SlackLimits:
    """The stand-in's pace. `latency`: seconds every call takes; `enabled`: whether the
    rate limits answer 429. `clock` can be replaced so a test need not sleep."""

    enabled: bool = field(default_factory=_on_by_default)
    latency: float = 0.0
    post_burst: int = POST_BURST
    clock: Clock = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _calls: dict[tuple[str, str], deque[float]] = field(default_factory=dict, repr=False)
    _buckets: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict, repr=False)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._buckets.clear()

    def retry_after(self, workspace: str, method: str, conversation: str | None) -> int | None:
        """None: the call goes through (and counts). Else the whole seconds to wait, as
        Slack's Retry-After says them; a refused call does not count."""
        if not self.enabled or method in UNLIMITED:
            return None
        with self._lock:
            now = self.clock()
            if method == POSTING:
                return self._post(now, workspace, conversation or "")
            return self._tier(now, workspace, method)

    def _tier(self, now: float, workspace: str, method: str) -> int | None:
        window = self._calls.setdefault((workspace, method), deque())
        while window and window[0] <= now - WINDOW:
            window.popleft()
        if len(window) >= PER_MINUTE[METHOD_TIERS.get(method, 3)]:
            return _seconds(window[0] + WINDOW - now)
        window.append(now)
        return None

    def _post(self, now: float, workspace: str, conversation: str) -> int | None:
        # A token bucket per conversation: one token a second, at most `post_burst` saved up.
        key = (workspace, conversation)
        tokens, then = self._buckets.get(key, (float(self.post_burst), now))
        tokens = min(float(self.post_burst), tokens + (now - then))
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return _seconds(1.0 - tokens)
        self._buckets[key] = (tokens - 1.0, now)
        return None


def _seconds(wait: float) -> int:
    """Retry-After is whole seconds, rounded up: waiting that long is always enough."""
    return max(1, math.ceil(wait))
