"""Scheduled jobs: plain functions of `now`; `leadbot tick` calls the same ones."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from domain.config import LeadbotConfig
from domain.delivery.pacing import SPACING
from handlers.delivery.alerts import alert_admins
from handlers.delivery.deliver import Deliver, deliver_outbox, next_due, outbox_due, queue_due_reminders
from handlers.delivery.send_pump import pump
from handlers.followups.resurface import resurface_open_reminders
from handlers.nurture.jobs import flag_quiet_leads, hold_steps_outside_hours
from handlers.operations.housekeeping import prune
from handlers.operations.retention import erase_expired
from handlers.reporting.digest import post_digests
from handlers.reporting.forecast import record_month_forecasts
from handlers.reporting.weekly_chart import post_weekly_charts
from handlers.routing.decide import approve_overdue_proposals
from handlers.routing.sla import escalate_breaches
from handlers.scoring.training import retrain_stale
from store.unit_of_work import UowFactory

log = logging.getLogger(__name__)
MAX_ROUNDS = 100  # bounds one pass, so a huge backlog cannot pin a tick forever
# A real-clock flush claims for this long at most: the sweep must get on to its other jobs,
# and the paced job, every second, sends a backlog as its slots come.
PUMP_SECONDS = 2.0
Clock = Callable[[], datetime]


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


def flush_outbox(
    now: datetime,
    uow_factory: UowFactory,
    deliver: Deliver,
    admins: tuple[str, ...] = (),
    clock: Clock | None = None,
) -> int:
    """Send what is due; messages parked dead are reported to `admins` in the same pass.
    With the real `clock`, the senders are kept busy (handlers/delivery/send_pump.py) and each claim
    paces from the time it runs, so a long flush never paces a conversation from an instant
    long past (that let two DMs out 0.4 s apart)."""
    if clock is not None:
        alert_admins(now, uow_factory, admins)
        return pump(uow_factory, deliver, clock, time.monotonic() + PUMP_SECONDS)
    sent = 0
    for _ in range(MAX_ROUNDS):
        alerted = alert_admins(now, uow_factory, admins)
        report = deliver_outbox(now, uow_factory, deliver)
        sent += report.sent
        if report.sent + report.failed + alerted == 0:
            break
    return sent


def send_as_due(jobs: "Jobs", clock: Clock, seconds: float, idle_after: float | None = None) -> int:
    """Send each message as its conversation's slot comes, with every sender busy (see
    handlers/delivery/send_pump.py), sleeping until the next slot, for up to `seconds` (or until nothing
    falls due within `idle_after` seconds): a backlog in one conversation goes out every
    second, not at the next tick of a one-second timer."""
    deadline, sent = time.monotonic() + seconds, 0
    while True:
        now = clock()
        if outbox_due(now, jobs.uow_factory):
            alert_admins(now, jobs.uow_factory, jobs.admins)
            sent += pump(jobs.uow_factory, jobs.deliver, clock, deadline)
        upcoming = next_due(clock(), jobs.uow_factory)
        left = deadline - time.monotonic()
        if upcoming is None or left <= 0:
            return sent
        wait = max(0.0, (upcoming - clock()).total_seconds())
        if wait > left or (idle_after is not None and wait > idle_after):
            return sent
        time.sleep(wait)


def retrain_models(now: datetime, uow_factory: UowFactory) -> int:
    """The predictive score of each workspace whose closed leads changed: a large history once
    it grew by 5% or a day passed, a small one (also retrained right after each close) at once."""
    return retrain_stale(now, uow_factory)


def auto_approve_proposals(now: datetime, uow_factory: UowFactory, config: LeadbotConfig) -> int:
    """Routing proposals no manager decided in their team's auto_approve_after_minutes."""
    return _drain(lambda: approve_overdue_proposals(now, uow_factory, config))


def escalate_sla_breaches(now: datetime, uow_factory: UowFactory, config: LeadbotConfig) -> int:
    """Leads whose owner missed the team's first-contact SLA (in working time): the
    proposal's thread is told, managers mentioned, and the lead re-routed where asked."""
    breached = 0
    for _ in range(MAX_ROUNDS):
        sweep = escalate_breaches(now, uow_factory, config)
        breached += sweep.breached
        if not sweep.settled:
            break
    return breached


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


