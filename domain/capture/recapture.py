"""A lead captured again: what matching reads of it, when a shared phone makes it the same
person, and how newer data folds into the lead already known. Shared by every capture path
(a command, a form, a webhook, an import)."""

from domain.book.tags import TagChange, applied
from domain.lead import PROFILE_FIELDS, Lead
from domain.matching.dedupe import MatchRecord
from domain.matching.identity import phone_identifies

IDENTITY_FIELDS = ("email", "phone", "external_id")


def match_record(lead: Lead) -> MatchRecord:
    return MatchRecord(
        id=lead.id or 0, name=lead.name, email=lead.email, phone=lead.phone, company=lead.company
    )


def is_phone_of(incoming: Lead, holder: Lead) -> bool:
    """The phone both hold makes `incoming` the `holder`: no other email, no other given name."""
    return (
        bool(incoming.phone)
        and incoming.phone == holder.phone
        and phone_identifies(incoming.name, incoming.email, holder.name, holder.email, incoming.phone or "")
    )


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
