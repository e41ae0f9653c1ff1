"""The predictive score's storage: closed leads with what reps logged on them, the trained
weights per workspace and team, and conversion chances set by hand."""

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.lead import Lead
from domain.lifecycle import LeadStatus
from domain.scoring.predictive import ALL_TEAMS, Engagement, HandSet, History, StoredModel, Trained
from store.leads import to_lead
from store.tables import ActivityRow, LeadProbabilityRow, LeadRow, PredictiveModelRow

CLOSED = (str(LeadStatus.CONVERTED), str(LeadStatus.LOST))
_latest = sa.func.max(ActivityRow.created_at)
TOUCHES = {"call": "calls", "email": "emails", "meeting": "meetings"}  # activity kind -> Engagement


class PredictiveRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def history(self, team_id: str) -> History:
        return self.histories(team_id).get(team_id, History(0, None))

    def histories(self, team_id: str | None = None) -> dict[str, History]:
        """Per workspace: how many leads are closed and when the last one closed. Only a sign
        that something changed (merged-away leads count too): read from an index alone."""
        query = sa.select(LeadRow.team_id, sa.func.count(), sa.func.max(LeadRow.closed_at)).where(
            LeadRow.status.in_(CLOSED)
        )
        if team_id is not None:
            query = query.where(LeadRow.team_id == team_id)
        rows = self._s.execute(query.group_by(LeadRow.team_id))
        return {team: History(int(count), latest) for team, count, latest in rows}

    def closed_leads(self, team_id: str) -> list[tuple[Lead, Engagement]]:
        """Every closed lead of the workspace, with what reps logged on it before it closed."""
        rows = self._s.scalars(self._closed(team_id)).all()
        logged = self._logged(team_id)
        return [(to_lead(row), engagement_of(logged.get(row.id, {}))) for row in rows]

    def engagement(self, lead: Lead, as_of: datetime) -> Engagement:
        query = (
            sa.select(ActivityRow.kind, sa.func.count(), _latest)
            .where(ActivityRow.team_id == lead.team_id, ActivityRow.lead_id == lead.id)
            .where(ActivityRow.kind.in_(TOUCHES), ActivityRow.created_at <= as_of)
            .group_by(ActivityRow.kind)
        )
        return engagement_of({kind: (int(n), last) for kind, n, last in self._s.execute(query)})

    def _closed(self, team_id: str) -> sa.Select[LeadRow]:
        return sa.select(LeadRow).where(
            LeadRow.team_id == team_id, LeadRow.status.in_(CLOSED), LeadRow.merged_into_id.is_(None)
        )

    def _logged(self, team_id: str) -> dict[int, dict[str, tuple[int, datetime]]]:
        """lead id -> activity kind -> (count, latest), for touches up to each lead's close."""
        query = (
            sa.select(ActivityRow.lead_id, ActivityRow.kind, sa.func.count(), _latest)
            .join(LeadRow, LeadRow.id == ActivityRow.lead_id)
            .where(LeadRow.team_id == team_id, LeadRow.status.in_(CLOSED), LeadRow.merged_into_id.is_(None))
            .where(ActivityRow.kind.in_(TOUCHES), ActivityRow.created_at <= LeadRow.closed_at)
            .group_by(ActivityRow.lead_id, ActivityRow.kind)
        )
        logged: dict[int, dict[str, tuple[int, datetime]]] = defaultdict(dict)
        for lead_id, kind, n, last in self._s.execute(query):
            logged[lead_id][kind] = (int(n), last)
        return logged

    # --- trained weights ---

    def model_for(self, team_id: str, sales_team: str | None) -> StoredModel | None:
        """The team's own weights if it has them, else all teams'."""
        scopes = [s for s in (sales_team, ALL_TEAMS) if s]
        rows = {
            row.sales_team: row
            for row in self._s.scalars(
                sa.select(PredictiveModelRow).where(
                    PredictiveModelRow.team_id == team_id, PredictiveModelRow.sales_team.in_(scopes)
                )
            )
        }
        row = next((rows[s] for s in scopes if s in rows), None)
        return _stored(row) if row is not None else None

    def trained(self, team_id: str | None = None) -> dict[str, Trained]:
        """Per workspace (or just the one): what its last training saw."""
        query = sa.select(
            PredictiveModelRow.team_id, PredictiveModelRow.closed_seen, PredictiveModelRow.trained_at
        ).where(PredictiveModelRow.sales_team == ALL_TEAMS)
        if team_id is not None:
            query = query.where(PredictiveModelRow.team_id == team_id)
        return {team: Trained(closed, at) for team, closed, at in self._s.execute(query)}

    def replace_models(self, team_id: str, models: list[StoredModel]) -> None:
        self._s.execute(sa.delete(PredictiveModelRow).where(PredictiveModelRow.team_id == team_id))
        self._s.add_all(
            PredictiveModelRow(
                team_id=team_id,
                sales_team=m.sales_team,
                params=m.params,
                n=m.n,
                closed_seen=m.closed_seen,
                trained_at=m.trained_at,
            )
            for m in models
        )
        self._s.flush()

    # --- hand-set chances ---

    def hand_set(self, lead: Lead) -> HandSet | None:
        row = self._s.get(LeadProbabilityRow, lead.id)
        if row is None or row.team_id != lead.team_id:
            return None
        return HandSet(row.percent, row.set_by, row.set_at)

    def set_by_hand(self, lead: Lead, chance: HandSet | None) -> None:
        """Set (or with None, clear) the chance a person gave."""
        self._s.execute(sa.delete(LeadProbabilityRow).where(LeadProbabilityRow.lead_id == lead.id))
        if chance is not None:
            self._s.add(
                LeadProbabilityRow(
                    lead_id=lead.id,
                    team_id=lead.team_id,
                    percent=chance.percent,
                    set_by=chance.set_by,
                    set_at=chance.set_at,
                )
            )
        self._s.flush()


def engagement_of(logged: dict[str, tuple[int, datetime]]) -> Engagement:
    counts = {field: logged.get(kind, (0, None))[0] for kind, field in TOUCHES.items()}
    lasts = [last for _, last in logged.values() if last is not None]
    return Engagement(**counts, last_touch=max(lasts) if lasts else None)


def _stored(row: PredictiveModelRow) -> StoredModel:
    return StoredModel(row.sales_team, row.params, row.n, row.closed_seen, row.trained_at)
