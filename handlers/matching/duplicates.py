"""Duplicate matching shared by every capture path, against the leads stored: same person,
likely duplicate, keys (the comparisons themselves are domain/capture/recapture.py's)."""

from domain.capture.recapture import is_phone_of, match_record
from domain.lead import Lead
from domain.matching.dedupe import LikelyDuplicate, blocking_keys, likely_duplicate
from store.unit_of_work import SqlUnitOfWork


def same_person(uow: SqlUnitOfWork, lead: Lead) -> tuple[Lead, str] | None:
    """An exact external id or email, or a phone nothing contradicts (domain.matching.identity):
    certainly the same person."""
    found = uow.leads.same_person(lead.team_id, external_id=lead.external_id, email=lead.email)
    if found is not None or not lead.phone:
        return found
    holders = uow.leads.holding_phone(lead.team_id, lead.phone)
    holder = next((old for old in holders if is_phone_of(lead, old)), None)
    return (holder, "phone") if holder is not None else None


def likely_duplicate_of(uow: SqlUnitOfWork, lead: Lead) -> LikelyDuplicate | None:
    """Only leads sharing a blocking key are scored, so the check stays fast at any size."""
    record = match_record(lead)
    candidates = uow.leads.match_candidates(lead.team_id, blocking_keys(record), exclude=lead.id)
    return likely_duplicate(record, candidates)


def refresh_match_keys(uow: SqlUnitOfWork, lead: Lead, *, new: bool = False) -> None:
    """A merged lead files no keys: it is no candidate, and must not take a slot under a key."""
    keys = blocking_keys(match_record(lead)) if lead.merged_into is None else frozenset()
    uow.leads.set_match_keys(lead, keys, new=new)
