"""The lead lifecycle: statuses and the one table of allowed transitions."""

from enum import StrEnum

from domain.errors import InvalidTransition


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    NURTURING = "nurturing"
    QUALIFIED = "qualified"
    CONVERTED = "converted"
    LOST = "lost"


_S = LeadStatus

# An unqualified lead goes to nurture, never to the bin; a closed lead comes
# back only through reopen (lost) or as a new cycle (converted contact).
# Any open lead may be converted, `new` included: a buyer does not wait for a
# score, and one who signs on the first call was never "contacted" first (the
# conversion is then that first contact: handlers/closing/outcomes.py).
TRANSITIONS: dict[LeadStatus, frozenset[LeadStatus]] = {
    _S.NEW: frozenset({_S.CONTACTED, _S.NURTURING, _S.QUALIFIED, _S.CONVERTED, _S.LOST}),
    _S.CONTACTED: frozenset({_S.NURTURING, _S.QUALIFIED, _S.CONVERTED, _S.LOST}),
    _S.NURTURING: frozenset({_S.CONTACTED, _S.QUALIFIED, _S.CONVERTED, _S.LOST}),
    _S.QUALIFIED: frozenset({_S.NURTURING, _S.CONVERTED, _S.LOST}),
    _S.CONVERTED: frozenset(),
    _S.LOST: frozenset({_S.NEW, _S.NURTURING}),
}

OPEN_STATUSES = frozenset(s for s in LeadStatus if s not in (_S.CONVERTED, _S.LOST))


def check_transition(current: LeadStatus, target: LeadStatus) -> None:
    """Raise InvalidTransition naming the moves that are allowed from `current`."""
    allowed = TRANSITIONS[current]
    if target in allowed:
        return
    if allowed:
        options = ", ".join(sorted(allowed))
        raise InvalidTransition(
            f"A {current} lead cannot become {target}. From {current} it can become: {options}."
        )
    raise InvalidTransition(f"A {current} lead is closed and cannot become {target}.")
