"""Sending outbox messages through the Slack Web API, mapping failures to retry or give up."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError, SlackTokenRotationError
from slack_sdk.webhook import WebhookClient

from bot.blocks.alerts import delivery_alert
from bot.blocks.bulk import owners_dm
from bot.blocks.digest import away_message, digest_message, quiet_leads_message
from bot.blocks.fit import MESSAGE_TEXT_BUDGET, Room, fit
from bot.blocks.outbox import (
    channel_post,
    chart_comment,
    command_answer,
    lead_announcement,
    mention_reply,
    reminder_message,
)
from bot.blocks.routing import assigned_dm, decided_message, proposal_message, taken_dm, thread_reply
from bot.blocks.score import ready_for_sales
from bot.blocks.sla import breach_message
from bot.blocks.text import SlackMessage
from bot.delivery.dms import DmChannels, Dms, OpenLimit, Unremembered, open_dm
from bot.reporting.home import HomeBuilder
from bot.reporting.report_files import chart_png
from domain.delivery.messages import (
    CommandReply,
    DeliveryFailed,
    DeliveryReceipt,
    HomeRefresh,
    MentionReply,
    Message,
    MessageKind,
    OutboxMessage,
    ProposalDecided,
    SlaBreached,
    ToChannel,
    ToPerson,
    Unreadable,
    WeeklyChart,
)
from handlers.delivery.deliver import still_ours

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


def make_deliver(
    client: WebClient | None,
    dms: DmChannels | None = None,
    home: HomeBuilder | None = None,
    client_for: Callable[[str], WebClient | None] | None = None,
) -> Callable[[OutboxMessage], DeliveryReceipt]:
    """`home` builds a person's Home tab when its refresh falls due (bot/reporting/home.py). `client`
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
        except SlackTokenRotationError as exc:  # Slack answered: it is not unreachable
            error = exc.api_error.response.get("error")
            raise DeliveryFailed(f"the workspace's token could not be renewed: {error}") from exc
        except (SlackClientError, OSError) as exc:
            raise DeliveryFailed(f"Slack unreachable: {exc}") from exc

    return deliver


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What one message is sent with: its workspace's client, the DM memory, the Home builder."""

    client: WebClient
    dms: Dms
    team_id: str
    home: HomeBuilder | None


M = TypeVar("M", bound=Message)


class Route(NamedTuple, Generic[M]):
    """Where a kind of message goes, and how it is rendered there (from its typed model)."""

    where: Callable[[Outgoing, M, SlackMessage], DeliveryReceipt]
    render: Callable[[M], SlackMessage]


def _send(client: WebClient, dms: Dms, message: OutboxMessage, home: HomeBuilder | None) -> DeliveryReceipt:
    body = message.body
    if isinstance(body, Unreadable):
        raise DeliveryFailed(f"its stored content does not fit a {body.kind} message: {body.error}")
    where, render = ROUTES[body.kind]
    return where(Outgoing(client, dms, message.team_id, home), body, render(body))


def to_person(out: Outgoing, body: ToPerson, shown: SlackMessage) -> DeliveryReceipt:
    return _to_person(out.client, out.dms, out.team_id, body.user, shown)


def to_channel(out: Outgoing, body: ToChannel, shown: SlackMessage) -> DeliveryReceipt:
    return _post(out.client, body.channel, shown)


def in_thread(out: Outgoing, body: MentionReply | SlaBreached, shown: SlackMessage) -> DeliveryReceipt:
    return _post(out.client, body.channel, shown, body.thread_ts)


def over_proposal(out: Outgoing, body: ProposalDecided, shown: SlackMessage) -> DeliveryReceipt:
    """The proposal's message rewritten in place, then the decision in its thread. A retry
    after a failed reply rewrites the message again, which changes nothing."""
    if not body.ts:
        return _post(out.client, body.channel, shown)
    out.client.chat_update(channel=body.channel, ts=body.ts, text=shown.text, blocks=shown.blocks)
    return _post(out.client, body.channel, thread_reply(body), body.ts)


