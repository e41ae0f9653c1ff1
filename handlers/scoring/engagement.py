"""Engagement events from outside (the events webhook): matched to leads by email, stored
once per external id, and the touched leads rescored. Unknown emails create nothing. An
`unsubscribed` event also marks its lead do not contact (handlers/nurture/do_not_contact.py)."""

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta

from domain.capture.normalize import normalize_email
from domain.errors import InvalidInput
from domain.permissions import Action, require
from handlers.commands import EngagementIn, RecordEngagement
from handlers.context import Context
from handlers.nurture.do_not_contact import UNSUBSCRIBED, unsubscribe
from handlers.results import EngagementRecorded
from handlers.scoring.rescore import rescore_leads
from store.unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)
# A sender's clock may run a little ahead of ours; an event days ahead is a mistake.
CLOCK_SLACK = timedelta(minutes=10)


def record_engagement(cmd: RecordEngagement, uow: SqlUnitOfWork, ctx: Context) -> EngagementRecorded:
    """Each event counts once (a resend with the same external id is ignored) for the live
    lead with that email in the workspace; then each touched lead is rescored once."""
    require(ctx.actor, Action.CAPTURE)
    emails = [normalize_email(event.email) or "" for event in cmd.events]  # a bad one refuses the body
    moments = [_moment(event, ctx.now) for event in cmd.events]
    tally: Counter[str] = Counter()
    touched: dict[int, Counter[str]] = {}
    refs: dict[str, None] = {}  # the leads matched, in order, once each
    with uow:
        for event, email, at in zip(cmd.events, emails, moments, strict=True):
            lead = uow.leads.find_by_email(ctx.actor.team_id, email)
            if lead is None or lead.id is None:
                tally["unknown"] += 1
            elif _store(uow, ctx, lead.id, event, at):
                tally["matched"] += 1
                if event.event == UNSUBSCRIBED:
                    unsubscribe(uow, ctx, lead, at)
                touched.setdefault(lead.id, Counter())[str(event.event)] += 1
                refs[lead.ref] = None
            else:
                tally["duplicate"] += 1
        reasons = {lead_id: _reason(kinds) for lead_id, kinds in touched.items()}
        rescore_leads(uow, ctx.actor.team_id, list(touched), reasons, ctx.now, ctx.config)
        uow.commit()
    result = EngagementRecorded(
        len(cmd.events), tally["matched"], tally["unknown"], tally["duplicate"], tuple(refs)
    )
    _log(ctx, result)
    return result


def _store(uow: SqlUnitOfWork, ctx: Context, lead_id: int, event: EngagementIn, at: datetime) -> bool:
    """False for a resend: the workspace already has an event with that external id."""
    team = ctx.actor.team_id
    return uow.engagement.add(team, lead_id, str(event.event), at, ctx.now, event.url, event.external_id)


def _moment(event: EngagementIn, now: datetime) -> datetime:
    if event.at is None:
        return now
    at = event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC)  # no zone given: UTC
    if at > now + CLOCK_SLACK:
        raise InvalidInput("at", f"`at` is in the future ({at.isoformat()}): send when the event happened.")
    return at.astimezone(UTC)


def _reason(kinds: Counter[str]) -> str:
    parts = [kind if count == 1 else f"{kind} ×{count}" for kind, count in kinds.items()]
    return "event: " + ", ".join(parts)


def _log(ctx: Context, result: EngagementRecorded) -> None:
    # The operator's counter of events nobody could be matched to, per request and workspace.
    log.info(
        "engagement events for %s: %d received, %d matched, %d unknown email, %d resent",
        ctx.actor.team_id,
        result.received,
        result.matched,
        result.unknown,
        result.duplicates,
    )
