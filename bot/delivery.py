"""Sending outbox messages through the Slack Web API, mapping failures to retry or give up."""

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from bot.blocks.alerts import delivery_alert
from bot.blocks.digest import away_message, digest_message, quiet_leads_message
from bot.blocks.fit import fit
from bot.blocks.outbox import channel_post, lead_announcement, mention_reply, reminder_message
from bot.blocks.routing import assigned_dm, decided_message, proposal_message, taken_dm, thread_reply
from bot.blocks.score import ready_for_sales
from bot.blocks.sla import breach_message
from bot.blocks.text import SlackMessage
from domain.messages import DeliveryFailed, DeliveryReceipt, MessageKind, OutboxMessage

# Retrying these cannot succeed; the message is parked as dead with the reason.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "account_inactive",
        "invalid_auth",
        "token_revoked",
        "cannot_dm_bot",
        "msg_too_long",
        "invalid_blocks",
        "no_text",
    }
)


def make_deliver(client: WebClient) -> Callable[[OutboxMessage], DeliveryReceipt]:
    def deliver(message: OutboxMessage) -> DeliveryReceipt:
        try:
            return _send(client, message)
        except SlackApiError as exc:
            raise _failure(exc) from exc
        except (SlackClientError, OSError) as exc:
            raise DeliveryFailed(f"Slack unreachable: {exc}") from exc

    return deliver


def _send(client: WebClient, message: OutboxMessage) -> DeliveryReceipt:
    payload = message.payload
    match message.kind:
        case MessageKind.REMINDER_DUE:
            return _post(client, _dm(client, payload["user"]), reminder_message(payload))
        case MessageKind.MENTION_REPLY:
            return _post(client, payload["channel"], mention_reply(payload), payload["thread_ts"])
        case MessageKind.LEAD_ANNOUNCED:
            return _post(client, payload["channel"], lead_announcement(payload))
        case MessageKind.CHANNEL_POST:
            return _post(client, payload["channel"], channel_post(payload))
        case MessageKind.COMMAND_REPLY:
            return _answer(client, payload)
        # routing
        case MessageKind.ROUTING_PROPOSAL:
            return _post(client, payload["channel"], proposal_message(payload))
        case MessageKind.ROUTING_DECIDED:
            return _decided(client, payload)
        case MessageKind.LEAD_ASSIGNED_DM:
            return _post(client, _dm(client, payload["user"]), assigned_dm(payload))
        case MessageKind.LEAD_TAKEN_DM:
            return _post(client, _dm(client, payload["user"]), taken_dm(payload))
        case MessageKind.SLA_BREACHED:
            return _post(client, payload["channel"], breach_message(payload), payload["thread_ts"])
        # --- digests and nurture -------------------------------------------------------
        case MessageKind.TEAM_DIGEST:
            return _post(client, payload["channel"], digest_message(payload))
        case MessageKind.AWAY_SUMMARY:
            return _post(client, _dm(client, payload["user"]), away_message(payload))
        case MessageKind.QUIET_LEADS:
            return _post(client, _dm(client, payload["user"]), quiet_leads_message(payload))
        case MessageKind.READY_FOR_SALES:
            return _post(client, payload["channel"], ready_for_sales(payload))
        case MessageKind.ADMIN_ALERT:
            return _post(client, _dm(client, payload["user"]), delivery_alert(payload))


def _decided(client: WebClient, payload: dict[str, Any]) -> DeliveryReceipt:
    """The proposal's message rewritten in place, then the decision in its thread. A retry
    after a failed reply rewrites the message again, which changes nothing."""
    if not payload.get("ts"):
        return _post(client, payload["channel"], decided_message(payload))
    shown = decided_message(payload)
    client.chat_update(channel=payload["channel"], ts=payload["ts"], text=shown.text, blocks=shown.blocks)
    return _post(client, payload["channel"], thread_reply(payload), payload["ts"])


def _dm(client: WebClient, user_id: str) -> str:
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def _answer(client: WebClient, payload: dict[str, Any]) -> DeliveryReceipt:
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
    as_dm = SlackMessage(text=message["text"], blocks=message.get("blocks") or [])
    return _post(client, _dm(client, payload["user"]), as_dm)


def _post(
    client: WebClient, channel: str, msg: SlackMessage, thread_ts: str | None = None
) -> DeliveryReceipt:
    shown = fit(msg)  # what Slack would refuse, it would not show at all
    answer = client.chat_postMessage(
        channel=channel, text=shown.text, blocks=shown.blocks or None, thread_ts=thread_ts
    )
    return DeliveryReceipt(channel=answer["channel"], ts=answer["ts"])


def _failure(exc: SlackApiError) -> DeliveryFailed:
    status = exc.response.status_code
    error = str(exc.response.get("error", "")) if exc.response.data else ""
    retry_after = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
    return DeliveryFailed(
        reason=f"HTTP {status} {error}".strip(),
        retry_after=float(retry_after) if retry_after else None,
        permanent=error in PERMANENT_ERRORS,
    )
