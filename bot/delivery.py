"""Sending outbox messages through the Slack Web API, mapping failures to retry or give up."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from bot.blocks.alerts import delivery_alert
from bot.blocks.bulk import owners_dm
from bot.blocks.digest import away_message, digest_message, quiet_leads_message
from bot.blocks.fit import MESSAGE_TEXT_BUDGET, Room, fit
from bot.blocks.outbox import channel_post, lead_announcement, mention_reply, reminder_message
from bot.blocks.routing import assigned_dm, decided_message, proposal_message, taken_dm, thread_reply
from bot.blocks.score import ready_for_sales
from bot.blocks.sla import breach_message
from bot.blocks.text import SlackMessage, escape
from bot.home import HomeBuilder
from bot.report_files import chart_png
from domain.messages import DeliveryFailed, DeliveryReceipt, MessageKind, OutboxMessage
from handlers.deliver import still_ours

log = logging.getLogger(__name__)

# Slack refused what the message says or how: sent again unchanged, it is refused again.
# It is shortened and sent once more; refused again, it is dead (and the admins are told).
CONTENT_ERRORS = frozenset(
    {
        "msg_too_long",
        "msg_blocks_too_long",
        "invalid_blocks",
        "invalid_blocks_format",
        "no_text",
        "too_many_blocks",
    }
)
# Retrying these cannot succeed; the message is parked as dead with the reason.
PERMANENT_ERRORS = CONTENT_ERRORS | {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "user_not_found",
    "user_disabled",
    "account_inactive",
    "invalid_auth",
    "token_revoked",
    "cannot_dm_bot",
}
SHORT_TEXT = 3_000  # a message shortened to its text alone keeps this much of it


class DmChannels(Protocol):
    """Where each person's DM channel is remembered (handlers/dm_channels.py)."""

    def channel_of(self, team_id: str, user_id: str) -> str | None: ...

    def remember(self, team_id: str, user_id: str, channel_id: str) -> None: ...


class Unremembered:
    """No memory: every DM is addressed to the person, and Slack finds the channel."""

    def channel_of(self, team_id: str, user_id: str) -> str | None:
        return None

    def remember(self, team_id: str, user_id: str, channel_id: str) -> None:
        pass


class OpenLimit:
    """When Slack last said conversations.open is over its limit, until when (monotonic)."""

    def __init__(self) -> None:
        self.until = 0.0

    def resting(self) -> bool:
        return time.monotonic() < self.until

    def rest(self, seconds: float) -> None:
        self.until = max(self.until, time.monotonic() + seconds)


@dataclass(frozen=True, slots=True)
class Dms:
    remembered: DmChannels
    opening: OpenLimit


def make_deliver(
    client: WebClient | None,
    dms: DmChannels | None = None,
    home: HomeBuilder | None = None,
    client_for: Callable[[str], WebClient | None] | None = None,
) -> Callable[[OutboxMessage], DeliveryReceipt]:
    """`home` builds a person's Home tab when its refresh falls due (bot/home.py). `client`
    sends every message (single-token mode); else `client_for` gives the client of the
    message's own workspace (multi-workspace install), and a workspace without one
    (uninstalled) parks its messages as dead."""
    people = Dms(dms or Unremembered(), OpenLimit())

    def deliver(message: OutboxMessage) -> DeliveryReceipt:
        try:
            sender = client if client_for is None else client_for(message.team_id)
            if sender is None:
                raise DeliveryFailed("the app is not installed in this workspace (any more)", permanent=True)
            return _send(sender, people, message, home)
        except SlackApiError as exc:
            raise _failure(exc) from exc
        except (SlackClientError, OSError) as exc:
            raise DeliveryFailed(f"Slack unreachable: {exc}") from exc

    return deliver


