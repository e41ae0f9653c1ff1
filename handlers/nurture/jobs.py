"""Scheduled nurture work: cadence steps wait for working hours, and quiet leads are
flagged to their owners once a day."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from domain.config import LeadbotConfig, SalesTeam
from domain.delivery.messages import LeadBrief, OutboxMessage, QuietLeads
from domain.reporting.digest import DigestLead
from store.unit_of_work import UowFactory, reading_only

QUIET_JOB = "quiet"
QUIET_LIST_LIMIT = 10
HOLD_BATCH = 1000  # one pass per sweep; steps due at once beyond this wait for the next sweep


def hold_steps_outside_hours(now: datetime, uow_factory: UowFactory, config: LeadbotConfig) -> int:
    """Run before due reminders are sent: a cadence step due while its owner is off work (a
    late delivery after downtime, a night, a weekend) moves to their next working slot.
    A reminder the rep set for an explicit time is not a cadence step and is never held."""
    with uow_factory() as uow:
        cadences = uow.cadences
        held = 0
        for step in cadences.due_steps(now, HOLD_BATCH):
            hours = config.home_team(step.team_id, step.user_id).hours_in(step.tz)  # on the owner's clock
            if not hours.contains(now):
                cadences.postpone(step.reminder_id, hours.next_slot(now))
                held += 1
        uow.commit()
    return held


def flag_quiet_leads(now: datetime, uow_factory: UowFactory, config: LeadbotConfig) -> int:
    """Once per team per working day: each owner gets one DM listing their leads with no
    activity for `stale_after_days`; the day's run row makes it once across processes."""
    if not config.stale_after_days:
        return 0
    with uow_factory() as uow:
        workspaces = uow.daily_runs.workspaces()
    sent = 0
    for team in config.teams:
        hours = team.hours_in()
        if not hours.contains(now):
            continue
        day = now.astimezone(hours.tz).date()
        for workspace in workspaces:
            sent += _flag_team(uow_factory, workspace, team, day, now, config)
    return sent


def _flag_team(
    uow_factory: UowFactory, workspace: str, team: SalesTeam, day: date, now: datetime, config: LeadbotConfig
) -> int:
    """Read in a read transaction (no write lock on SQLite while it reads), then claimed and
    queued in a short writing one."""
    with reading_only(), uow_factory() as uow:
        if uow.daily_runs.ran(workspace, QUIET_JOB, team.key, day):
            return 0
        reads = uow.digest_reads(workspace, team.key, include_unteamed=team is config.teams[0])
        by_owner: dict[str, list[DigestLead]] = defaultdict(list)
        for lead in reads.quiet(now - timedelta(days=config.stale_after_days)):
            by_owner[lead.owner or ""].append(lead)
    with uow_factory() as uow:
        if not uow.daily_runs.claim(workspace, QUIET_JOB, team.key, day, now, now):
            return 0
        for owner, leads in by_owner.items():
            body = QuietLeads(
                user=owner,
                days=config.stale_after_days,
                total=len(leads),
                leads=tuple(_brief(lead) for lead in leads[:QUIET_LIST_LIMIT]),
            )
            key = f"quiet:{workspace}:{owner}:{day.isoformat()}"
            uow.outbox.add(OutboxMessage(workspace, key, body), now)
        uow.commit()
    return len(by_owner)


def _brief(lead: DigestLead) -> LeadBrief:
    return LeadBrief(ref=lead.ref, name=lead.name, company=lead.company, score=lead.score)
