"""Capture: one pipeline for every channel. Clean the data, recognise a known
person, flag a likely duplicate, and store the lead once."""

from collections.abc import Mapping
from dataclasses import replace

from domain.book.tags import TagChange, applied, clean_tag
from domain.capture.enrich import enrich
from domain.capture.normalize import clean_name, clean_text, name_from_email, normalize_email, normalize_phone
from domain.capture.recapture import absorb, captured_note, recaptured_note
from domain.capture.validation import closest
from domain.custom_fields import read_fields
from domain.delivery.messages import LeadAnnounced, OutboxMessage
from domain.errors import Conflict, InvalidInput
from domain.events import LeadCaptured as Captured
from domain.followups.activity import Activity, ActivityKind
from domain.lead import PROFILE_FIELDS, Lead
from domain.permissions import Action, can, require
from domain.reporting.forecast import DEAL_FIELDS, parse_close_month, parse_value
from domain.scoring.rules import CompiledRules, day_of, fit_of, score_total
from handlers.capture.cycles import link_returning_contact
from handlers.commands import AddLead, FieldInput
from handlers.context import Context, audit
from handlers.matching.duplicates import likely_duplicate_of, refresh_match_keys, same_person
from handlers.results import DuplicateView, LeadCaptured, LeadView
from handlers.routing.route import route_on_capture
from store.unit_of_work import SqlUnitOfWork


def add_lead(cmd: AddLead, uow: SqlUnitOfWork, ctx: Context) -> LeadCaptured:
    """The same request twice makes one lead; a known external id, email or phone
    updates that lead instead of making another; a likely duplicate is stored but
    flagged, for the rep to merge or keep."""
    require(ctx.actor, Action.CAPTURE)
    incoming = build_lead(cmd, ctx)
    try:
        return _capture(cmd, uow, ctx, incoming)
    except Conflict:
        # Another capture of the same person committed first: now it is known,
        # so a second pass updates it instead of creating a twin.
        return _capture(cmd, uow, ctx, build_lead(cmd, ctx))


def _capture(cmd: AddLead, uow: SqlUnitOfWork, ctx: Context, incoming: Lead) -> LeadCaptured:
    with uow:
        replay = _replayed(cmd, uow, ctx)
        if replay is not None:
            return replay
        known = same_person(uow, incoming)
        result = _update(uow, ctx, cmd, *known, incoming) if known else _create(uow, ctx, cmd, incoming)
        uow.commit()
    return result


def _create(uow: SqlUnitOfWork, ctx: Context, cmd: AddLead, lead: Lead) -> LeadCaptured:
    returning = link_returning_contact(uow, lead)  # a customer back: a new cycle, not a duplicate
    duplicate = None if returning else likely_duplicate_of(uow, lead)
    lead.duplicate_of = duplicate.id if duplicate else None
    uow.leads.add(lead)
    refresh_match_keys(uow, lead, new=True)
    uow.activities.add(
        lead, Activity(ActivityKind.SYSTEM, captured_note(cmd.channel), ctx.actor.user_id, ctx.now)
    )
    audit(uow, ctx, "lead.captured", lead, after=lead.snapshot())
    _settle(uow, cmd, lead)
    _record(uow, lead, "created")
    # a new lead for its owner, or for the team's unassigned pool
    uow.refresh_homes(lead.team_id, (lead.owner_id, *ctx.config.overseers(lead.sales_team)), ctx.now)
    if not cmd.owned_by_sender:
        _announce(uow, ctx, lead, str(cmd.channel))
    original = uow.leads.by_id(lead.team_id, duplicate.id) if duplicate else None
    flagged = DuplicateView(LeadView.of(original), duplicate.reasons) if original and duplicate else None
    return LeadCaptured(LeadView.of(lead, ctx.config.fields), duplicate=flagged, returning=returning)


def _update(
    uow: SqlUnitOfWork, ctx: Context, cmd: AddLead, lead: Lead, matched_on: str, incoming: Lead
) -> LeadCaptured:
    before = lead.snapshot()
    if matched_on == "external_id" and incoming.external_id != lead.external_id:
        # Reached through a merged lead's id: the id stays with that lead (an undo gives it back).
        incoming = replace(incoming, external_id=None)
    changed = absorb(lead, incoming, may_replace=can(ctx.actor, Action.WORK, lead))
    lead.updated_at = ctx.now
    uow.leads.save(lead)
    refresh_match_keys(uow, lead)
    note = recaptured_note(cmd.channel, matched_on, changed)
    uow.activities.add(lead, Activity(ActivityKind.SYSTEM, note, ctx.actor.user_id, ctx.now))
    audit(uow, ctx, "lead.recaptured", lead, before, lead.snapshot())
    _settle(uow, cmd, lead)
    _record(uow, lead, "updated")
    return LeadCaptured(
        LeadView.of(lead, ctx.config.fields),
        outcome="updated",
        matched_on=matched_on,
        changed=changed,
        visible=can(ctx.actor, Action.VIEW, lead),
    )


