"""Two senders on the real clock, as two processes sending to Slack would be: each with its
own engine and sessions, first flushing the outbox, then sending as slots come."""

import threading
from datetime import UTC, datetime

from slack_sdk import WebClient

from bot.delivery.send import make_deliver
from bot.operations.database import open_database
from scheduler.jobs import Jobs, flush_outbox, send_as_due


def two_senders(database_url: str, slack_url: str) -> None:
    """Both send until the outbox is empty (about 2 s with a few messages a channel)."""

    def sender() -> None:
        _, own = open_database(database_url)
        jobs = Jobs(own, make_deliver(WebClient(token="xoxb-test", base_url=slack_url, timeout=5)))
        flush_outbox(datetime.now(UTC), own, jobs.deliver, clock=lambda: datetime.now(UTC))
        send_as_due(jobs, lambda: datetime.now(UTC), seconds=5, idle_after=2)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
