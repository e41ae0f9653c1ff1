"""Housekeeping forgets old bookkeeping rows and keeps everything still in use."""

from datetime import timedelta

import sqlalchemy as sa
from support import NOW

from domain.capture.deferred import DeferredCommand
from domain.delivery.messages import ChannelPost, DeliveryReceipt, OutboxMessage
from handlers.operations.housekeeping import prune
from store.tables import ChannelPacingRow, DeferredCommandRow, OutboxRow, RequestKeyRow

LONG_AGO = NOW - timedelta(days=120)


def seed(uow_factory, at):
    with uow_factory() as uow:
        uow.requests.first("T1", f"key-{at.isoformat()}", at)
        for status in ("pending", "done"):
            command = DeferredCommand("T1", f"cmd-{status}-{at.isoformat()}", "U1", {}, None, at)
            uow.deferred.add(command)
            if status == "done":  # a command carried out is forgotten at once
                claimed = uow.deferred.claim(at + timedelta(days=365), 10, timedelta(minutes=1))
                uow.deferred.finish(next(c.id for c in claimed if c.request_key == command.request_key))
        paced = {"team_id": "T1", "next_allowed_at": at, "reserved_until": at + timedelta(seconds=3)}
        uow.session.execute(sa.insert(ChannelPacingRow).values(channel_key=f"C-{at.isoformat()}", **paced))
        for status in ("sent", "pending"):
            message = OutboxMessage("T1", f"{status}-{at.isoformat()}", ChannelPost(channel="C1", text="hi"))
            uow.outbox.add(message, at)
        uow.commit()
    with uow_factory() as uow:
        token, [first, *_] = uow.outbox.claim(at, 1, timedelta(minutes=5))
        uow.outbox.mark_sent(first.id, token, DeliveryReceipt("C1", "1.0"), at)
        uow.commit()


def counts(database) -> dict[str, int]:
    engine, _ = database
    with engine.connect() as connection:
        return {
            table.__tablename__: connection.execute(
                sa.select(sa.func.count()).select_from(table)
            ).scalar_one()
            for table in (RequestKeyRow, DeferredCommandRow, OutboxRow, ChannelPacingRow)
        }


def test_old_done_rows_go_and_recent_or_unfinished_ones_stay(database, uow_factory):
    seed(uow_factory, LONG_AGO)
    seed(uow_factory, NOW - timedelta(hours=1))
    assert counts(database) == {
        "request_keys": 2,
        "deferred_commands": 2,
        "outbox_messages": 4,
        "channel_pacing": 2,
    }

    assert prune(NOW, uow_factory) == 3  # the old key, the old sent message, the idle pace
    assert counts(database) == {
        "request_keys": 1,
        "deferred_commands": 2,
        "outbox_messages": 3,
        "channel_pacing": 1,
    }
    assert prune(NOW, uow_factory) == 0
