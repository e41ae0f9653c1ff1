"""When merging two leads needs a person's yes: they name different emails or phones."""

from dataclasses import dataclass

from domain.lead import CONTACT_FIELDS, Lead


@dataclass(frozen=True, slots=True)
class Difference:
    field: str  # "email" or "phone"
    duplicate: str
    keep: str


def differences(duplicate: Lead, keep: Lead) -> tuple[Difference, ...]:
    """Emails or phones both leads hold and that differ. An email is a person (DESIGN.md's
    identity rule), so two of them are likely two people: merging would bury one under the
    other, which the rep should decide knowingly. A value on one side only is a gap the merge
    fills, and the same value twice is the same person: neither needs asking."""
    found = []
    for field in CONTACT_FIELDS:
        mine, theirs = getattr(duplicate, field), getattr(keep, field)
        if mine and theirs and _comparable(mine) != _comparable(theirs):
            found.append(Difference(field, mine, theirs))
    return tuple(found)


def _comparable(value: str) -> str:
    # Stored emails keep the mailbox's case as typed; no mail system tells Dana@ from dana@.
    return value.casefold()
