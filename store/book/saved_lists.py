"""Saved lists: each person's named `/lead list` filters, and those shared with a sales team,
in their workspace (domain/book/saved_lists.py)."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.book.saved_lists import SavedList
from store.sql import upsert
from store.tables import SavedListRow, SharedListRow

Pairs = list[tuple[str, str]]


class SavedLists:
    def __init__(self, session: Session) -> None:
        self._s = session

    def save(self, team_id: str, user_id: str, name: str, pairs: Pairs, at: datetime) -> bool:
        """Keep the filter under that name, replacing one of the same name; True if it was new."""
        keys = {"team_id": team_id, "user_id": user_id, "name": name}
        return self._put(SavedListRow, keys, {"pairs": [list(pair) for pair in pairs], "saved_at": at})

    def share(self, team_id: str, sales_team: str, name: str, pairs: Pairs, by: str, at: datetime) -> bool:
        """Keep the filter under that name for the sales team, replacing one of the same name
        (whoever shared it); True if it was new."""
        keys = {"team_id": team_id, "sales_team": sales_team, "name": name}
        values = {"pairs": [list(pair) for pair in pairs], "saved_by": by, "saved_at": at}
        return self._put(SharedListRow, keys, values)

    def _put(self, table: Any, keys: dict[str, str], values: dict[str, Any]) -> bool:
        existed = self._s.get(table, tuple(keys.values())) is not None
        statement = upsert(self._s, table, **keys, **values)
        self._s.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=values))
        return not existed

    def get(self, team_id: str, user_id: str, name: str) -> Pairs | None:
        row = self._s.get(SavedListRow, (team_id, user_id, name))
        return [(key, value) for key, value in row.pairs] if row is not None else None

    def names(self, team_id: str, user_id: str) -> list[str]:
        return [found.name for found in self.own(team_id, user_id)]

    def own(self, team_id: str, user_id: str) -> list[SavedList]:
        """The person's own lists, by name."""
        query = sa.select(SavedListRow).where(
            SavedListRow.team_id == team_id, SavedListRow.user_id == user_id
        )
        rows = self._s.scalars(query.order_by(SavedListRow.name))
        return [SavedList(row.name, _pairs(row.pairs), row.user_id) for row in rows]

    def shared(
        self, team_id: str, sales_teams: Iterable[str] | None, name: str | None = None
    ) -> list[SavedList]:
        """The lists shared with those sales teams (None: every team), of that name if given;
        by team, then name."""
        query = sa.select(SharedListRow).where(SharedListRow.team_id == team_id)
        if sales_teams is not None:
            query = query.where(SharedListRow.sales_team.in_(tuple(sales_teams)))
        if name is not None:
            query = query.where(SharedListRow.name == name)
        rows = self._s.scalars(query.order_by(SharedListRow.sales_team, SharedListRow.name))
        return [SavedList(row.name, _pairs(row.pairs), row.saved_by, row.sales_team) for row in rows]

    def delete(self, team_id: str, user_id: str, name: str) -> bool:
        """Forget the person's own list; False if they had none of that name."""
        return self._drop(SavedListRow, (team_id, user_id, name))

    def unshare(self, team_id: str, sales_team: str, name: str) -> bool:
        """Forget the team's shared list; False if it had none of that name."""
        return self._drop(SharedListRow, (team_id, sales_team, name))

    def _drop(self, table: Any, key: tuple[str, str, str]) -> bool:
        row = self._s.get(table, key)
        if row is None:
            return False
        self._s.delete(row)
        self._s.flush()
        return True


def _pairs(stored: list[list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((key, value) for key, value in stored)
