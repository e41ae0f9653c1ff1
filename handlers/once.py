"""Request keys for handlers that change a lead: a Slack retry or double click does the work once."""

from datetime import datetime

from store.unit_of_work import SqlUnitOfWork


def seen_before(uow: SqlUnitOfWork, team_id: str, key: str | None, now: datetime) -> bool:
    """Claims the key for this transaction (rolled back with it if the work fails);
    True when an earlier request already holds it."""
    if not key:
        return False
    return uow.requests.first(team_id, key, now) is not None


def settle(uow: SqlUnitOfWork, team_id: str, key: str | None, result: str) -> None:
    if key:
        uow.requests.settle(team_id, key, result)
