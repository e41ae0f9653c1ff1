"""Sending one signed request several times, as Slack re-sends it, and reading what each
copy changed: the rows of every table and the calls made to Slack."""

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from support import run_paced

from bot.local.standin.signer import SignedRequest
from bot.local.standin.workspace import LocalWorkspace, Reply
from scheduler.jobs import flush_outbox
from store.tables import Base

# What Slack sends with a copy of a request whose first answer it did not get in time
# (https://docs.slack.dev/apis/events-api/#retries); a double click looks the same, without them.
RETRY_REASON = "http_timeout"

# Calls a listener makes to answer the request itself: a repeat may answer again, and Slack
# shows the same thing (views.open on an open view is answered 200 and changes nothing).
# Whatever the outbox delivers is an effect, whatever its method.
ANSWERS = frozenset({"response_url", "chat.postEphemeral", "chat.update", "views.open", "views.update"})
# Calls that only read from Slack: no one sees them.
READS = frozenset({"users.info", "chat.getPermalink", "files.info", "file_download", "auth.test"})
# A cache of what Slack said about people, not an effect of any request.
CACHES = frozenset({"user_timezones"})
Rows = dict[str, list[tuple[str, ...]]]  # every table's rows, as text
ERROR_MARKS = ("⚠️", "😞")  # how bot/blocks render a refusal and an apology
SHOWN = ("text", "blocks", "view", "response_action")  # of an answer, what the person sees


@dataclass(frozen=True, slots=True)
class Copy:
    """One copy of the request: the app's HTTP answer, the calls its listeners made to Slack
    and what the outbox delivered for it."""

    reply: Reply
    calls: list[Any]
    delivered: list[Any]

    @property
    def answer(self) -> list[dict[str, Any]]:
        """What the person sees: the ack (text, blocks, a form's action) and every answer
        sent after it (through response_url, as an ephemeral message, a modal or an update)."""
        acked = self.reply.body if isinstance(self.reply.body, dict) else {"text": self.reply.body}
        later = [call.params for call in self.calls if call.method in ANSWERS]
        shown = [{key: said[key] for key in SHOWN if said.get(key)} for said in [acked, *later]]
        return [said for said in shown if said]

    @property
    def is_error(self) -> bool:
        """A refusal or an apology, or a form sent back with errors at its inputs."""
        return any(
            said.get("response_action") == "errors" or str(said.get("text", "")).startswith(ERROR_MARKS)
            for said in self.answer
        )

    @property
    def effects(self) -> Counter[str]:
        made = [call.method for call in self.calls if call.method not in ANSWERS | READS]
        return Counter(made + [call.method for call in self.delivered])


def retry_of(request: SignedRequest, number: int) -> SignedRequest:
    """The same body and signature; Slack's retry headers are not part of what is signed."""
    headers = {"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": RETRY_REASON}
    return SignedRequest(request.body, {**request.headers, **headers})


def send_copy(slack: LocalWorkspace, runtime: Any, request: SignedRequest, retry: int = 0) -> Copy:
    """Send the request (`retry` > 0: as Slack's retry of that number), wait for its work
    after the ack, then deliver what it queued: the calls recorded are this copy's own."""
    calls = slack.fake.calls
    reply = slack.send(retry_of(request, retry) if retry else request)
    drain_lazy_work(runtime.app)
    answered = slack.fake.calls
    deliver_outbox(runtime)
    return Copy(reply, answered[len(calls) :], slack.fake.calls[len(answered) :])


def settle(runtime: Any) -> None:
    """Wait for the lazy listeners, then deliver what the outbox holds."""
    drain_lazy_work(runtime.app)
    deliver_outbox(runtime)


def deliver_outbox(runtime: Any) -> None:
    """Every message queued, at Slack's pace of one a second per conversation."""
    jobs = runtime.jobs
    run_paced(lambda now: flush_outbox(now, jobs.uow_factory, jobs.deliver, jobs.admins), datetime.now(UTC))


def drain_lazy_work(app: Any, timeout: float = 10) -> None:
    """Bolt runs lazy listeners on a thread pool, first in first out: once one task per
    worker holds every worker at a barrier, all work submitted before them has finished."""
    executor = app.listener_runner.listener_executor
    workers = executor._max_workers  # noqa: SLF001 - the pool Bolt made; no public size
    barrier = threading.Barrier(workers + 1, timeout=timeout)
    for _ in range(workers):
        executor.submit(barrier.wait)
    barrier.wait()


def rows(engine: sa.Engine) -> Rows:
    """Every row of every table (caches aside), in a stable order."""
    with engine.connect() as connection:
        return {
            table.name: sorted(tuple(map(repr, row)) for row in connection.execute(sa.select(table)))
            for table in Base.metadata.sorted_tables
            if table.name not in CACHES
        }


def added(before: Rows, after: Rows) -> dict[str, int]:
    """Rows added (or removed, negative) per table, tables that did not change left out."""
    counts = {name: len(after[name]) - len(before[name]) for name in after}
    return {name: count for name, count in counts.items() if count}
