"""The APScheduler 3.x process: a few sweeper jobs, never one job per reminder."""
# https://apscheduler.readthedocs.io/en/3.x/userguide.html

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from domain.delivery.pacing import SPACING
from scheduler.heartbeat import Heartbeat
from scheduler.jobs import Jobs, housekeeping, run_sweep, send_as_due

log = logging.getLogger(__name__)
SWEEP_JOB = "leadbot.sweep"
HOUSEKEEPING_JOB = "leadbot.housekeeping"
# Per-item work lives in our own tables, so a missed run only delays it: run
# late rather than drop it, never two at once, and fold a backlog into one run.
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
PACE_JOB = "leadbot.paced"
PACE_SECONDS = SPACING.total_seconds()
PACE_BUSY = 0.9 * PACE_SECONDS  # a paced run ends before the next is due, so none is skipped


def utc_now() -> datetime:
    return datetime.now(UTC)


def build_scheduler(
    jobs: Jobs, every_seconds: float = 10, heartbeat: Heartbeat | None = None
) -> BackgroundScheduler:
    """`heartbeat` hears of every sweep that finished (GET /readyz: is the scheduler lagging?)."""
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    beats = heartbeat or Heartbeat()

    def sweep() -> None:
        run_sweep(utc_now(), jobs, utc_now)
        beats.beat(utc_now())

    def paced() -> None:
        send_as_due(jobs, utc_now, PACE_BUSY)

    def hourly() -> None:
        housekeeping(datetime.now(UTC), jobs)

    scheduler.add_job(sweep, "interval", seconds=every_seconds, id=SWEEP_JOB, replace_existing=True)
    # Every second, one indexed query: messages waiting for their channel's pace (or a
    # Retry-After) go out at that pace, not one a sweep interval; within the second, each
    # as its slot comes (send_as_due sleeps until the next). A job, not a reschedule of
    # the sweep from inside it: scheduler calls from a running job deadlock its shutdown.
    scheduler.add_job(paced, "interval", seconds=PACE_SECONDS, id=PACE_JOB, replace_existing=True)
    # Hourly: the deletes read whole tables, and nothing is urgent about forgetting.
    scheduler.add_job(hourly, "interval", hours=1, id=HOUSEKEEPING_JOB, replace_existing=True)
    return scheduler


def kick(scheduler: BackgroundScheduler) -> None:
    """Run the whole sweep now. Not how committed messages are sent: APScheduler skips a run
    that falls due while the sweep is running (`max_instances=1`), so such a kick would be
    lost; the server kicks its Worker instead (bot/bootstrap.py), which never loses one."""
    job = scheduler.get_job(SWEEP_JOB)
    if job is not None and scheduler.running:
        job.modify(next_run_time=datetime.now(UTC))


# A round of the worker; what it returns is how soon it wants to run again without a kick
# (seconds; None: after the idle interval).
Round = Callable[[datetime], float | None]


class Worker:
    """A thread that runs `job` soon after each kick. APScheduler skips a run that
    falls due while the job is still running, so a kick landing mid-run would wait
    for the next interval; here a kick during a run makes the thread go round again.
    A round may ask to run again sooner than `idle_seconds` (an outbox message moved to
    its channel's next slot): the thread wakes then, or at a kick, whichever comes first."""

    def __init__(self, job: Round, idle_seconds: float = 10) -> None:
        self._job, self._idle = job, idle_seconds
        self._kicked, self._stopping = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._loop, name="leadbot-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5) -> None:
        self._stopping.set()
        self._kicked.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def kick(self) -> None:
        self._kicked.set()

    def running(self) -> bool:
        """Started and not yet stopped or dead."""
        return self._thread.is_alive()

    def _loop(self) -> None:
        wait = self._idle
        while not self._stopping.is_set():
            self._kicked.wait(wait)
            self._kicked.clear()  # before the run: a kick from now on means another round
            if self._stopping.is_set():
                return
            wait = self._idle
            try:
                again = self._job(datetime.now(UTC))
            except Exception:  # noqa: BLE001 - the worker must outlive one bad round
                log.exception("worker round failed")
                continue
            if again is not None:
                wait = min(wait, again)
