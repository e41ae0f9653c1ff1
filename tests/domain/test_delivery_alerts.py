"""Dead messages grouped into admin alerts: one per workspace, destination and error."""

from datetime import UTC, datetime

from domain.delivery.alerts import Undelivered, group_undelivered
from domain.delivery.messages import OutboxMessage, Unreadable

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def unreadable(payload: dict[str, object]) -> Undelivered:
    body = Unreadable(kind="channel_post", payload=payload, error="does not fit its model")
    return Undelivered(OutboxMessage("T1", f"k-{len(payload)}", body), "unreadable payload")


def test_an_unreadable_message_is_placed_where_its_stored_form_says():
    [to_channel] = group_undelivered([unreadable({"channel": "C0SALES", "text": 3})])
    [to_person] = group_undelivered([unreadable({"user": "U0ANN"})])

    assert to_channel.target == "channel:C0SALES"
    assert to_person.target == "user:U0ANN"