def _send(client: WebClient, dms: Dms, message: OutboxMessage, home: HomeBuilder | None) -> DeliveryReceipt:
    payload = message.payload

    def dm(shown: SlackMessage) -> DeliveryReceipt:
        return _to_person(client, dms, message.team_id, payload["user"], shown)

    match message.kind:
        case MessageKind.REMINDER_DUE:
            return dm(reminder_message(payload))
        case MessageKind.MENTION_REPLY:
            return _post(client, payload["channel"], mention_reply(payload), payload["thread_ts"])
        case MessageKind.LEAD_ANNOUNCED:
            return _post(client, payload["channel"], lead_announcement(payload))
        case MessageKind.CHANNEL_POST:
            return _post(client, payload["channel"], channel_post(payload))
        case MessageKind.COMMAND_REPLY:
            return _answer(client, payload, dm)
        # routing
        case MessageKind.ROUTING_PROPOSAL:
            return _post(client, payload["channel"], proposal_message(payload))
        case MessageKind.ROUTING_DECIDED:
            return _decided(client, payload)
        case MessageKind.LEAD_ASSIGNED_DM:
            return dm(assigned_dm(payload))
        case MessageKind.LEAD_TAKEN_DM:
            return dm(taken_dm(payload))
        case MessageKind.BULK_OWNERS_DM:
            return dm(owners_dm(payload))
        case MessageKind.SLA_BREACHED:
            return _post(client, payload["channel"], breach_message(payload), payload["thread_ts"])
        # --- digests and nurture -------------------------------------------------------
        case MessageKind.TEAM_DIGEST:
            return _post(client, payload["channel"], digest_message(payload))
        case MessageKind.WEEKLY_CHART:
            return _upload_chart(client, payload)
        case MessageKind.AWAY_SUMMARY:
            return dm(away_message(payload))
        case MessageKind.QUIET_LEADS:
            return dm(quiet_leads_message(payload))
        case MessageKind.READY_FOR_SALES:
            return _post(client, payload["channel"], ready_for_sales(payload))
        case MessageKind.ADMIN_ALERT:
            return dm(delivery_alert(payload))
        case MessageKind.HOME_REFRESH:
            return _publish_home(client, home, message)


def _publish_home(client: WebClient, home: HomeBuilder | None, message: OutboxMessage) -> DeliveryReceipt:
    """The person's Home tab, built now: whatever changed since the refresh was asked for
    shows too. A sender with no builder (a test's) has nothing to publish."""
    viewer = message.payload["viewer"]
    if home is not None:
        client.views_publish(user_id=viewer, view=home(message.team_id, viewer))
    return DeliveryReceipt(channel="home", ts="")


def _upload_chart(client: WebClient, payload: dict[str, Any]) -> DeliveryReceipt:
    """The chart as a file in the team channel (files_upload_v2: three calls). A retry after
    a failure uploads it again: Slack keeps no half-finished upload visible."""
    chart = payload["chart"]
    client.files_upload_v2(
        channel=payload["channel"],
        content=chart_png(chart),
        filename=payload["filename"],
        title=f"Last week · {chart['title']}",
        initial_comment=f"📊 Last week's funnel and sources · {escape(chart['title'])}",
    )
    return DeliveryReceipt(channel=payload["channel"], ts="")


def _decided(client: WebClient, payload: dict[str, Any]) -> DeliveryReceipt:
    """The proposal's message rewritten in place, then the decision in its thread. A retry
    after a failed reply rewrites the message again, which changes nothing."""
    if not payload.get("ts"):
        return _post(client, payload["channel"], decided_message(payload))
    shown = decided_message(payload)
    client.chat_update(channel=payload["channel"], ts=payload["ts"], text=shown.text, blocks=shown.blocks)
    return _post(client, payload["channel"], thread_reply(payload), payload["ts"])


