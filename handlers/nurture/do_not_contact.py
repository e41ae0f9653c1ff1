"""Do not contact: a person who unsubscribed hears nothing more from a cadence.

An `unsubscribed` engagement event (POST /webhooks/events) marks the lead: its cadence
enrolments stop and their waiting steps are cancelled, `/lead nurture` refuses to enrol it
(handlers/nurture/cadences.py), and its card says so. The first unsubscription's date is kept."""

from datetime import datetime

from domain.lead import Lead
from domain.scoring.config import EngagementKind
from handlers.context import Context, audit
from handlers.nurture.cadences import stop_cadences
from store.unit_of_work import SqlUnitOfWork

UNSUBSCRIBED = str(EngagementKind.UNSUBSCRIBED)
MARK_ACTION = "lead.do_not_contact"


def unsubscribe(uow: SqlUnitOfWork, ctx: Context, lead: Lead, at: datetime) -> bool:
    """Mark the lead do-not-contact as of `at` and stop its cadences, in the caller's
    transaction; False when it was marked already (a later event changes nothing)."""
    if not lead.mark_do_not_contact(at, ctx.now):
        return False
    uow.leads.save(lead)
    stop_cadences(uow, ctx, lead, "unsubscribed")
    audit(uow, ctx, MARK_ACTION, lead, after={"do_not_contact_at": at.isoformat(), "cause": UNSUBSCRIBED})
    return True
