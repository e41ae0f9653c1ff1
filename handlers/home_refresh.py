"""Asking for the Home tabs a change touched to be published again, in the change's own
transaction (so a rolled-back change refreshes nobody) and debounced per person
(domain/home.refresh_message: one refresh per person per window, however many replicas)."""

from collections.abc import Iterable
from datetime import datetime

from domain.config import LeadbotConfig
from domain.home import refresh_message
from store.unit_of_work import SqlUnitOfWork, UowFactory


def refresh_homes(uow: SqlUnitOfWork, team_id: str, people: Iterable[str | None], now: datetime) -> None:
    """Queue a refresh of each person's Home tab, if they ever opened it (no one twice;
    system actors are nobody)."""
    candidates = {person for person in people if person and person[:1] in ("U", "W")}
    wanted = uow.home_viewers.among(team_id, candidates) if candidates else []
    if not wanted:
        return
    messages = [refresh_message(team_id, person, now) for person in wanted]
    uow.outbox.add_all([message for message, _ in messages], now, due=messages[0][1])


def overseers(config: LeadbotConfig, sales_team: str | None) -> tuple[str, ...]:
    """Whose Home tab shows a sales team's proposals, SLAs, pool and reps: its managers, and
    the admins, who see every team."""
    return config.team(sales_team).managers + config.admins


def home_opened(uow_factory: UowFactory, team_id: str, user_id: str, now: datetime) -> None:
    """The person looks at their Home tab: from now on, changes that touch them refresh it."""
    with uow_factory() as uow:
        uow.home_viewers.opened(team_id, user_id, now)
        uow.commit()
