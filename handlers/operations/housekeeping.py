"""Forgetting what no longer serves: bookkeeping rows that would otherwise grow forever."""

from datetime import datetime, timedelta

from handlers.operations.replays import PREFIX as WEBHOOK_KEYS
from handlers.operations.replays import REPLAY_WINDOW
from store.unit_of_work import UowFactory

# Slack retries within minutes and a double click within seconds; a week is ample.
REQUEST_KEYS_KEPT = timedelta(days=7)
# Long enough that nothing re-queues a message under the same dedupe key afterwards.
SENT_MESSAGES_KEPT = timedelta(days=90)
# A conversation's pace matters for seconds (minutes after a long Retry-After).
PACING_KEPT = timedelta(days=1)


def prune(now: datetime, uow_factory: UowFactory) -> int:
    """One transaction; returns how many rows went."""
    with uow_factory() as uow:
        gone = uow.requests.prune(now - REQUEST_KEYS_KEPT)
        # one a webhook request: at a busy form's pace a week of them would be millions of rows
        gone += uow.requests.prune(now - REPLAY_WINDOW, prefix=WEBHOOK_KEYS)
        gone += uow.outbox.prune_sent(now - SENT_MESSAGES_KEPT)
        gone += uow.outbox.prune_pacing(now - PACING_KEPT)
        uow.commit()
    return gone
