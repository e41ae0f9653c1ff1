"""The Home tab's viewers: who opened it, so that the changes touching them refresh it
(SqlUnitOfWork.refresh_homes queues those refreshes, in each change's own transaction)."""

from datetime import datetime

from store.unit_of_work import UowFactory


def home_opened(uow_factory: UowFactory, team_id: str, user_id: str, now: datetime) -> None:
    """The person looks at their Home tab: from now on, changes that touch them refresh it."""
    with uow_factory() as uow:
        uow.home_viewers.opened(team_id, user_id, now)
        uow.commit()
