"""Pacing: Slack takes about one message a second per channel, so the outbox spaces them."""

from datetime import timedelta

from domain.delivery.messages import (
    CommandReply,
    OutboxMessage,
    ProposalDecided,
    ToChannel,
    ToPerson,
    WeeklyChart,
)

SPACING = timedelta(seconds=1)  # Slack's chat.postMessage limit: about one a second per channel
# Slack tolerates a short burst before that pace bites ("short bursts tolerated",
# https://api.slack.com/methods/chat.postMessage; the stand-in, bot/local/standin/limits.py,
# keeps a bucket of two). A conversation that has rested takes this many messages at once,
# one after the other, before they are spaced: two leads for one team channel in the same
# second both go at once instead of the second waiting a second.
BURST = 2


def early() -> timedelta:
    """How long before its pace a rested conversation may take its next message: the unspent
    part of its burst (a token bucket kept as its next instant, GCRA). Read when called, so a
    test of the spacing itself can set BURST to 1."""
    return (BURST - 1) * SPACING


def pace_key(message: OutboxMessage) -> str | None:
    """The Slack conversation a message lands in, as far as it is known before sending: the
    channel, or the person for a DM (one person, one DM channel, so pacing per person paces
    the DM before conversations.open names it). None: not paced (a response_url answer,
    which is not a channel post; the Monday chart, a file upload through the files.* methods,
    Tier 4, one per team a week, which must not push that morning's digest back a pass)."""
    body = message.body
    if isinstance(body, CommandReply) and body.response_url is not None:
        return None
    if isinstance(body, WeeklyChart):
        return None
    if isinstance(body, ToChannel):
        return "channel:" + body.channel
    if isinstance(body, ToPerson):
        return "user:" + body.user
    return None


def pace_cost(message: OutboxMessage) -> timedelta:
    """How long the channel rests after this message: one spacing per Slack call it makes
    there. A decided routing proposal is rewritten in place (chat.update) and answered in its
    thread: two calls."""
    if isinstance(message.body, ProposalDecided) and message.body.ts:
        return 2 * SPACING
    return SPACING
