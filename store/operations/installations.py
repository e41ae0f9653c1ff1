"""Installations of the app (OAuth v2), their bots, OAuth states and per-workspace webhook
secrets. Everything secret arrives sealed (bot/workspaces/sealing.py): this module never sees a token."""

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.operations.installations import Place
from store.sql import insert_ignoring_conflict, upsert
from store.tables import InstallationRow, InstalledBotRow, OAuthStateRow, WebhookSecretRow


class InstallationRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    # installations and bots

    def save(self, place: Place, user_id: str, org_wide: bool, sealed: str, now: datetime) -> None:
        values = dict(org_wide=org_wide, sealed=sealed, installed_at=now)
        key = dict(enterprise_id=place.enterprise_id, team_id=place.team_id, user_id=user_id)
        self._s.execute(
            upsert(self._s, InstallationRow, **key, **values).on_conflict_do_update(
                index_elements=list(key), set_=values
            )
        )

    def find(self, place: Place, user_id: str) -> str | None:
        return self._s.scalar(
            sa.select(InstallationRow.sealed).where(
                *_at(InstallationRow, place), InstallationRow.user_id == user_id
            )
        )

    def save_bot(self, place: Place, org_wide: bool, sealed: str, now: datetime) -> None:
        values = dict(org_wide=org_wide, sealed=sealed, installed_at=now)
        key = dict(enterprise_id=place.enterprise_id, team_id=place.team_id)
        self._s.execute(
            upsert(self._s, InstalledBotRow, **key, **values).on_conflict_do_update(
                index_elements=list(key), set_=values
            )
        )

    def find_bot(self, place: Place) -> str | None:
        return self._s.scalar(sa.select(InstalledBotRow.sealed).where(*_at(InstalledBotRow, place)))

    def bots(self) -> list[tuple[Place, str]]:
        rows = self._s.execute(
            sa.select(InstalledBotRow.enterprise_id, InstalledBotRow.team_id, InstalledBotRow.sealed)
        )
        return [(Place(enterprise, team), sealed) for enterprise, team, sealed in rows]

    def delete(self, place: Place, user_id: str | None) -> int:
        """The installer's row, or (user_id None) every row of the place."""
        query = sa.delete(InstallationRow).where(*_at(InstallationRow, place))
        if user_id is not None:
            query = query.where(InstallationRow.user_id == user_id)
        return self._rowcount(query)

    def delete_bot(self, place: Place) -> int:
        return self._rowcount(sa.delete(InstalledBotRow).where(*_at(InstalledBotRow, place)))

    def reseal(self, reseal: Callable[[str], str]) -> int:
        """Every sealed value rewritten by `reseal` (sealed again with a newer key)."""
        count = 0
        rows: list[InstallationRow | InstalledBotRow | WebhookSecretRow] = [
            *self._s.scalars(sa.select(InstallationRow)),
            *self._s.scalars(sa.select(InstalledBotRow)),
            *self._s.scalars(sa.select(WebhookSecretRow)),
        ]
        for row in rows:
            row.sealed = reseal(row.sealed)
            count += 1
        self._s.flush()
        return count

    # OAuth states

    def issue_state(self, state: str, expires_at: datetime) -> None:
        self._s.execute(insert_ignoring_conflict(self._s, OAuthStateRow, state=state, expires_at=expires_at))

    def consume_state(self, state: str, now: datetime) -> bool:
        """Once only, and only before it expires; expired states are swept on the way."""
        self._s.execute(sa.delete(OAuthStateRow).where(OAuthStateRow.expires_at < now))
        return self._rowcount(sa.delete(OAuthStateRow).where(OAuthStateRow.state == state)) == 1

    # webhook secrets

    def webhook_secret(self, team_id: str) -> str | None:
        return self._s.scalar(sa.select(WebhookSecretRow.sealed).where(WebhookSecretRow.team_id == team_id))

    def webhook_secrets(self) -> dict[str, str]:
        rows = self._s.execute(sa.select(WebhookSecretRow.team_id, WebhookSecretRow.sealed))
        return {team: sealed for team, sealed in rows}

    def set_webhook_secret(self, team_id: str, sealed: str, now: datetime) -> None:
        values = dict(sealed=sealed, rotated_at=now)
        self._s.execute(
            upsert(self._s, WebhookSecretRow, team_id=team_id, **values).on_conflict_do_update(
                index_elements=["team_id"], set_=values
            )
        )

    def add_webhook_secret(self, team_id: str, sealed: str, now: datetime) -> None:
        """A first secret; one that is there already stays."""
        self._s.execute(
            insert_ignoring_conflict(
                self._s, WebhookSecretRow, team_id=team_id, sealed=sealed, rotated_at=now
            )
        )

    def delete_webhook_secret(self, team_id: str) -> int:
        return self._rowcount(sa.delete(WebhookSecretRow).where(WebhookSecretRow.team_id == team_id))

    def _rowcount(self, statement: sa.Delete) -> int:
        return int(getattr(self._s.execute(statement), "rowcount", 0) or 0)


def _at(
    table: type[InstallationRow] | type[InstalledBotRow], place: Place
) -> tuple[sa.ColumnElement[bool], ...]:
    return (table.enterprise_id == place.enterprise_id, table.team_id == place.team_id)
