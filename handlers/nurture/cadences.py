"""Nurture cadences: enrol a lead (each step becomes a follow-up for its owner), stop it by
hand, and stop it by itself when the lead replies, books a meeting, converts or is lost. A
lead marked do not contact (it unsubscribed: handlers/nurture/do_not_contact.py) is never enrolled."""

from domain.errors import InvalidInput
from domain.followups.activity import Activity, ActivityKind
from domain.followups.reminder import Reminder
from domain.lead import Lead
from domain.nurture.cadence import NOT_READY_REASONS, REPLY_KINDS, Cadence, step_due, step_text
from domain.permissions import Action
from handlers.commands import EnrollLead, StopNurture
from handlers.context import Context, audit, load_lead
from handlers.results import LeadView, NurtureChanged
from store.unit_of_work import SqlUnitOfWork


def enroll_lead(cmd: EnrollLead, uow: SqlUnitOfWork, ctx: Context) -> NurtureChanged:
    """One enrolment at a time per lead: a second one would double every follow-up."""
    cadence = cadence_named(ctx, cmd.cadence)
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.WORK)
        if uow.requests.seen_before(lead.team_id, cmd.request_key, ctx.now):
            return NurtureChanged(LeadView.of(lead), cadence.name, "enrolled", (), repeated=True)
        _check_enrollable(uow, lead)
        steps = enroll(uow, ctx, lead, cadence)
        uow.requests.settle(lead.team_id, cmd.request_key, f"nurture:{cadence.name}")
        uow.commit()
    return NurtureChanged(LeadView.of(lead), cadence.name, "enrolled", tuple(steps))


def stop_nurture(cmd: StopNurture, uow: SqlUnitOfWork, ctx: Context) -> NurtureChanged:
    """A repeat of the request says what the first one stopped, not "not in a cadence"."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.WORK)
        earlier = uow.requests.first(lead.team_id, cmd.request_key, ctx.now)
        if earlier is not None:
            count, _, cadence = earlier.partition(":")
            return NurtureChanged(LeadView.of(lead), cadence, "stopped", (), cancelled=int(count))
        active = uow.cadences.active(lead.team_id, lead.id or 0)
        if not active:
            raise InvalidInput(
                "lead", f"{lead.ref} is not in a cadence. `/lead nurture {lead.ref}` enrols it."
            )
        cancelled = stop_cadences(uow, ctx, lead, f"stopped by {ctx.actor.user_id}")
        uow.requests.settle(lead.team_id, cmd.request_key, f"{cancelled}:{active[0].cadence}")
        uow.commit()
    return NurtureChanged(LeadView.of(lead), active[0].cadence, "stopped", (), cancelled=cancelled)


def enroll(uow: SqlUnitOfWork, ctx: Context, lead: Lead, cadence: Cadence) -> list[Reminder]:
    """Each step a follow-up for the owner, at the start of their working day (their own
    zone, their team's hours), a weekend step on the Monday."""
    assert lead.owner_id is not None and lead.id is not None
    cadences = uow.cadences
    tz = uow.timezones.zone_name(ctx.actor.team_id, lead.owner_id, ctx.config)
    hours = ctx.config.team(lead.sales_team).hours_in(tz)
    enrollment = cadences.enroll(
        lead.team_id, lead.id, cadence.name, lead.owner_id, ctx.actor.user_id, ctx.now
    )
    reminders = []
    for index, step in enumerate(cadence.steps):
        text = step_text(cadence, index, lead.name)
        reminder = Reminder(
            lead.team_id, lead.id, lead.owner_id, step_due(ctx.now, step, hours), text, ctx.now, tz=tz
        )
        uow.reminders.add(reminder)
        cadences.link_step(enrollment, index, reminder.id or 0)
        reminders.append(reminder)
    _timeline(uow, ctx, lead, f"Enrolled in cadence {cadence.name} ({len(cadence.steps)} steps)")
    return reminders


def stop_cadences(uow: SqlUnitOfWork, ctx: Context, lead: Lead, reason: str) -> int:
    """Stop every active enrolment of the lead; the number of waiting steps cancelled."""
    cadences = uow.cadences
    cancelled = 0
    for enrollment in cadences.active(lead.team_id, lead.id or 0):
        cancelled += cadences.stop(enrollment.id, reason, ctx.now)
        _timeline(uow, ctx, lead, f"Cadence {enrollment.cadence} stopped: {reason}")
    return cancelled


def follow_owner(uow: SqlUnitOfWork, ctx: Context, lead: Lead) -> None:
    """Cadence steps remind the lead's owner: when a merge (or its undo) brings an enrolment
    to a lead someone else owns, its waiting steps go to that owner."""
    if lead.owner_id is None:
        return
    cadences = uow.cadences
    for enrollment in cadences.active(lead.team_id, lead.id or 0):
        if enrollment.owner_id != lead.owner_id:
            cadences.hand_over(
                enrollment.id,
                lead.owner_id,
                uow.timezones.zone_name(ctx.actor.team_id, lead.owner_id, ctx.config),
            )


def on_activity(uow: SqlUnitOfWork, ctx: Context, lead: Lead, kind: ActivityKind) -> None:
    """A logged call, email or meeting means the lead answered: the sequence is done."""
    if kind in REPLY_KINDS:
        stop_cadences(uow, ctx, lead, f"{kind} logged")


def on_closed(uow: SqlUnitOfWork, ctx: Context, lead: Lead, action: str) -> None:
    """Converted or lost: the cadence stops. A lead lost as not ready yet (timing, budget)
    goes into the long-term cadence instead of the bin, if the workspace has one."""
    if action not in ("converted", "lost"):
        return
    stop_cadences(uow, ctx, lead, action)
    long_term = ctx.config.cadence(ctx.config.long_term_cadence) if ctx.config.long_term_cadence else None
    ready_later = action == "lost" and lead.lost_reason in NOT_READY_REASONS
    if ready_later and long_term and lead.owner_id and lead.do_not_contact_at is None:
        enroll(uow, ctx, lead, long_term)


def cadence_named(ctx: Context, name: str | None) -> Cadence:
    """The cadence of that name (the default one for None); InvalidInput lists the others."""
    cadence = ctx.config.cadence(name)
    if cadence is not None:
        return cadence
    known = ", ".join(c.name for c in ctx.config.cadences)
    if not known:
        raise InvalidInput("cadence", "No cadences are configured: an admin adds [[cadences]] to the config.")
    raise InvalidInput("cadence", f"There is no cadence `{name}`. Cadences: {known}.")


def _check_enrollable(uow: SqlUnitOfWork, lead: Lead) -> None:
    if lead.do_not_contact_at is not None:
        raise InvalidInput(
            "lead",
            f"{lead.ref} is marked do not contact: they unsubscribed on "
            f"{lead.do_not_contact_at.date().isoformat()}, so no cadence may contact them. "
            "Nothing was enrolled.",
        )
    if lead.owner_id is None:
        raise InvalidInput(
            "lead", f"{lead.ref} has no owner yet: a cadence reminds the owner, so assign it first."
        )
    active = uow.cadences.active(lead.team_id, lead.id or 0)
    if active:
        raise InvalidInput(
            "lead",
            f"{lead.ref} is already in cadence {active[0].cadence}. "
            f"`/lead nurture {lead.ref} stop` first, then enrol it again.",
        )


def _timeline(uow: SqlUnitOfWork, ctx: Context, lead: Lead, body: str) -> None:
    uow.activities.add(lead, Activity(ActivityKind.SYSTEM, body, ctx.actor.user_id, ctx.now))
    audit(uow, ctx, "cadence", lead, after={"event": body})
