"""BANT qualification records: every answer kept, the newest one per lead is current."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.lead import Lead
from domain.scoring.qualification import BANT_FIELDS, Qualification
from store.tables import QualificationRow


class QualificationRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, lead: Lead, qualification: Qualification) -> None:
        self._s.add(
            QualificationRow(
                team_id=lead.team_id,
                lead_id=lead.id,
                answered_by=qualification.answered_by,
                answered_at=qualification.answered_at,
                **qualification.answers(),
            )
        )

    def latest(self, lead: Lead) -> Qualification | None:
        history = self.history(lead, limit=1)
        return history[0] if history else None

    def history(self, lead: Lead, limit: int = 20) -> list[Qualification]:
        """Newest first."""
        query = (
            sa.select(QualificationRow)
            .where(QualificationRow.team_id == lead.team_id, QualificationRow.lead_id == lead.id)
            .order_by(QualificationRow.id.desc())
            .limit(limit)
        )
        return [_to_qualification(row) for row in self._s.scalars(query)]


def _to_qualification(row: QualificationRow) -> Qualification:
    answers = {name: getattr(row, name) for name in BANT_FIELDS}
    return Qualification(answered_by=row.answered_by, answered_at=row.answered_at, **answers)