def kicked_round(jobs: "Jobs", clock: Clock) -> float | None:
    """What a kick asks for, wherever the rounds run (the server's worker thread, or the
    background process of `leadbot serve`): the commands queued at an ack carried out, then
    the outbox flushed on the real clock, so what the commits behind the kicks queued is tried
    right after them. Returns the seconds until the next pending message falls due (its
    conversation's slot, a retry), None if none is pending: the caller wakes by then without a
    kick, so a message moved to a slot goes at that slot, not at the next tick of a timer."""
    if jobs.deferred is not None:
        while answer_deferred(clock(), jobs.uow_factory, jobs.deliver, jobs.deferred):
            pass
    flush_outbox(clock(), jobs.uow_factory, jobs.deliver, jobs.admins, clock)
    upcoming = next_due(clock(), jobs.uow_factory)
    return None if upcoming is None else max(0.0, (upcoming - clock()).total_seconds())


# The daily rescore (handlers/scoring/decay.decay_daily with the config bound); returns leads rescored.
ScoresJob = Callable[[datetime], int]


def decay_scores(now: datetime, job: ScoresJob | None) -> int:
    """Engagement fades: the first pass of each UTC day rescores every open lead (the job
    claims the day, so later passes and other processes find nothing to do)."""
    return job(now) if job else 0


@dataclass(frozen=True, slots=True)
class Jobs:
    """What the scheduled jobs work with. The optional parts switch their jobs on: queued
    commands, the config's teams (routing, digests, cadences, SLA, admins) and the daily
    rescore."""

    uow_factory: UowFactory
    deliver: Deliver
    deferred: DeferredJob | None = None
    config: LeadbotConfig | None = None
    scores: ScoresJob | None = None

    @property
    def admins(self) -> tuple[str, ...]:
        return self.config.admins if self.config else ()


def run_sweep(now: datetime, jobs: Jobs, clock: Clock | None = None) -> dict[str, int]:
    """The frequent jobs, in the order that lets a due reminder go out at once (`clock`:
    the real one, for the outbox, see flush_outbox)."""
    uow_factory, deliver, config = jobs.uow_factory, jobs.deliver, jobs.config
    return {
        "commands_done": answer_deferred(now, uow_factory, deliver, jobs.deferred) if jobs.deferred else 0,
        **(scheduled_posts_before(now, uow_factory, config) if config else {}),
        "reminders_queued": send_due_reminders(now, uow_factory),
        "reminders_resurfaced": resurface_overdue(now, uow_factory),
        "proposals_auto_approved": auto_approve_proposals(now, uow_factory, config) if config else 0,
        "sla_breaches": escalate_sla_breaches(now, uow_factory, config) if config else 0,
        **(scheduled_posts(now, uow_factory, config) if config else {}),
        # before the outbox flush, so a lead that crossed SQL is announced in this pass
        "scores_rescored": decay_scores(now, jobs.scores),
        # once a day, in one process (handlers/operations/retention.py)
        "people_erased": erase_expired(now, uow_factory, config) if config else 0,
        "messages_sent": flush_outbox(now, uow_factory, deliver, jobs.admins, clock),
        # last: a retrain may take seconds, and must not hold up a due message
        "models_trained": retrain_models(now, uow_factory),
    }


def run_all(now: datetime, jobs: Jobs) -> dict[str, int]:
    """One pass of every job, as `leadbot tick` runs it: the sweep, then housekeeping."""
    return {**run_sweep(now, jobs), **housekeeping(now, jobs)}


def housekeeping(now: datetime, jobs: Jobs) -> dict[str, int]:
    """The hourly jobs: old rows pruned, and this month's forecast recorded once it begins."""
    return {
        "rows_pruned": prune(now, jobs.uow_factory),
        "forecasts_recorded": record_month_forecasts(jobs.uow_factory(), now),
    }


def drain_paced(since: datetime, jobs: Jobs, seconds: float, clock: Clock) -> int:
    """For `leadbot tick` under cron: a pass sends one message per conversation, as each
    conversation's pace allows (about one a second), and moves the rest to the next slots.
    Here the slots are waited for and sent, for up to `seconds`, so a backlog in one channel
    goes out within the minute instead of one message per tick. Stops as soon as nothing
    falls due in the next slots (a message waiting on a retry's backoff waits for a tick)."""
    return send_as_due(jobs, clock, seconds, idle_after=2 * SPACING.total_seconds())


# --- digests and cadences --------------------------------------------------------------


def scheduled_posts_before(now: datetime, uow_factory: UowFactory, config: LeadbotConfig) -> dict[str, int]:
    """Before due reminders go out: cadence steps due outside their owner's hours wait."""
    return {"steps_held": hold_steps_outside_hours(now, uow_factory, config)}


def scheduled_posts(now: datetime, uow_factory: UowFactory, config: LeadbotConfig) -> dict[str, int]:
    """The day's team digests and quiet-lead flags, each once per team per local day."""
    return {
        "digests_queued": post_digests(now, uow_factory, config),
        "quiet_flags_queued": flag_quiet_leads(now, uow_factory, config),
        "weekly_charts_queued": post_weekly_charts(now, uow_factory, config),
    }
