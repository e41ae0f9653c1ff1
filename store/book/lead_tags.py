"""lead_tags: each lead's tags again, one row each, so `tag:hot` is an index lookup. Written
wherever the leads row is written (LeadRepository, BulkLeads), in the same transaction."""

from collections.abc import Sequence
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.lead import Lead
from store.tables import LeadTagRow

IN_CHUNK = 500
_tags = cast(sa.Table, LeadTagRow.__table__)


def write_tags(session: Session, leads: Sequence[Lead], *, fresh: bool) -> None:
    """Make lead_tags say what each lead's `tags` say; `fresh` leads have no rows yet."""
    if not fresh:
        ids = [lead.id for lead in leads]
        for start in range(0, len(ids), IN_CHUNK):
            session.execute(sa.delete(_tags).where(_tags.c.lead_id.in_(ids[start : start + IN_CHUNK])))
    rows = [{"team_id": lead.team_id, "tag": tag, "lead_id": lead.id} for lead in leads for tag in lead.tags]
    if rows:
        session.execute(sa.insert(_tags), rows)


def tagged(team_id: str, tags: Sequence[str]) -> sa.Select[tuple[int]]:
    """The ids of the workspace's leads carrying any of `tags`."""
    return sa.select(_tags.c.lead_id).where(_tags.c.team_id == team_id, _tags.c.tag.in_(list(tags)))
