"""Scheduled jobs: plain functions of `now`; `leadbot tick` calls the same ones."""

import logging
from collections.abc import Callable
from datetime import datetime

from handlers.deliver import Deliver, UowFactory, deliver_outbox, queue_due_reminders
from handlers.resurface import resurface_open_reminders

log = logging.getLogger(__name__)
MAX_ROUNDS = 100  # bounds one pass, so a huge backlog cannot pin a tick forever


def _drain(step: Callable[[], int]) -> int:
    """Run a batch step until it finds nothing more (or MAX_ROUNDS); the total it did."""
    total = 0
    for _ in range(MAX_ROUNDS):
        done = step()
        total += done
        if not done:
            break
    return total


def send_due_reminders(now: datetime, uow_factory: UowFactory) -> int:
    return _drain(lambda: queue_due_reminders(now, uow_factory))


def resurface_overdue(now: datetime, uow_factory: UowFactory) -> int:
    return _drain(lambda: resurface_open_reminders(now, uow_factory))


def flush_outbox(now: datetime, uow_factory: UowFactory, deliver: Deliver) -> int:
    sent = 0
    for _ in range(MAX_ROUNDS):
        report = deliver_outbox(now, uow_factory, deliver)
        sent += report.sent
        if report.sent + report.failed == 0:
            break
    return sent


# Carries out one batch of commands queued at the ack; returns how many it took.
DeferredJob = Callable[[datetime], int]


def answer_deferred(now: datetime, uow_factory: UowFactory, deliver: Deliver, job: DeferredJob) -> int:
    """Queued commands, their answers sent after each batch so the first reps
    waiting are not held up by the whole backlog."""
    done = 0
    for _ in range(MAX_ROUNDS):
        taken = job(now)
        done += taken
        if not taken:
            break
        flush_outbox(now, uow_factory, deliver)
    return done


# The daily rescore (handlers/decay.decay_daily with the config bound); returns leads rescored.
ScoresJob = Callable[[datetime], int]


def decay_scores(now: datetime, job: ScoresJob | None) -> int:
    """Engagement fades: the first pass of each UTC day rescores every open lead (the job
    claims the day, so later passes and other processes find nothing to do)."""
    return job(now) if job else 0


def run_all(
    now: datetime,
    uow_factory: UowFactory,
    deliver: Deliver,
    deferred: DeferredJob | None = None,
    scores: ScoresJob | None = None,
) -> dict[str, int]:
    """One pass of every job, in the order that lets a due reminder go out at once."""
    return {
        "commands_done": answer_deferred(now, uow_factory, deliver, deferred) if deferred else 0,
        "reminders_queued": send_due_reminders(now, uow_factory),
        "reminders_resurfaced": resurface_overdue(now, uow_factory),
        # before the outbox flush, so a lead that crossed SQL is announced in this pass
        "scores_rescored": decay_scores(now, scores),
        "messages_sent": flush_outbox(now, uow_factory, deliver),
    }
