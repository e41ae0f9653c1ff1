"""Reading the audit log whole, for `leadbot audit export`: a page of rows at a time by
id (keyset), so a log of millions of entries never sits in memory at once."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.tables import AuditRow

PAGE = 1_000
_AUDIT = cast(sa.Table, AuditRow.__table__)


def audit_page(
    session: Session, after_id: int, since: datetime | None, workspaces: Sequence[str], limit: int = PAGE
) -> list[dict[str, Any]]:
    """Up to `limit` entries with an id above `after_id`, at or after `since` (any when
    None), of the given workspaces (all when empty), oldest first."""
    # Core rows, not ORM objects: an export reads every entry, and building an object for
    # each cost most of its time.
    query = sa.select(*_AUDIT.c).where(AuditRow.id > after_id).order_by(AuditRow.id).limit(limit)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if workspaces:
        query = query.where(AuditRow.team_id.in_(list(workspaces)))
    return [audit_entry(row) for row in session.execute(query)]


def audit_entry(row: sa.Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "workspace": row.team_id,
        "at": row.at.isoformat(),
        "actor": row.actor_id,
        "action": row.action,
        "entity": row.entity,
        "entity_ref": row.entity_ref,
        "before": row.before,
        "after": row.after,
    }