def _to_person(client: WebClient, dms: Dms, team_id: str, user_id: str, msg: SlackMessage) -> DeliveryReceipt:
    """A DM, in the channel remembered for the person; the first time, the channel
    conversations.open names, remembered from then on: one call per person, not per message
    (the method is Tier 3, about 50 a minute). While Slack says that limit is reached, the
    message is addressed to the person's id, which Slack takes as their DM with the bot, and
    the channel its answer names is remembered instead."""
    channel = dms.remembered.channel_of(team_id, user_id)
    if channel is not None:
        return _post(client, channel, msg)
    opened = _open(client, dms.opening, user_id)
    if not still_ours.get()():  # the open stalled past the lease: another sender has the message
        raise DeliveryFailed("the lease ran out while the DM was being opened")
    receipt = _post(client, opened or user_id, msg)
    if receipt.channel:
        dms.remembered.remember(team_id, user_id, receipt.channel)
    return receipt


def _open(client: WebClient, limit: OpenLimit, user_id: str) -> str | None:
    if limit.resting():
        return None
    try:
        return str(client.conversations_open(users=user_id)["channel"]["id"])
    except SlackApiError as exc:
        if exc.response.status_code != 429:
            raise
        limit.rest(float(exc.response.headers.get("Retry-After") or 1))
        return None


def _answer(
    client: WebClient, payload: dict[str, Any], dm: Callable[[SlackMessage], DeliveryReceipt]
) -> DeliveryReceipt:
    """A queued command's answer: where the command came from while its response_url
    lives, else in the person's DM."""
    message = payload["message"]
    if "response_url" in payload:
        answer = WebhookClient(payload["response_url"], timeout=client.timeout).send_dict(message)
        if answer.status_code == 200:
            return DeliveryReceipt(channel="response_url", ts="")
        if answer.status_code == 429 or answer.status_code >= 500:
            raise DeliveryFailed(reason=f"response_url HTTP {answer.status_code} {answer.body}".strip())
        # Refused for good (expired, used up): the answer still reaches the person.
    return dm(SlackMessage(text=message["text"], blocks=message.get("blocks") or []))


def _post(
    client: WebClient, channel: str, msg: SlackMessage, thread_ts: str | None = None
) -> DeliveryReceipt:
    shown = fit(msg)  # what Slack would refuse, it would not show at all
    try:
        return _chat_post(client, channel, shown, thread_ts)
    except SlackApiError as exc:
        error = _error_of(exc)
        if error not in CONTENT_ERRORS:
            raise
    # Refused again, the SlackApiError makes the message dead: never a blind retry.
    log.warning("Slack refused a message (%s); sending it once more, shortened", error)
    return _chat_post(client, channel, shortened(shown, error), thread_ts)


def shortened(msg: SlackMessage, error: str) -> SlackMessage:
    """What Slack should take where it refused `msg`: too long, its first rows in half the
    room; otherwise (blocks it would not take, no text) its text alone, cut short."""
    if error == "msg_blocks_too_long" and msg.blocks:
        return fit(msg, Room(chars=MESSAGE_TEXT_BUDGET // 2))
    text = (
        msg.text.strip() or "A message from Leadbot could not be shown here: ask an admin to check the log."
    )
    if len(text) > SHORT_TEXT:
        text = text[: SHORT_TEXT - 1] + "…"
    return SlackMessage(text=text, blocks=[])


def _chat_post(
    client: WebClient, channel: str, shown: SlackMessage, thread_ts: str | None
) -> DeliveryReceipt:
    answer = client.chat_postMessage(
        channel=channel, text=shown.text, blocks=shown.blocks or None, thread_ts=thread_ts
    )
    return DeliveryReceipt(channel=answer["channel"], ts=answer["ts"])


def _error_of(exc: SlackApiError) -> str:
    return str(exc.response.get("error", "")) if exc.response.data else ""


def _failure(exc: SlackApiError) -> DeliveryFailed:
    status = exc.response.status_code
    error = _error_of(exc)
    retry_after = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
    return DeliveryFailed(
        reason=f"HTTP {status} {error}".strip(),
        retry_after=float(retry_after) if retry_after else None,
        permanent=error in PERMANENT_ERRORS,
    )
