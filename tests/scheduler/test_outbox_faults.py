"""A broken message cannot block the outbox, and unknown kinds wait for a process that knows them."""

from datetime import UTC, datetime

import sqlalchemy as sa

from domain.delivery.messages import MessageKind, OutboxMessage, message_body
from handlers.delivery.deliver import deliver_outbox
from store.tables import OutboxRow

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def queue(uow_factory, key, payload, kind=MessageKind.CHANNEL_POST):
    with uow_factory() as uow:
        uow.outbox.add(OutboxMessage("T0CONSOLE", key, message_body(kind, payload)), NOW)
        uow.commit()


def row(database, key):
    engine, _ = database
    with engine.connect() as connection:
        return connection.execute(sa.select(OutboxRow).where(OutboxRow.dedupe_key == key)).one()


def test_a_message_that_crashes_delivery_counts_an_attempt_and_the_rest_still_go(
    database, uow_factory, runtime, fake_slack
):
    # the digest lacks what its rendering needs
    queue(uow_factory, "poison", {"channel": "C0OTHER", "digest": {}}, MessageKind.TEAM_DIGEST)
    queue(uow_factory, "fine", {"channel": "C0SALES", "text": "hello"})
    report = deliver_outbox(NOW, uow_factory, runtime.deliver)
    assert report.sent == 1 and report.failed == 1
    poison = row(database, "poison")
    assert (poison.status, poison.attempts, poison.claim_token) == ("pending", 1, None)
    assert "KeyError" in poison.last_error
    assert [c.params["text"] for c in fake_slack.calls_to("chat.postMessage")] == ["hello"]


def test_a_stored_payload_that_does_not_fit_its_kind_fails_alone(database, uow_factory, runtime, fake_slack):
    insert(database, "unfit", "channel_post", {"no": "channel"})  # no pace: it names no channel
    queue(uow_factory, "fine", {"channel": "C0SALES", "text": "hello"})
    report = deliver_outbox(NOW, uow_factory, runtime.deliver)
    assert report.sent == 1 and report.failed == 1
    unfit = row(database, "unfit")
    assert (unfit.status, unfit.attempts, unfit.claim_token) == ("pending", 1, None)
    assert "does not fit a channel_post message: channel: Field required" in unfit.last_error
    assert [c.params["text"] for c in fake_slack.calls_to("chat.postMessage")] == ["hello"]


def insert(database, key, kind, payload):
    """A row as another version (or a hand) may have left it."""
    engine, _ = database
    with engine.begin() as connection:
        connection.execute(
            sa.insert(OutboxRow).values(
                team_id="T0CONSOLE",
                dedupe_key=key,
                kind=kind,
                payload=payload,
                status="pending",
                attempts=0,
                next_attempt_at=NOW,
                created_at=NOW,
            )
        )


def test_a_kind_this_version_does_not_know_is_left_for_one_that_does(database, uow_factory, runtime):
    insert(database, "future", "from_the_future", {})
    assert deliver_outbox(NOW, uow_factory, runtime.deliver).sent == 0
    assert row(database, "future").status == "pending"
