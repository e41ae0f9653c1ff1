"""Webhook replays: a request identical to one accepted in the last few minutes does nothing.

A signed timestamp stops a request from being played again later (bot/web/signing.py), but not
within its five minutes, and the old body-only signature not at all: a replayed name-only lead
would make a second lead. So each accepted body is remembered, by its hash, in the request
keys (store.repositories.RequestKeys, shared by every process on the database): the first
claims its key before the work and settles it with its answer; an identical one in the window
finds the key and is answered from it. A request that fails releases its key, so a retry runs.
"""

import hashlib
from datetime import datetime, timedelta

from store.unit_of_work import UowFactory

REPLAY_WINDOW = timedelta(minutes=5)  # as long as a signed timestamp stays valid
# A claim still unsettled this long after it was made is a holder that died mid-request:
# a webhook's work is bounded by seconds (store/deadline.py).
IN_HAND_LIMIT = timedelta(minutes=1)
PREFIX = "webhook:"  # their keys go after the window (handlers/operations/housekeeping.py), not a week


def key_of(endpoint: str, body: bytes) -> str:
    """Identical means the same bytes to the same endpoint; a hash keeps the key short."""
    return f"{PREFIX}{endpoint}:{hashlib.sha256(body).hexdigest()}"


def claim(uow_factory: UowFactory, team_id: str, key: str, now: datetime) -> str | None:
    """None when this request is the first in the window (do the work, then `settle` or
    `release`); otherwise what the first one settled, "" while it is still in hand."""
    with uow_factory() as uow:
        uow.requests.forget_if_older(team_id, key, now - REPLAY_WINDOW, now - IN_HAND_LIMIT)
        earlier = uow.requests.first(team_id, key, now)
        uow.commit()
    return earlier


def settle(uow_factory: UowFactory, team_id: str, key: str, answer: str) -> None:
    """What an identical request in the window is answered from (at most 255 characters)."""
    with uow_factory() as uow:
        uow.requests.settle(team_id, key, answer)
        uow.commit()


def release(uow_factory: UowFactory, team_id: str, key: str) -> None:
    with uow_factory() as uow:
        uow.requests.forget(team_id, key)
        uow.commit()
