"""The capture queue: where a `/lead add` waits when it cannot be done inside its ack, and
what carries it out afterwards. One port, two implementations, chosen by the composition
root (bot/bootstrap.py):

- InThreadQueue (the console, the tests, `build_runtime` by default): a thread of the
  server's own process works the queue, and the scheduler runs beside it.
- ChildProcessQueue (bot/capture/worker.py, `leadbot serve` and `leadbot socket`): a child
  process at a lower CPU priority works the queue and runs the scheduler, so the server's
  process does nothing but answer Slack.

The policy is the same for both and lives here, in QueueFront.capture: a capture runs in
its ack when the process has nothing else in hand, the queue is idle and no other capture
runs (the slot); its own transaction then waits only briefly for a database lock
(store.engine.brief_lock_wait). Otherwise the command is checked, stored in the queue
(store/capture/spool.py, bounded: a full queue answers "send it again in a minute") and acked at
once, and its answer follows on the response_url.
"""

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Protocol

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

from bot.operations.outage import lock_not_had
from handlers.capture.deferred import Enqueue, defer_add
from handlers.commands import AddLead
from handlers.context import Context
from handlers.results import AddQueued, Result

BriefWait = Callable[[], AbstractContextManager[None]]


class CaptureQueue(Protocol):
    slot: threading.Lock  # held by whoever captures a lead now (a listener or the queue's worker)

    def capture(
        self, cmd: AddLead, ctx: Context, response_url: str | None, run: Callable[[], Result], alone: bool
    ) -> Result | AddQueued:
        """`run` now if this is the moment for it (`alone`: no other request in hand), else submit."""

    def submit(self, cmd: AddLead, ctx: Context, response_url: str | None) -> AddQueued:
        """Check the command, store it in the queue and wake the worker; raises Busy when full."""

    def kick(self) -> None:
        """Wake the worker: a command was queued, or outbox messages were committed (both
        implementations send them in the round the kick starts: scheduler.jobs.kicked_round)."""

    def busy(self) -> bool:
        """The queue is being worked: a new capture queues behind it."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def alive(self) -> bool:
        """False once started and gone (crashed, killed); True before it is started."""

    def running(self) -> bool:
        """Started and not gone."""


class QueueFront:
    """What both implementations share: the turn to capture inside the ack, and submitting."""

    def __init__(self, enqueue: Enqueue, brief_lock_wait: BriefWait, slot: threading.Lock) -> None:
        self.slot = slot
        self._enqueue, self._brief_lock_wait = enqueue, brief_lock_wait

    def busy(self) -> bool:
        return False

    def kick(self) -> None:  # each implementation wakes its own worker
        raise NotImplementedError

    def capture(
        self, cmd: AddLead, ctx: Context, response_url: str | None, run: Callable[[], Result], alone: bool
    ) -> Result | AddQueued:
        """An ack never waits behind a capture: with other requests in hand, the queue worked
        or another capture running, the command is queued and acked at once."""
        if not alone or self.busy() or not self.slot.acquire(blocking=False):
            return self.submit(cmd, ctx, response_url)
        try:
            with self._brief_lock_wait():
                return run()
        except (sa.exc.OperationalError, sa.exc.TimeoutError) as error:
            if not lock_not_had(error):
                raise
            # Another process's write (an import, a job) holds the lock: the person gets
            # the queued answer now, the capture follows when the lock is free.
            return self.submit(cmd, ctx, response_url)
        finally:
            self.slot.release()

    def submit(self, cmd: AddLead, ctx: Context, response_url: str | None) -> AddQueued:
        queued = defer_add(cmd, self._enqueue, ctx, response_url)
        self.kick()
        return queued


class Worker(Protocol):
    """A thread that works the queue soon after each kick (scheduler.runner.Worker)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def kick(self) -> None: ...

    def running(self) -> bool: ...


class InThreadQueue(QueueFront):
    """The queue worked by a thread of this process (`worker`, whose job takes `slot` while
    it runs, bot/capture/deferred.py), with the scheduler beside it in this process too."""

    def __init__(
        self,
        enqueue: Enqueue,
        worker: Worker,
        scheduler: BackgroundScheduler,
        on_start: Callable[[datetime], None],
        brief_lock_wait: BriefWait,
        slot: threading.Lock,
    ) -> None:
        super().__init__(enqueue, brief_lock_wait, slot)
        self._worker, self._scheduler, self._on_start = worker, scheduler, on_start

    def kick(self) -> None:
        self._worker.kick()

    def start(self) -> None:
        self._on_start(datetime.now(UTC))  # the first sweep is due a period from now
        self._scheduler.start()
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def alive(self) -> bool:
        """A thread of this process goes only with the process (its rounds catch their faults)."""
        return True

    def running(self) -> bool:
        return self._worker.running() and self._scheduler.running
