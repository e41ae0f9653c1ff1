"""Telling the admins about messages Slack refused for good, by DM through the outbox."""

from datetime import datetime

from domain.delivery.alerts import ALERT_WINDOW, AlertGroup, alert_prefix, group_undelivered
from store.unit_of_work import SqlUnitOfWork, UowFactory

BATCH = 500


def alert_admins(now: datetime, uow_factory: UowFactory, admins: tuple[str, ...]) -> int:
    """Queue one DM per admin for each channel and error that dead messages ran into, with
    their count. Trouble an alert already reported within ALERT_WINDOW waits for the window
    to pass, then goes out as one more alert: a channel that keeps refusing is reported
    about once an hour, not once a message. Returns how many dead messages were reported."""
    if not admins:
        return 0
    with uow_factory() as uow:
        groups = group_undelivered(uow.outbox.undelivered(BATCH))
        reported = [group for group in groups if not _reported_lately(uow, group, now)]
        for group in reported:
            for admin in admins:
                uow.outbox.add(group.alert(admin), now)
            uow.outbox.mark_alerted([item.message.id or 0 for item in group.dead], now)
        uow.commit()
    return sum(len(group.dead) for group in reported)


def _reported_lately(uow: SqlUnitOfWork, group: AlertGroup, now: datetime) -> bool:
    return uow.outbox.alerted_since(alert_prefix(group.team_id, group.signature), now - ALERT_WINDOW)
