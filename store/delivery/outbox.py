"""The outbox: Slack messages stored with the change that caused them, then
claimed under a lease, sent, and marked sent only after Slack said ok."""

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.delivery.alerts import UNALERTED, Undelivered
from domain.delivery.messages import DeliveryReceipt, MessageKind, OutboxMessage, read_body
from domain.delivery.pacing import pace_cost, pace_key
from store.delivery.pacing import PacingBook
from store.sql import insert_all_ignoring_conflicts, insert_ignoring_conflict, supports_skip_locked
from store.tables import ChannelPacingRow, OutboxRow

MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(hours=1)


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self._s = session
        self.added = 0
        self.deferred = 0  # messages claim_paced moved to a later slot

    def add(self, message: OutboxMessage, now: datetime) -> None:
        """Queue a message; a second message with the same dedupe key is dropped."""
        self.added += 1
        self._s.execute(insert_ignoring_conflict(self._s, OutboxRow, **_pending(message, now)))

    def add_all(self, messages: Sequence[OutboxMessage], now: datetime, due: datetime | None = None) -> None:
        """Queue many in one statement (a burst of due reminders), each dropped as `add` would;
        `due`: not sent before then (a debounced Home tab refresh)."""
        if messages:
            self.added += len(messages)
            rows = [_pending(message, now, due) for message in messages]
            self._s.execute(insert_all_ignoring_conflicts(self._s, OutboxRow, rows))

    def claim(self, now: datetime, limit: int, lease: timedelta) -> tuple[str, list[OutboxMessage]]:
        """Lease due messages to this caller. A claimer that dies leaves a lease
        that simply expires, so the message is not lost; other claimers skip it
        until then, so it is not sent twice while the lease holds."""
        rows = list(self._s.scalars(self._due(now, limit)))
        return self._lease(rows, now, lease)

    def claim_paced(
        self, now: datetime, limit: int, lease: timedelta, clock: Callable[[], datetime] | None = None
    ) -> tuple[str, list[OutboxMessage]]:
        """As claim, keeping each Slack conversation to its pace: a message whose
        conversation took one too recently is not leased but moved to its next free slot
        (counted in `deferred`), so it neither blocks the other conversations nor waits
        in the sweep."""
        rows = list(self._s.scalars(self._due(now, limit)))
        book = PacingBook(self._s, now)
        keyed = [(row, _to_message(row)) for row in rows]
        book.open({(row.team_id, key) for row, message in keyed if (key := pace_key(message))})
        if clock is not None:
            book.at(max(now, clock()))
        ready = []
        for row, message in keyed:
            key = pace_key(message)
            # A message moved to a slot before holds it: if its turn comes a little late,
            # it waits for the conversation, not behind every message queued meanwhile.
            holder = row.next_attempt_at > row.created_at
            slot = book.take((row.team_id, key), pace_cost(message), holder) if key else None
            if slot is None:
                ready.append(row)
            else:
                row.next_attempt_at, self.deferred = slot, self.deferred + 1
        return self._lease(ready, now, lease)

    def _due(self, now: datetime, limit: int) -> sa.Select[OutboxRow]:
        query = sa.select(OutboxRow).where(*_claimable(now)).order_by(OutboxRow.next_attempt_at, OutboxRow.id)
        query = query.limit(limit)
        return query.with_for_update(skip_locked=True) if supports_skip_locked(self._s) else query

    @staticmethod
    def _lease(rows: list[OutboxRow], now: datetime, lease: timedelta) -> tuple[str, list[OutboxMessage]]:
        token = str(uuid.uuid4())
        for row in rows:
            row.claimed_until, row.claim_token = now + lease, token
        return token, [_to_message(row) for row in rows]

    def release(self, message_ids: list[int], token: str) -> None:
        """Give back leased messages this caller will not send now."""
        self._s.execute(
            sa.update(OutboxRow)
            .where(OutboxRow.id.in_(message_ids), OutboxRow.claim_token == token)
            .values(claimed_until=None, claim_token=None)
        )

    def holds(self, message_id: int, token: str) -> bool:
        """Whether the lease `token` still covers the message (nobody took it over)."""
        query = sa.select(OutboxRow.id).where(OutboxRow.id == message_id, OutboxRow.claim_token == token)
        return self._s.scalar(query) is not None

    def prune_sent(self, before: datetime) -> int:
        """Forget messages Slack took before `before`. Undelivered and dead ones stay
        for the operator; a dedupe key is needed only while its cause can recur."""
        done = self._s.execute(
            sa.delete(OutboxRow).where(OutboxRow.status == "sent", OutboxRow.sent_at < before)
        )
        return int(done.rowcount)  # type: ignore[attr-defined]

    def prune_pacing(self, before: datetime) -> int:
        """Forget the pace of conversations idle since `before`: a missing row means
        "free now", which is what an old one says too. A row a claimer has locked and
        moved forward no longer matches when the delete gets to it."""
        idle = sa.delete(ChannelPacingRow).where(
            ChannelPacingRow.next_allowed_at < before, ChannelPacingRow.reserved_until < before
        )
        return int(self._s.execute(idle).rowcount)  # type: ignore[attr-defined]

    def next_due_after(self, now: datetime) -> datetime | None:
        """The earliest instant a pending message falls due after `now`."""
        query = sa.select(sa.func.min(OutboxRow.next_attempt_at)).where(
            OutboxRow.status == "pending", OutboxRow.next_attempt_at > now
        )
        return self._s.scalar(query)

    def landed(self, message: OutboxMessage, done_at: datetime | None) -> None:
        """Slack answered the message (`done_at`: it had it by then) or it was given back
        (None): its conversation is free, and its next message waits its pace from then, not
        from the claim, so no latency can bring two closer than the pace."""
        key = pace_key(message)
        if key is not None:
            earliest = done_at + pace_cost(message) if done_at is not None else None
            PacingBook(self._s, done_at or datetime.min).landed((message.team_id, key), earliest)

    def mark_sent(self, message_id: int, token: str, receipt: DeliveryReceipt, now: datetime) -> bool:
        done = self._s.execute(
            self._claimed(message_id, token).values(
                status="sent",
                sent_at=now,
                slack_channel=receipt.channel,
                slack_ts=receipt.ts,
                attempts=OutboxRow.attempts + 1,
                claimed_until=None,
                claim_token=None,
            )
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    def mark_failed(
        self,
        message: OutboxMessage,
        token: str,
        error: str,
        now: datetime,
        retry_after: float | None = None,
        permanent: bool = False,
    ) -> None:
        attempts = message.attempts + 1
        dead = permanent or attempts >= MAX_ATTEMPTS
        wait = timedelta(seconds=retry_after) if retry_after else _backoff(attempts)
        if retry_after and (key := pace_key(message)):
            # The whole conversation waits, not just this message: the next one would get a 429 too.
            PacingBook(self._s, now).rest((message.team_id, key), now + wait)
        else:
            self.landed(message, None)
        self._s.execute(
            self._claimed(message.id or 0, token).values(
                status="dead" if dead else "pending",
                attempts=attempts,
                last_error=error[:2000],
                next_attempt_at=now + wait,
                claimed_until=None,
                claim_token=None,
            )
        )

    def claimable(self, now: datetime) -> bool:
        """Whether a claim at `now` would find a message (before its conversation's pace)."""
        return self._s.scalar(sa.select(OutboxRow.id).where(*_claimable(now)).limit(1)) is not None

    def undelivered(self, limit: int) -> list[Undelivered]:
        """Dead messages the admins have not been told of yet (alerts themselves and Home tab
        refreshes excluded: domain/delivery/alerts.UNALERTED)."""
        query = (
            sa.select(OutboxRow)
            .where(
                OutboxRow.status == "dead",
                OutboxRow.alerted_at.is_(None),
                OutboxRow.kind.not_in([str(kind) for kind in UNALERTED]),
            )
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        return [Undelivered(_to_message(row), row.last_error or "") for row in self._s.scalars(query)]

    def mark_alerted(self, message_ids: list[int], now: datetime) -> None:
        self._s.execute(sa.update(OutboxRow).where(OutboxRow.id.in_(message_ids)).values(alerted_at=now))

    def alerted_since(self, key_prefix: str, since: datetime) -> bool:
        """Whether an alert whose dedupe key starts with `key_prefix` was queued after `since`."""
        query = sa.select(OutboxRow.id).where(
            OutboxRow.kind == str(MessageKind.ADMIN_ALERT),
            OutboxRow.dedupe_key.startswith(key_prefix, autoescape=True),
            OutboxRow.created_at > since,
        )
        return self._s.scalar(query.limit(1)) is not None

    def status_of(self, dedupe_key: str) -> str | None:
        """The delivery state of one message, by its dedupe key (None: never queued)."""
        return self._s.scalar(sa.select(OutboxRow.status).where(OutboxRow.dedupe_key == dedupe_key))

    def status_counts(self) -> dict[str, int]:
        query = sa.select(OutboxRow.status, sa.func.count()).group_by(OutboxRow.status)
        return {status: int(count) for status, count in self._s.execute(query)}

    @staticmethod
    def _claimed(message_id: int, token: str) -> sa.Update:
        # Only the holder of the current lease may settle the message.
        return sa.update(OutboxRow).where(OutboxRow.id == message_id, OutboxRow.claim_token == token)


def _claimable(now: datetime) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        OutboxRow.status == "pending",
        OutboxRow.next_attempt_at <= now,
        # During a rolling deploy an older process leaves newer kinds to newer ones.
        OutboxRow.kind.in_([str(kind) for kind in MessageKind]),
        sa.or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until <= now),
    )


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** (attempts - 1)), MAX_BACKOFF)


def _to_message(row: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        team_id=row.team_id,
        dedupe_key=row.dedupe_key,
        body=read_body(MessageKind(row.kind), row.payload),
        id=row.id,
        attempts=row.attempts,
    )


def _pending(message: OutboxMessage, now: datetime, due: datetime | None = None) -> dict[str, Any]:
    return {
        "team_id": message.team_id,
        "dedupe_key": message.dedupe_key,
        "kind": str(message.kind),
        "payload": message.payload,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": due or now,
        "created_at": now,
    }
