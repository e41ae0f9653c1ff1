"""The pacing book: per Slack conversation, when it may take its next message, locked
inside the outbox claim so that every process sending to Slack keeps to the same pace."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.delivery.pacing import early
from store.sql import insert_all_ignoring_conflicts, supports_skip_locked
from store.tables import ChannelPacingRow

Conversation = tuple[str, str]  # (team_id, channel_key)
# How long a claimed message holds its conversation at most: longer than a Slack call with
# its retries (DELIVERY_TIMEOUT), short enough that a dead sender's conversation resumes soon.
IN_FLIGHT = timedelta(seconds=30)
# A message whose slot came while its conversation's last message is still on its way
# looks again this soon: that one lands within a Slack call's latency.
RECHECK = timedelta(milliseconds=100)


class PacingBook:
    def __init__(self, session: Session, now: datetime) -> None:
        self._s, self._now = session, now
        self._rows: dict[Conversation, ChannelPacingRow] = {}

    def at(self, now: datetime) -> None:
        """Read the clock again once the rows are locked: a claim that waited for another
        sender's lock paces from when it goes, not from when it began to wait."""
        self._now = now

    def open(self, conversations: set[Conversation]) -> None:
        """Create the missing rows and lock them all, in one sorted order, so that two
        claimers needing the same conversations cannot deadlock."""
        if not conversations:
            return
        # One statement for them all (a claim names dozens), its rows in the sorted order.
        now = self._now
        rows = [
            {"team_id": team_id, "channel_key": key, "next_allowed_at": now, "reserved_until": now}
            for team_id, key in sorted(conversations)
        ]
        self._s.execute(insert_all_ignoring_conflicts(self._s, ChannelPacingRow, rows))
        query = (
            sa.select(ChannelPacingRow)
            .where(sa.tuple_(ChannelPacingRow.team_id, ChannelPacingRow.channel_key).in_(conversations))
            .order_by(ChannelPacingRow.team_id, ChannelPacingRow.channel_key)
        )
        if supports_skip_locked(self._s):
            query = query.with_for_update()
        self._rows = {(row.team_id, row.channel_key): row for row in self._s.scalars(query)}

    def rest(self, conversation: Conversation, until: datetime) -> None:
        """Slack said wait (a 429's Retry-After): nothing more goes there before `until`, and
        then one at a time (no burst: Slack's bucket is empty)."""
        self.open({conversation})
        row = self._rows[conversation]
        row.next_allowed_at = max(row.next_allowed_at, until + early())
        row.reserved_until = max(row.reserved_until, until + early())
        row.in_flight_until = None

    def landed(self, conversation: Conversation, earliest: datetime | None = None) -> None:
        """The message on its way there is answered (or given back): the conversation is free
        again, from `earliest` if given. One UPDATE: the row exists since the claim."""
        team_id, key = conversation
        values: dict[str, object] = {"in_flight_until": None}
        if earliest is not None:
            later = ChannelPacingRow.next_allowed_at < earliest
            values["next_allowed_at"] = sa.case((later, earliest), else_=ChannelPacingRow.next_allowed_at)
        self._s.execute(
            sa.update(ChannelPacingRow)
            .where(ChannelPacingRow.team_id == team_id, ChannelPacingRow.channel_key == key)
            .values(**values)
        )

    def take(self, conversation: Conversation, cost: timedelta, holder: bool = False) -> datetime | None:
        """None: the message may go now, and the conversation rests `cost` after it.
        Otherwise the instant of the next free slot, which the message now holds: the
        waiting messages of a burst get successive slots rather than all retrying at once.
        A `holder` (a message whose slot came while its conversation still rests) waits
        only for the conversation to be free.

        `next_allowed_at` is the conversation's theoretical next instant (a token bucket kept
        as one time, GCRA): a message may go `early()` before it, so a rested conversation
        takes a burst. One message is on its way to a conversation at a time, and it paces
        from when Slack answered (`landed`), so what Slack counts is never closer than this."""
        row = self._rows[conversation]
        ahead = early()
        busy = row.in_flight_until is not None and row.in_flight_until > self._now
        # A newcomer queues behind the slots already handed out (first come, first served): it
        # may go now only if the conversation has room once they are all spent.
        due = row.next_allowed_at if holder else max(row.next_allowed_at, row.reserved_until)
        if not busy and due - ahead <= self._now:
            row.next_allowed_at = max(row.next_allowed_at, self._now) + cost
            row.reserved_until = max(row.reserved_until, row.next_allowed_at)
            row.in_flight_until = self._now + IN_FLIGHT
            return None
        # The message on its way lands within a Slack call: never look again sooner than this.
        soonest = self._now + RECHECK
        if holder and (busy or row.reserved_until > row.next_allowed_at):
            return max(row.next_allowed_at - ahead, soonest)
        slot = max(row.next_allowed_at, row.reserved_until)
        row.reserved_until = slot + cost
        return max(slot - ahead, soonest)
