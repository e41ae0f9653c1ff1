"""Duplicate matching shared by every capture path: same person, likely duplicate, keys."""

from domain.dedupe import LikelyDuplicate, MatchRecord, blocking_keys, likely_duplicate
from domain.identity import phone_identifies
from domain.lead import PROFILE_FIELDS, Lead
from domain.tags import TagChange, applied
from store.unit_of_work import SqlUnitOfWork

IDENTITY_FIELDS = ("email", "phone", "external_id")


def match_record(lead: Lead) -> MatchRecord:
    return MatchRecord(
        id=lead.id or 0, name=lead.name, email=lead.email, phone=lead.phone, company=lead.company
    )


def same_person(uow: SqlUnitOfWork, lead: Lead) -> tuple[Lead, str] | None:
    """An exact external id or email, or a phone nothing contradicts (domain.identity):
    certainly the same person."""
    found = uow.leads.same_person(lead.team_id, external_id=lead.external_id, email=lead.email)
    if found is not None or not lead.phone:
        return found
    holders = uow.leads.holding_phone(lead.team_id, lead.phone)
    holder = next((old for old in holders if is_phone_of(lead, old)), None)
    return (holder, "phone") if holder is not None else None


def is_phone_of(incoming: Lead, holder: Lead) -> bool:
    """The phone both hold makes `incoming` the `holder`: no other email, no other given name."""
    return (
        bool(incoming.phone)
        and incoming.phone == holder.phone
        and phone_identifies(incoming.name, incoming.email, holder.name, holder.email, incoming.phone or "")
    )


def likely_duplicate_of(uow: SqlUnitOfWork, lead: Lead) -> LikelyDuplicate | None:
    """Only leads sharing a blocking key are scored, so the check stays fast at any size."""
    record = match_record(lead)
    candidates = uow.leads.match_candidates(lead.team_id, blocking_keys(record), exclude=lead.id)
    return likely_duplicate(record, candidates)


def refresh_match_keys(uow: SqlUnitOfWork, lead: Lead, *, new: bool = False) -> None:
    """A merged lead files no keys: it is no candidate, and must not take a slot under a key."""
    keys = blocking_keys(match_record(lead)) if lead.merged_into is None else frozenset()
    uow.leads.set_match_keys(lead, keys, new=new)


def absorb(existing: Lead, incoming: Lead, may_replace: bool) -> tuple[str, ...]:
    """Fold newer data into a known lead. Typed values replace (when the sender may
    work the lead); identifiers and inferred values only fill gaps, so a typo'd
    resend cannot lose an address and a guess never overwrites what a person wrote.
    Returns the fields changed."""
    changed = []
    for field in (*IDENTITY_FIELDS, *PROFILE_FIELDS):
        new, old = getattr(incoming, field), getattr(existing, field)
        fills_gap = not old
        replaces = may_replace and field in PROFILE_FIELDS and field not in incoming.enriched
        if new and new != old and (fills_gap or replaces):
            setattr(existing, field, new)
            _carry_provenance(existing, incoming, field)
            changed.append(field)
    return (*changed, *_absorb_custom(existing, incoming, may_replace))


def _absorb_custom(existing: Lead, incoming: Lead, may_replace: bool) -> list[str]:
    """Custom fields as profile fields: a value sent replaces (or only fills a gap, for a
    sender who may not work the lead). Tags add up: a resend never takes one off."""
    changed = []
    for key, new in incoming.custom.items():
        old = existing.custom.get(key)
        if new != old and (old is None or may_replace):
            existing.custom[key] = new
            changed.append(key)
    added = tuple(tag for tag in incoming.tags if tag not in existing.tags)
    if added:
        existing.tags = applied(existing.tags, TagChange(add=added))
        changed.append("tags")
    return changed


def _carry_provenance(existing: Lead, incoming: Lead, field: str) -> None:
    if field in incoming.enriched:
        existing.enriched[field] = incoming.enriched[field]
    else:
        existing.enriched.pop(field, None)


def captured_note(channel: str) -> str:
    return f"Captured from {channel}"


def recaptured_note(channel: str, matched_on: str, changed: tuple[str, ...]) -> str:
    what = f"updated {', '.join(changed)}" if changed else "nothing new"
    return f"Captured again from {channel} (same {matched_on.replace('_', ' ')}): {what}"
