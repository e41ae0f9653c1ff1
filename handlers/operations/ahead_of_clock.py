"""A tick run ahead of the clock (`leadbot tick --now` later than now, on a live database)
leaves nothing in the future that holds back what real processes send afterwards.

Such a tick does, as of its instant, the work due by then, and sends it now. But what it
writes about *when* the next thing may happen is read on the clock by every process after
it: a conversation's next slot (channel_pacing), a message's slot or retry, a lease, a
reminder's next "still open" morning, a cadence step held for working hours, an
auto-approval or SLA deadline, the day's digest and rescore already claimed. Left dated at
its instant, each would hold real deliveries back until the clock got there (a day, for
`--now` a day ahead: a console's next proposal waited that long). So, after its pass, the
tick brings them back as if it had run on the clock:

- schedules it wrote (store/operations/ahead_of_clock._SCHEDULES) move back by the whole offset, so
  a slot one second after its send is one second after now;
- "still open" mornings and held cadence steps are worked out again from the clock (a
  working morning moved back a day could fall on a Sunday);
- the daily runs of days that have not begun on the clock are withdrawn, with the keys of
  the messages they queued, so each such day still gets its own digest and rescore;
- before each tick, leases ending later than any lease taken on the clock could (a tick
  ahead killed mid-delivery) are released.

Records of what it did (timeline, audit, decisions) keep its instant: they schedule nothing.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.config import LeadbotConfig
from domain.daily import ALL_WORKSPACES, daily_key
from domain.delivery.messages import LEASE
from domain.followups.followup import next_working_morning
from domain.reporting.digest import DailyRun
from store.unit_of_work import AheadOfClock, UowFactory


def release_leases(clock: datetime, uow_factory: UowFactory) -> None:
    """Before a tick: leases ending later than any lease taken on the clock can, left by a
    tick ahead that was killed mid-delivery, so that their messages go in this pass."""
    with uow_factory() as uow:
        uow.ahead_of_clock(clock).release_leases(clock + LEASE)
        uow.commit()


def bring_back(instant: datetime, clock: datetime, uow_factory: UowFactory, config: LeadbotConfig) -> None:
    """After a tick at `instant`, the clock reading `clock` (nothing to do unless ahead)."""
    if instant <= clock:
        return
    with uow_factory() as uow:
        ahead = uow.ahead_of_clock(instant)
        _withdraw_days_not_begun(ahead, instant, clock, config)
        _reschedule_reminders(ahead, instant, clock, config)
        ahead.shift_back(instant - clock)
        uow.commit()


def _withdraw_days_not_begun(
    ahead: AheadOfClock, instant: datetime, clock: datetime, config: LeadbotConfig
) -> None:
    for run in ahead.daily_runs():
        if run.local_date > _today(run, clock, config):
            ahead.withdraw(run)
    if instant.date() > clock.date():  # the rescore's day is a UTC one
        ahead.forget_keys(ALL_WORKSPACES, [daily_key(instant.date())])


def _today(run: DailyRun, clock: datetime, config: LeadbotConfig) -> date:
    """The run's day is its team's local one."""
    return clock.astimezone(config.timezone_of(run.scope)).date()


def _reschedule_reminders(
    ahead: AheadOfClock, instant: datetime, clock: datetime, config: LeadbotConfig
) -> None:
    for reminder in ahead.nudged_later():
        morning = next_working_morning(max(clock, reminder.due_at), ZoneInfo(reminder.tz))
        if reminder.next_nudge_at is not None and morning < reminder.next_nudge_at:  # never later
            ahead.move_nudge(reminder.reminder_id, morning)
    for step in ahead.steps_due_later():
        hours = config.home_team(step.team_id, step.user_id).hours_in(step.tz)
        if not hours.contains(instant) and step.due_at == hours.next_slot(instant):
            # Held by the tick: due again now, and the next sweep holds it if its owner is off.
            ahead.move_due(step.reminder_id, clock)
