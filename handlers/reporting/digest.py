"""The daily team digest: built and queued once per sales team per local working day."""

from datetime import date, datetime

from domain.config import LeadbotConfig, SalesTeam
from domain.delivery.messages import OutboxMessage, TeamDigest
from domain.reporting.digest import FIRST_DIGEST_COVERS, Digest, digest_date, is_late
from domain.working_hours import parse_clock
from store.unit_of_work import DigestReads, SqlUnitOfWork, UowFactory, reading_only

DIGEST_JOB = "digest"
LIST_LIMIT = 5  # leads listed per section; the rest are counted ("…and 37 more")


def post_digests(now: datetime, uow_factory: UowFactory, config: LeadbotConfig) -> int:
    """Queue every digest due at `now`; the number queued. Safe to run from any number of
    processes at once: the day's run row and the outbox message commit together or not at all."""
    with reading_only(), uow_factory() as uow:
        workspaces = uow.daily_runs.workspaces()
    queued = 0
    for team in config.teams:
        day = digest_date(now, team.hours_in(), parse_clock(team.digest_time))
        if team.channel is None or day is None:
            continue
        for workspace in workspaces:
            queued += _post_one(uow_factory, workspace, team, day, now, config)
    return queued


def _post_one(
    uow_factory: UowFactory, workspace: str, team: SalesTeam, day: date, now: datetime, config: LeadbotConfig
) -> int:
    """The digest is read in a read transaction (on SQLite, no write lock while it reads: a
    person's command is not held up), then the day's run is claimed and the message queued in
    a short writing one. Should another process have sent a digest in between, the claim says
    so; should the period have moved (a run of another day came in between), it is read again
    inside the claim's transaction, as it was before."""
    with reading_only(), uow_factory() as uow:
        runs = uow.daily_runs
        if runs.ran(workspace, DIGEST_JOB, team.key, day):
            return 0  # today's digest is out already, or another process is sending it
        last = runs.last_ran_at(workspace, DIGEST_JOB, team.key)
        digest = _read_digest(uow, workspace, team, day, last or now - FIRST_DIGEST_COVERS, now, config)
    with uow_factory() as uow:
        runs = uow.daily_runs
        latest = runs.last_ran_at(workspace, DIGEST_JOB, team.key)
        since = latest or now - FIRST_DIGEST_COVERS
        if not runs.claim(workspace, DIGEST_JOB, team.key, day, now, since):
            return 0
        if latest != last:
            digest = _read_digest(uow, workspace, team, day, since, now, config)
        key = f"digest:{workspace}:{team.key}:{day.isoformat()}"
        body = TeamDigest(channel=team.channel, digest=digest.payload())
        uow.outbox.add(OutboxMessage(workspace, key, body), now)
        uow.commit()
    return 1


def _read_digest(
    uow: SqlUnitOfWork,
    workspace: str,
    team: SalesTeam,
    day: date,
    since: datetime,
    now: datetime,
    config: LeadbotConfig,
) -> Digest:
    reads = uow.digest_reads(workspace, team.key, include_unteamed=team is config.teams[0])
    return build_digest(reads, team, day, since, now)


def build_digest(reads: DigestReads, team: SalesTeam, day: date, since: datetime, now: datetime) -> Digest:
    unassigned, unassigned_total = reads.unassigned(LIST_LIMIT)
    converted, converted_total = reads.converted(since, now, LIST_LIMIT)
    late, late_total = reads.sla_breaches(since, now, LIST_LIMIT)
    return Digest(
        team_key=team.key,
        team_name=team.name,
        local_date=day,
        since=since,
        until=now,
        late=is_late(now, day, team.hours_in(), parse_clock(team.digest_time)),
        new_by_source=tuple(reads.new_by_source(since, now)),
        unassigned=tuple(unassigned),
        unassigned_total=unassigned_total,
        overdue_by_rep=tuple(reads.overdue_by_rep(now)),
        hot=tuple(reads.hot(LIST_LIMIT)),
        converted=tuple(converted),
        converted_total=converted_total,
        lost_by_reason=tuple(reads.lost_by_reason(since, now)),
        sla_breaches=tuple(late),
        sla_breaches_total=late_total,
    )
