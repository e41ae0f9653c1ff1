"""Saved lists: each person's named `/lead list` filters, in their workspace."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.sql import upsert
from store.tables import SavedListRow

Pairs = list[tuple[str, str]]


class SavedLists:
    def __init__(self, session: Session) -> None:
        self._s = session

    def save(self, team_id: str, user_id: str, name: str, pairs: Pairs, at: datetime) -> bool:
        """Keep the filter under that name, replacing one of the same name; True if it was new."""
        existed = self.get(team_id, user_id, name) is not None
        values = {"pairs": [list(pair) for pair in pairs], "saved_at": at}
        statement = upsert(self._s, SavedListRow, team_id=team_id, user_id=user_id, name=name, **values)
        self._s.execute(
            statement.on_conflict_do_update(index_elements=["team_id", "user_id", "name"], set_=values)
        )
        return not existed

    def get(self, team_id: str, user_id: str, name: str) -> Pairs | None:
        row = self._s.get(SavedListRow, (team_id, user_id, name))
        return [(key, value) for key, value in row.pairs] if row is not None else None

    def names(self, team_id: str, user_id: str) -> list[str]:
        query = sa.select(SavedListRow.name).where(
            SavedListRow.team_id == team_id, SavedListRow.user_id == user_id
        )
        return list(self._s.scalars(query.order_by(SavedListRow.name)))
