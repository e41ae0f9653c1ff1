"""Bulk actions and the leads each changed (domain/book/bulk.py), in one workspace. A state moves
only by a guarded UPDATE, so of a double click, or two replicas, one wins."""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.book.bulk import BulkAction, BulkItem, BulkKind, BulkState
from store.tables import BulkActionRow, BulkItemRow


def _action(row: BulkActionRow) -> BulkAction:
    return BulkAction(
        team_id=row.team_id,
        kind=BulkKind(row.kind),
        params=dict(row.params),
        filter_text=row.filter_text,
        actor_id=row.actor_id,
        created_at=row.created_at,
        state=BulkState(row.state),
        total=row.total,
        done=row.done,
        applied_at=row.applied_at,
        undone_at=row.undone_at,
        undone_by=row.undone_by,
        id=row.id,
    )


class BulkActions:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, action: BulkAction) -> BulkAction:
        row = BulkActionRow(
            team_id=action.team_id,
            kind=str(action.kind),
            params=action.params,
            filter_text=action.filter_text,
            actor_id=action.actor_id,
            state=str(action.state),
            total=action.total,
            done=0,
            created_at=action.created_at,
        )
        self._s.add(row)
        self._s.flush()
        return _action(row)

    def get(self, team_id: str, action_id: int) -> BulkAction | None:
        row = self._s.get(BulkActionRow, action_id, populate_existing=True)
        return _action(row) if row is not None and row.team_id == team_id else None

    def latest_of(self, team_id: str, actor_id: str, states: Sequence[BulkState]) -> BulkAction | None:
        query = (
            sa.select(BulkActionRow)
            .where(
                BulkActionRow.team_id == team_id,
                BulkActionRow.actor_id == actor_id,
                BulkActionRow.state.in_([str(s) for s in states]),
            )
            .order_by(BulkActionRow.id.desc())
            .limit(1)
        )
        row = self._s.scalars(query).first()
        return _action(row) if row is not None else None

    def move(self, action: BulkAction, source: BulkState, target: BulkState, **values: Any) -> bool:
        """From `source` to `target` (with other columns), if it is still in `source`."""
        moved = self._s.execute(
            sa.update(BulkActionRow)
            .where(
                BulkActionRow.id == action.id,
                BulkActionRow.team_id == action.team_id,
                BulkActionRow.state == str(source),
            )
            .values(state=str(target), **values)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(moved, "rowcount", 0))

    def count_done(self, action: BulkAction, done: int) -> None:
        self._s.execute(
            sa.update(BulkActionRow)
            .where(BulkActionRow.id == action.id)
            .values(done=done)
            .execution_options(synchronize_session=False)
        )

    def add_items(self, action: BulkAction, items: Sequence[BulkItem]) -> None:
        self._s.add_all(
            BulkItemRow(
                action_id=action.id,
                lead_id=item.lead_id,
                team_id=action.team_id,
                number=item.number,
                before=item.before,
                after=item.after,
            )
            for item in items
        )
        self._s.flush()

    def items(self, action: BulkAction, after_lead: int, limit: int) -> list[BulkItem]:
        """A page of the action's leads by lead id, after `after_lead` (keyset)."""
        query = (
            sa.select(BulkItemRow)
            .where(BulkItemRow.action_id == action.id, BulkItemRow.lead_id > after_lead)
            .order_by(BulkItemRow.lead_id)
            .limit(limit)
        )
        return [
            BulkItem(row.lead_id, row.number, dict(row.before), dict(row.after))
            for row in self._s.scalars(query)
        ]

    def applied_to(self, action: BulkAction) -> set[int]:
        query = sa.select(BulkItemRow.lead_id).where(BulkItemRow.action_id == action.id)
        return set(self._s.scalars(query))