def as_file(out: Outgoing, body: WeeklyChart, shown: SlackMessage) -> DeliveryReceipt:
    """The chart as a file in the team channel (files_upload_v2: three calls), `shown` its
    comment. A retry after a failure uploads it again: Slack keeps no half-finished upload
    visible."""
    out.client.files_upload_v2(
        channel=body.channel,
        content=chart_png(body.chart),
        filename=body.filename,
        title=f"Last week · {body.chart['title']}",
        initial_comment=shown.text,
    )
    return DeliveryReceipt(channel=body.channel, ts="")


def home_tab(out: Outgoing, body: HomeRefresh, shown: SlackMessage) -> DeliveryReceipt:
    """The person's Home tab, built now: whatever changed since the refresh was asked for
    shows too. A sender with no builder (a test's) has nothing to publish."""
    if out.home is not None:
        out.client.views_publish(user_id=body.viewer, view=out.home(out.team_id, body.viewer))
    return DeliveryReceipt(channel="home", ts="")


def built_when_published(body: HomeRefresh) -> SlackMessage:
    """Nothing to render ahead: the Home tab is built from the database as it is published."""
    return SlackMessage(text="")


def answer(out: Outgoing, body: CommandReply, shown: SlackMessage) -> DeliveryReceipt:
    """A queued command's answer: where the command came from while its response_url
    lives, else in the person's DM."""
    if body.response_url is not None:
        sent = WebhookClient(body.response_url, timeout=out.client.timeout).send_dict(body.message)
        if sent.status_code == 200:
            return DeliveryReceipt(channel="response_url", ts="")
        if sent.status_code == 429 or sent.status_code >= 500:
            raise DeliveryFailed(reason=f"response_url HTTP {sent.status_code} {sent.body}".strip())
        # Refused for good (expired, used up): the answer still reaches the person.
    return to_person(out, body, shown)


ROUTES: dict[MessageKind, Route[Any]] = {
    MessageKind.REMINDER_DUE: Route(to_person, reminder_message),
    MessageKind.CHANNEL_POST: Route(to_channel, channel_post),
    MessageKind.LEAD_ANNOUNCED: Route(to_channel, lead_announcement),
    MessageKind.MENTION_REPLY: Route(in_thread, mention_reply),
    MessageKind.COMMAND_REPLY: Route(answer, command_answer),
    # routing
    MessageKind.ROUTING_PROPOSAL: Route(to_channel, proposal_message),
    MessageKind.ROUTING_DECIDED: Route(over_proposal, decided_message),
    MessageKind.LEAD_ASSIGNED_DM: Route(to_person, assigned_dm),
    MessageKind.LEAD_TAKEN_DM: Route(to_person, taken_dm),
    MessageKind.BULK_OWNERS_DM: Route(to_person, owners_dm),
    MessageKind.SLA_BREACHED: Route(in_thread, breach_message),
    # --- digests and nurture -------------------------------------------------------
    MessageKind.TEAM_DIGEST: Route(to_channel, digest_message),
    MessageKind.WEEKLY_CHART: Route(as_file, chart_comment),
    MessageKind.AWAY_SUMMARY: Route(to_person, away_message),
    MessageKind.QUIET_LEADS: Route(to_person, quiet_leads_message),
    MessageKind.READY_FOR_SALES: Route(to_channel, ready_for_sales),
    MessageKind.ADMIN_ALERT: Route(to_person, delivery_alert),
    MessageKind.HOME_REFRESH: Route(home_tab, built_when_published),
}


def _to_person(client: WebClient, dms: Dms, team_id: str, user_id: str, msg: SlackMessage) -> DeliveryReceipt:
    """A DM, in the channel remembered for the person; the first time, the channel
    conversations.open names, remembered from then on: one call per person, not per message
    (the method is Tier 3, about 50 a minute). While Slack says that limit is reached, the
    message is addressed to the person's id, which Slack takes as their DM with the bot, and
    the channel its answer names is remembered instead."""
    channel = dms.remembered.channel_of(team_id, user_id)
    if channel is not None:
        return _post(client, channel, msg)
    opened = open_dm(client, dms.opening, user_id)
    if not still_ours.get()():  # the open stalled past the lease: another sender has the message
        raise DeliveryFailed("the lease ran out while the DM was being opened")
    receipt = _post(client, opened or user_id, msg)
    if receipt.channel:
        dms.remembered.remember(team_id, user_id, receipt.channel)
    return receipt


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
