"""Pacing: Slack takes about one message a second per channel, so the outbox spaces them."""

from datetime import timedelta

from domain.messages import MessageKind, OutboxMessage

SPACING = timedelta(seconds=1)  # Slack's chat.postMessage limit: about one a second per channel


def pace_key(message: OutboxMessage) -> str | None:
    """The Slack conversation a message lands in, as far as it is known before sending: the
    channel, or the person for a DM (one person, one DM channel, so pacing per person paces
    the DM before conversations.open names it). None: not paced (a response_url answer,
    which is not a channel post; the Monday chart, a file upload through the files.* methods,
    Tier 4, one per team a week, which must not push that morning's digest back a pass)."""
    payload = message.payload
    if message.kind is MessageKind.COMMAND_REPLY and "response_url" in payload:
        return None
    if message.kind is MessageKind.WEEKLY_CHART:
        return None
    channel, user = payload.get("channel"), payload.get("user")
    if isinstance(channel, str):
        return "channel:" + channel
    if isinstance(user, str):
        return "user:" + user
    return None


def pace_cost(message: OutboxMessage) -> timedelta:
    """How long the channel rests after this message: one spacing per Slack call it makes
    there. A decided routing proposal is rewritten in place (chat.update) and answered in its
    thread: two calls."""
    if message.kind is MessageKind.ROUTING_DECIDED and message.payload.get("ts"):
        return 2 * SPACING
    return SPACING