def build_lead(cmd: AddLead, ctx: Context) -> Lead:
    """Validate and normalise every field before anything is stored."""
    known = (*PROFILE_FIELDS, *DEAL_FIELDS, *(f.key for f in ctx.config.fields))
    unknown = sorted(set(cmd.fields) - set(known))
    if unknown:
        close = closest(unknown[0], known)
        hint = f" Did you mean `{close}`?" if close else f" Fields: {', '.join(known)}."
        raise InvalidInput(unknown[0], f"Unknown field `{unknown[0]}`.{hint}")
    email = normalize_email(cmd.email)
    lead = Lead(
        team_id=ctx.actor.team_id,
        name=_name(cmd, email),
        created_at=ctx.now,
        created_by=ctx.actor.user_id,
        email=email,
        phone=normalize_phone(cmd.phone, ctx.config.default_region),
        owner_id=ctx.actor.user_id if cmd.owned_by_sender else None,
        sales_team=_team(cmd, ctx),
        external_id=clean_text(cmd.external_id, field="external_id", limit=255),
        origin_url=cmd.origin_url,
        updated_at=ctx.now,
    )
    for key in PROFILE_FIELDS:
        if key in cmd.fields:
            setattr(lead, key, clean_text(_text(key, cmd.fields[key]), field=key))
    lead.custom = read_fields(ctx.config.fields, cmd.fields)
    lead.tags = applied((), TagChange(tuple(clean_tag(tag) for tag in cmd.tags)))
    _expect_deal(lead, cmd.fields, ctx)
    enrich(lead, channel=None if cmd.owned_by_sender else str(cmd.channel))
    return lead


def _expect_deal(lead: Lead, fields: Mapping[str, FieldInput], ctx: Context) -> None:
    """`value:12000 close:2027-03`: the forecast's expected deal (domain/reporting/forecast.py); a form
    may send the value as a JSON number."""
    if value := str(fields.get("value") or "").strip():
        lead.expected_value = parse_value(value)
    if close := _text("close", fields.get("close") or "").strip():
        lead.expected_close = parse_close_month(close, ctx.now.date())


def _text(key: str, value: FieldInput) -> str:
    if not isinstance(value, str):
        raise InvalidInput(key, f"`{key}` is text: send it as a string, not {value!r}.")
    return value


def _name(cmd: AddLead, email: str | None) -> str:
    if cmd.name and cmd.name.strip():
        return clean_name(cmd.name)
    if email:
        return name_from_email(email)
    raise InvalidInput("name", "A lead needs a name or an email.")


def _team(cmd: AddLead, ctx: Context) -> str | None:
    if cmd.sales_team:
        if cmd.sales_team not in {t.key for t in ctx.config.teams}:
            raise InvalidInput("team", f"There is no team `{cmd.sales_team}`.")
        return cmd.sales_team
    return ctx.actor.sales_teams[0] if ctx.actor.sales_teams else ctx.config.teams[0].key


def _announce(uow: SqlUnitOfWork, ctx: Context, lead: Lead, channel: str) -> None:
    """A lead nobody typed in is news for its team: post it there, once."""
    if route_on_capture(uow, ctx, lead, _fit_score(ctx, lead)):  # routing rules: proposed to a rep instead
        return
    team_channel = ctx.config.team(lead.sales_team).channel
    if not team_channel:
        return
    body = LeadAnnounced(channel=team_channel, via=channel, lead=LeadView.of(lead).brief())
    uow.outbox.add(OutboxMessage(lead.team_id, f"announce:{lead.id}", body), ctx.now)


def _fit_score(ctx: Context, lead: Lead) -> int:
    """What a new lead scores on who it is (no answers, no events yet): a routing rule may ask
    for a score before the follow-up stores it."""
    return score_total(fit_of(lead), (), day_of(ctx.now), CompiledRules(ctx.config.scoring))


def _record(uow: SqlUnitOfWork, lead: Lead, outcome: str) -> None:
    """Scoring follows once the capture is committed (handlers.registry.EVENT_HANDLERS)."""
    assert lead.id is not None
    uow.record(Captured(lead.team_id, lead.id, outcome))


def _settle(uow: SqlUnitOfWork, cmd: AddLead, lead: Lead) -> None:
    if cmd.request_key:
        uow.requests.settle(lead.team_id, cmd.request_key, lead.ref)


def _replayed(cmd: AddLead, uow: SqlUnitOfWork, ctx: Context) -> LeadCaptured | None:
    if not cmd.request_key:
        return None
    ref = uow.requests.first(ctx.actor.team_id, cmd.request_key, ctx.now)
    if not ref:
        return None
    lead = uow.leads.get(ctx.actor.team_id, int(ref.removeprefix("L-")))
    if lead is None:
        return None
    return LeadCaptured(LeadView.of(lead), outcome="replayed", visible=can(ctx.actor, Action.VIEW, lead))
