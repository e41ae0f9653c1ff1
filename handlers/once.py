"""Request keys: a Slack retry, a double click or a client's re-send does the work once.

A handler that changes something claims its request's key inside its own transaction: the
first request does the work and settles the key with what a repeat needs to answer the same
way; a repeat finds the key held and answers from it, changing nothing."""

from datetime import datetime

from store.unit_of_work import SqlUnitOfWork


def earlier_result(uow: SqlUnitOfWork, team_id: str, key: str | None, now: datetime) -> str | None:
    """Claims the key for this transaction (rolled back with it if the work fails); None when
    this request is the first, else what the earlier one settled ("" if it has not yet).
    On PostgreSQL a concurrent first request makes this wait for its commit."""
    if not key:
        return None
    return uow.requests.first(team_id, key, now)


def seen_before(uow: SqlUnitOfWork, team_id: str, key: str | None, now: datetime) -> bool:
    return earlier_result(uow, team_id, key, now) is not None


def settle(uow: SqlUnitOfWork, team_id: str, key: str | None, result: str) -> None:
    if key:
        uow.requests.settle(team_id, key, result)


def first_time(uow: SqlUnitOfWork, team_id: str, key: str, now: datetime) -> bool:
    """Claim a key in a transaction of its own, for work that is not one transaction (an
    event's listeners, an import in batches): True the first time, False for a repeat."""
    with uow:
        fresh = not seen_before(uow, team_id, key, now)
        uow.commit()
    return fresh
