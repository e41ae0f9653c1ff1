"""The app's installations (OAuth v2) as the Slack side reads and writes them: each a short
transaction of its own. Values come and go sealed; this layer never holds a token."""

from collections.abc import Callable
from datetime import datetime

from domain.operations.installations import Place as Place  # for the Slack side: it never imports store
from store.unit_of_work import UowFactory


def save_installation(
    uow_factory: UowFactory, place: Place, users: tuple[str, ...], org_wide: bool, sealed: str, now: datetime
) -> None:
    """The same installation under each key asked for ("" the latest, then its installer)."""
    with uow_factory() as uow:
        for user_id in users:
            uow.installations.save(place, user_id, org_wide, sealed, now)
        uow.commit()


def find_installation(uow_factory: UowFactory, place: Place, user_id: str) -> str | None:
    with uow_factory() as uow:
        return uow.installations.find(place, user_id)


def save_bot(uow_factory: UowFactory, place: Place, org_wide: bool, sealed: str, now: datetime) -> None:
    with uow_factory() as uow:
        uow.installations.save_bot(place, org_wide, sealed, now)
        uow.commit()


def find_bot(uow_factory: UowFactory, place: Place) -> str | None:
    with uow_factory() as uow:
        return uow.installations.find_bot(place)


def installed_bots(uow_factory: UowFactory) -> list[tuple[Place, str]]:
    with uow_factory() as uow:
        return uow.installations.bots()


def forget(uow_factory: UowFactory, place: Place, user_id: str | None, bot: bool) -> None:
    """Delete tokens: the installer's (or every user's, user_id None), and the bot's if `bot`."""
    with uow_factory() as uow:
        uow.installations.delete(place, user_id)
        if bot:
            uow.installations.delete_bot(place)
        uow.commit()


def uninstall(uow_factory: UowFactory, place: Place, team_id: str) -> None:
    """Slack said the app is gone from the workspace: every token and its webhook secret go in
    one transaction, so nothing is left half-installed."""
    with uow_factory() as uow:
        uow.installations.delete(place, None)
        uow.installations.delete_bot(place)
        if team_id:
            uow.installations.delete_webhook_secret(team_id)
        uow.commit()


def issue_state(uow_factory: UowFactory, state: str, expires_at: datetime) -> None:
    with uow_factory() as uow:
        uow.installations.issue_state(state, expires_at)
        uow.commit()


def consume_state(uow_factory: UowFactory, state: str, now: datetime) -> bool:
    with uow_factory() as uow:
        taken = uow.installations.consume_state(state, now)
        uow.commit()
        return taken


def webhook_secrets(uow_factory: UowFactory) -> dict[str, str]:
    with uow_factory() as uow:
        return uow.installations.webhook_secrets()


def webhook_secret(
    uow_factory: UowFactory, team_id: str, new_sealed: Callable[[], str], now: datetime
) -> str:
    """The workspace's sealed secret, made (with `new_sealed`) the first time it is asked for."""
    with uow_factory() as uow:
        found = uow.installations.webhook_secret(team_id)
        if found is not None:
            return found
        uow.installations.add_webhook_secret(team_id, new_sealed(), now)
        uow.commit()
    return webhook_secret(uow_factory, team_id, new_sealed, now)  # the one that won any race


def rotate_webhook_secret(uow_factory: UowFactory, team_id: str, sealed: str, now: datetime) -> None:
    with uow_factory() as uow:
        uow.installations.set_webhook_secret(team_id, sealed, now)
        uow.commit()


def reseal_all(uow_factory: UowFactory, reseal: Callable[[str], str]) -> int:
    """Every sealed value sealed again (with the first encryption key): once done, older keys
    may be dropped. Returns how many values were rewritten."""
    with uow_factory() as uow:
        count = uow.installations.reseal(reseal)
        uow.commit()
        return count
