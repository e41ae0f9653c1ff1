"""Merges of duplicate leads: moving history across, and the record that allows undo."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.leads import MERGE_HOPS
from store.tables import ActivityRow, CadenceEnrollmentRow, EngagementEventRow, LeadRow, MergeRow, ReminderRow

# What a lead did and what was done with it: it follows a merge, and comes back on undo.
_HISTORY = (ActivityRow, ReminderRow, EngagementEventRow, CadenceEnrollmentRow)


class MergeRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def move_history(self, team_id: str, source_id: int, target_id: int) -> None:
        """Activities, reminders, engagement and cadence enrolments follow the lead they
        merge into, remembering where they came from: the lead they were first written on,
        which a merge of a lead that had others merged into it must not overwrite."""
        for table in _HISTORY:
            self._s.execute(
                sa.update(table)
                .where(table.team_id == team_id, table.lead_id == source_id)
                .values(lead_id=target_id, moved_from_id=sa.func.coalesce(table.moved_from_id, source_id))
            )

    def move_history_back(self, team_id: str, source_id: int, target_id: int) -> None:
        """The source's own history, and that of the leads still merged into it, which came
        along when it was merged."""
        origins = self._merged_into(team_id, source_id)
        for table in _HISTORY:
            own = sa.case((table.moved_from_id == source_id, None), else_=table.moved_from_id)
            self._s.execute(
                sa.update(table)
                .where(table.team_id == team_id, table.lead_id == target_id, table.moved_from_id.in_(origins))
                .values(lead_id=source_id, moved_from_id=own)
            )

    def _merged_into(self, team_id: str, lead_id: int) -> set[int]:
        """The lead and every lead merged into it, directly or through others."""
        found, frontier = {lead_id}, {lead_id}
        for _ in range(MERGE_HOPS):
            into = LeadRow.merged_into_id.in_(frontier)
            frontier = set(self._s.scalars(sa.select(LeadRow.id).where(LeadRow.team_id == team_id, into)))
            frontier -= found
            if not frontier:
                break
            found |= frontier
        return found

    def record(
        self, *, team_id: str, source_id: int, target_id: int, filled: dict[str, Any], by: str, at: datetime
    ) -> None:
        self._s.add(
            MergeRow(
                team_id=team_id,
                source_id=source_id,
                target_id=target_id,
                filled=filled,
                merged_by=by,
                merged_at=at,
            )
        )

    def open_merge_of(self, team_id: str, source_id: int) -> MergeRow | None:
        """The merge of this lead that has not been undone, if any."""
        query = (
            sa.select(MergeRow)
            .where(MergeRow.team_id == team_id, MergeRow.source_id == source_id, MergeRow.undone_at.is_(None))
            .order_by(MergeRow.id.desc())
            .limit(1)
        )
        return self._s.scalars(query).first()

    def claim(self, team_id: str, source_id: int, target_id: int) -> bool:
        """Mark the source merged into the target, once. Of two requests at once (a double
        click on Merge anyway), the second waits for the first's commit on PostgreSQL and
        then finds nothing to claim; on SQLite it waited before reading anything."""
        claimed = self._s.execute(
            sa.update(LeadRow)
            .where(LeadRow.team_id == team_id, LeadRow.id == source_id, LeadRow.merged_into_id.is_(None))
            .values(merged_into_id=target_id)
            .returning(LeadRow.id),
            execution_options={"synchronize_session": False},
        )
        return claimed.first() is not None

    def merged_into(self, source_id: int) -> int | None:
        """As committed now, not as this session read it earlier."""
        return self._s.scalar(sa.select(LeadRow.merged_into_id).where(LeadRow.id == source_id))

    def mark_undone(self, merge: MergeRow, by: str, at: datetime) -> bool:
        """Once, however many clicks: False if another request undid it first."""
        undone = self._s.execute(
            sa.update(MergeRow)
            .where(MergeRow.id == merge.id, MergeRow.undone_at.is_(None))
            .values(undone_by=by, undone_at=at)
            .returning(MergeRow.id),
            execution_options={"synchronize_session": False},
        )
        return undone.first() is not None
