"""Whose clock a time is read on: the person's own zone as Slack last told us, else the config's."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from handlers.context import Context
from store.unit_of_work import SqlUnitOfWork, reading_only

# Zones change when people travel; a day-old answer is fine and keeps users.info calls rare.
REFRESH_AFTER = timedelta(hours=24)
RETRY_AFTER = timedelta(hours=1)  # when Slack gave no zone or did not answer


@dataclass(frozen=True, slots=True)
class ZoneLookup:
    zone: str  # what to read the person's times in now
    ask_slack_after: datetime  # when the cached answer is due for a refresh (past: now)


def look_up_zone(uow: SqlUnitOfWork, ctx: Context) -> ZoneLookup:
    """The actor's zone and when to ask Slack again, in one short read transaction."""
    with reading_only(), uow:
        known = uow.timezones.get(ctx.actor.team_id, ctx.actor.user_id)
        zone = uow.timezones.zone_name(ctx.actor.team_id, ctx.actor.user_id, ctx.config)
    if known is None:
        return ZoneLookup(zone, ctx.now)
    return ZoneLookup(zone, known.fetched_at + (REFRESH_AFTER if known.tz else RETRY_AFTER))


def needs_refresh(uow: SqlUnitOfWork, team_id: str, user_id: str, now: datetime) -> bool:
    with reading_only(), uow:
        known = uow.timezones.get(team_id, user_id)
    if known is None:
        return True
    return now - known.fetched_at >= (REFRESH_AFTER if known.tz else RETRY_AFTER)


def remember_timezone(uow: SqlUnitOfWork, team_id: str, user_id: str, tz: str | None, now: datetime) -> None:
    """Store what Slack said; a zone this machine does not know counts as none."""
    with uow:
        uow.timezones.put(team_id, user_id, tz if _known(tz) else None, now)
        uow.commit()


def note_failed_lookup(uow: SqlUnitOfWork, team_id: str, user_id: str, now: datetime) -> None:
    """Slack did not answer: keep the last known zone, and wait RETRY_AFTER before asking
    again rather than asking on every command while Slack is down."""
    with uow:
        timezones = uow.timezones
        known = timezones.get(team_id, user_id)
        last_tz = known.tz if known is not None else None
        retry_at = now - (REFRESH_AFTER - RETRY_AFTER) if last_tz else now
        timezones.put(team_id, user_id, last_tz, retry_at)
        uow.commit()


def _known(tz: str | None) -> bool:
    if not tz:
        return False
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
