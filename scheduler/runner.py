"""The APScheduler 3.x process: a few sweeper jobs, never one job per reminder."""
# https://apscheduler.readthedocs.io/en/3.x/userguide.html

from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from handlers.deliver import Deliver, UowFactory
from scheduler.jobs import flush_outbox, resurface_overdue, send_due_reminders

SWEEP_JOB = "leadbot.sweep"
# Per-item work lives in our own tables, so a missed run only delays it: run
# late rather than drop it, never two at once, and fold a backlog into one run.
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


def build_scheduler(
    uow_factory: UowFactory, deliver: Deliver, every_seconds: float = 10
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)

    def sweep() -> None:
        now = datetime.now(UTC)
        send_due_reminders(now, uow_factory)
        resurface_overdue(now, uow_factory)
        flush_outbox(now, uow_factory, deliver)

    scheduler.add_job(sweep, "interval", seconds=every_seconds, id=SWEEP_JOB, replace_existing=True)
    return scheduler


def kick(scheduler: BackgroundScheduler) -> None:
    """Run the sweep now: new outbox rows go out seconds after their commit."""
    job = scheduler.get_job(SWEEP_JOB)
    if job is not None and scheduler.running:
        job.modify(next_run_time=datetime.now(UTC))
