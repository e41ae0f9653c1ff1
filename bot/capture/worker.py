"""The background process of `leadbot serve`: queued captures and the scheduler (the
child-process implementation of the capture queue, bot/capture/queue.py).

A capture costs milliseconds of Python (matching, scoring, about ten statements); an
ack that only checks and queues a command costs a fraction of one. In one process they
share one GIL, so every ack would wait behind whatever capture is running. Here the
captures run in a child process at a lower CPU priority (NICENESS): under a burst the
acks keep the CPU and stay short, and the queue is worked off as soon as the burst
thins. Nothing is lost to that: a command is queued before its ack goes out, and a
worker that dies leaves it to the next one (lease and request key, handlers/capture/deferred.py).

The periodic jobs (scheduler/runner.py: the sweep, paced delivery, housekeeping) run in
this process too, at the same priority, so the server process does nothing but answer
Slack. The server kicks the worker through a pipe after queuing a command or an outbox
message; the worker reads a closed pipe as the server gone, and stops. `busy` tells the
server's listeners that the queue is being worked, so a new capture queues behind it
(bot/capture/queue.QueueFront.capture) rather than contend with it for the database.

The child builds its jobs with `make_jobs`, handed in by the composition root (a module-level
function, which `spawn` pickles by name), so this module never imports bot/bootstrap.py.
"""

import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from ctypes import c_bool, c_double
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

from bot.capture.queue import BriefWait, QueueFront
from bot.operations.logs import configure_logging
from bot.operations.metrics import Snapshot, watch_scheduler
from bot.operations.settings import Settings
from domain.config import LeadbotConfig
from handlers.capture.deferred import Enqueue
from scheduler.heartbeat import Heartbeat
from scheduler.jobs import Jobs, kicked_round
from scheduler.runner import build_scheduler, utc_now

log = logging.getLogger(__name__)

NICENESS = 19  # the least share of a core against a busy server process
IDLE_SECONDS = 10.0  # a look at the queue now and then: commands left by a crash, other replicas
STOP_SECONDS = 5.0
_START = multiprocessing.get_context("spawn")  # never fork a process that runs threads
# Every scheduled job and queued commands, against the configured database and Slack.
MakeJobs = Callable[[Settings, LeadbotConfig], Jobs]


class ChildProcessQueue(QueueFront):
    """The capture queue worked by a child process, which runs the scheduler too."""

    def __init__(
        self,
        settings: Settings,
        config: LeadbotConfig,
        sweep_seconds: float,
        enqueue: Enqueue,
        make_jobs: MakeJobs,
        brief_lock_wait: BriefWait,
        slot: threading.Lock,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        super().__init__(enqueue, brief_lock_wait, slot)
        # Where the child leaves its series for the server's GET /metrics (bot/operations/metrics.Snapshot).
        self.metrics_file = Path(tempfile.mkdtemp(prefix="leadbot-metrics-")) / "background.json"
        self._kicked, self._busy = _START.RawValue(c_bool, False), _START.RawValue(c_bool, False)
        self.heartbeat = Heartbeat(_START.RawValue(c_double, 0.0))  # the child's sweeps
        kicks, self._kicks = _START.Pipe(duplex=False)
        self._send = threading.Lock()
        self._process = _START.Process(
            target=serve_queue,
            args=(
                settings,
                config,
                make_jobs,
                kicks,
                self._kicked,
                self._busy,
                sweep_seconds,
                idle_seconds,
                self.heartbeat,
                self.metrics_file,
            ),
            name="leadbot-capture-worker",
            daemon=True,
        )
        self._their_end = kicks

    def start(self) -> None:
        self.heartbeat.beat(datetime.now(UTC))  # the first sweep is due a period from now
        self._process.start()
        self._their_end.close()

    def kick(self) -> None:
        """Wake the worker: a command was queued, or outbox messages committed. Busy from
        now on, not from when the worker wakes: a capture arriving in between would
        otherwise run in the server beside the worker's writes, and the two would meet at
        the database's write lock (on SQLite, a busy handler that sleeps for milliseconds).
        One byte per wake-up at most: the flag says one is on its way."""
        with self._send:
            self._busy.value = True
            if self._kicked.value:
                return
            self._kicked.value = True
            try:
                self._kicks.send_bytes(b"!")
            except OSError:
                log.warning(
                    "the capture worker is gone; queued commands wait for a restart or `leadbot tick`"
                )

    def busy(self) -> bool:
        return bool(self._busy.value)

    def alive(self) -> bool:
        """False once started and gone (crashed, killed); True before it is started."""
        return self._process.pid is None or self._process.is_alive()

    def running(self) -> bool:
        """Started and not gone."""
        return self._process.pid is not None and self._process.is_alive()

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """A closed pipe tells the worker to stop after its round; one still at work after
        `timeout` is killed (it takes no signal to stop: see serve_queue), which loses nothing
        (its claims' leases expire)."""
        self._kicks.close()
        if self._process.pid is not None:
            self._process.join(timeout)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(timeout)
        shutil.rmtree(self.metrics_file.parent, ignore_errors=True)


def serve_queue(
    settings: Settings,
    config: LeadbotConfig,
    make_jobs: MakeJobs,
    kicks: Connection,
    kicked: c_bool,
    busy: c_bool,
    sweep_seconds: float,
    idle_seconds: float,
    heartbeat: Heartbeat,
    metrics_file: Path | None = None,
) -> None:
    """The child process: the scheduler, and a round (scheduler.jobs.kicked_round: queued
    commands, then the outbox) whenever kicked, when the next paced message falls due, or
    when idle_seconds pass, until the server closes the pipe. Its series (the scheduler's jobs,
    the outbox's Slack calls) go to `metrics_file` after each job and round, for the
    server's GET /metrics (bot/operations/metrics.Snapshot)."""
    os.nice(NICENESS)
    # Ctrl-C reaches the whole process group and a service manager's SIGTERM often the whole
    # group too: the server decides when this process stops (it closes the pipe once its
    # requests in hand are answered), so the round in hand always finishes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    configure_logging(settings)
    jobs = make_jobs(settings, config)
    scheduler = build_scheduler(jobs, every_seconds=sweep_seconds, heartbeat=heartbeat)
    snapshot = Snapshot(metrics_file) if metrics_file else None
    watch_scheduler(scheduler, snapshot)
    scheduler.start()
    try:
        wait = idle_seconds
        while _wait_for_kick(kicks, wait):
            kicked.value = False  # before the round: a kick from now on means another round
            busy.value = True
            wait = idle_seconds
            try:
                # a kick also stands for outbox messages the server committed; a message moved
                # to its channel's next slot wakes the loop at that slot
                due_in = kicked_round(jobs, utc_now)
                wait = idle_seconds if due_in is None else min(idle_seconds, due_in)
            except Exception:  # noqa: BLE001 - the worker must outlive one bad round
                log.exception("capture worker round failed")
            finally:
                busy.value = False
                if snapshot is not None:
                    snapshot.write()
    finally:
        scheduler.shutdown(wait=False)


def _wait_for_kick(kicks: Connection, idle_seconds: float) -> bool:
    """False once the server has closed its end of the pipe."""
    try:
        if kicks.poll(idle_seconds):
            while kicks.poll():
                kicks.recv_bytes()
    except (EOFError, OSError):
        return False
    return True
