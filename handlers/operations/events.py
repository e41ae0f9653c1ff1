"""Slack events: each event_id is handled once, however often Slack resends it."""

from datetime import datetime

from domain.delivery.messages import MentionReply, OutboxMessage
from store.unit_of_work import SqlUnitOfWork


def first_delivery(uow: SqlUnitOfWork, workspace_id: str, event_id: str, now: datetime) -> bool:
    """True the first time an event id is seen in a workspace. Slack retries an
    event it thinks went unanswered, and Bolt runs the listener again for each."""
    return uow.first_time(workspace_id, f"event:{event_id}", now)


def reply_to_mention(
    uow: SqlUnitOfWork, workspace_id: str, event: dict[str, str], event_id: str, now: datetime
) -> None:
    """Answer in the mention's thread through the outbox, once per event."""
    body = MentionReply(
        channel=event["channel"], thread_ts=event.get("thread_ts") or event["ts"], user=event.get("user", "")
    )
    with uow:
        uow.outbox.add(OutboxMessage(workspace_id, f"mention:{event_id}", body), now)
        uow.commit()
