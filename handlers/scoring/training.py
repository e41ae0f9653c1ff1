"""Training the predictive score from a workspace's closed leads: right after a close while the
history is small (cheap, and every close counts), and by the scheduler's sweep otherwise."""

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial

from domain.errors import Conflict
from domain.events import LeadClosed, LeadReopened
from domain.lead import Lead
from domain.scoring.logistic import fit_logistic
from domain.scoring.predictive import (
    ALL_TEAMS,
    MIN_HISTORY,
    ON_DEMAND_LIMIT,
    Engagement,
    History,
    StoredModel,
    Trained,
    example_of,
    retrain_due,
)
from handlers.context import Context
from store.unit_of_work import SqlUnitOfWork, UowFactory, reading_only

log = logging.getLogger(__name__)


def train_workspace(uow: SqlUnitOfWork, team_id: str, now: datetime) -> list[StoredModel]:
    """Fit the workspace's model from all its closed leads and replace the stored one. Below
    MIN_HISTORY usable closes only the count is stored: nothing is shown from it. The fit runs
    between two transactions, so no lock is held while it thinks (on SQLite every transaction
    holds the write lock); a close in between is seen as a change by the next check. The
    reading is a read transaction: on SQLite it takes no write lock either, so the seconds
    it takes at 100,000 leads hold up nobody's command (bench/acks_under_load.py)."""
    with reading_only(), uow:
        history = uow.predictive.history(team_id)
        closed = uow.predictive.closed_leads(team_id)
    models = fit_models(closed, history, now)
    with uow:
        uow.predictive.replace_models(team_id, models)
        uow.commit()
    return models


def fit_models(closed: list[tuple[Lead, Engagement]], history: History, now: datetime) -> list[StoredModel]:
    examples = [e for lead, engagement in closed if (e := example_of(lead, engagement)) is not None]
    if len(examples) < MIN_HISTORY:
        return [StoredModel(ALL_TEAMS, None, len(examples), history.closed, now)]
    model = fit_logistic(examples)
    return [StoredModel(s, w.to_json(), w.n, history.closed, now) for s, w in model.scopes.items()]


def retrain_if_due(uow: SqlUnitOfWork, team_id: str, now: datetime, limit: int | None = None) -> bool:
    """Retrain when the closed history changed enough (domain.scoring.predictive.retrain_due); with
    `limit`, only while the workspace has at most that many closed leads."""
    with reading_only(), uow:
        history = uow.predictive.history(team_id)
        last = uow.predictive.trained(team_id).get(team_id)
    if (limit is not None and history.closed > limit) or not retrain_due(history, last, now):
        return False
    train_workspace(uow, team_id, now)
    return True


def retrain_stale(now: datetime, uow_factory: UowFactory) -> int:
    """The sweeper's job: every workspace whose closed history moved on; how many it trained."""
    with reading_only(), uow_factory() as uow:
        histories = uow.predictive.histories()
        trained: dict[str, Trained] = uow.predictive.trained()
    due = [t for t, history in sorted(histories.items()) if retrain_due(history, trained.get(t), now)]
    return sum(_quietly(partial(_train, uow_factory, team_id, now)) for team_id in due)


def _train(uow_factory: UowFactory, team_id: str, now: datetime) -> bool:
    train_workspace(uow_factory(), team_id, now)
    return True


def retrain_after_close(event: LeadClosed | LeadReopened, uow: SqlUnitOfWork, ctx: Context) -> None:
    """A close (or a reopen) changes what the model learns from. While the history is small,
    retrain at once so the next card is up to date; the close is committed already and never
    fails for it."""
    _quietly(lambda: retrain_if_due(uow, event.team_id, ctx.now, limit=ON_DEMAND_LIMIT))


def _quietly(train: Callable[[], bool]) -> bool:
    """Training is never worth failing the caller over: log it, and the next sweep retries.
    A Conflict means another process stored a model at the same moment, which is as good."""
    try:
        return train()
    except Conflict:
        return False
    except Exception:  # noqa: BLE001 - see above
        log.exception("training the predictive score failed")
        return False
