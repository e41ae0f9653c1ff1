"""Every live lead's blocking keys filed again

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 02:40:00

Duplicate matching finds its candidates through the blocking keys each lead files
(lead_match_keys). The keys changed: a word of the name now meets a word of the company by
its first three letters rather than its sound, and a company's generic words ("street",
"services") no longer make keys. Leads filed under the old keys would only be found through
the keys that did not change, so each live lead's keys are worked out again with today's
domain.matching.dedupe.blocking_keys. Merged leads file none, as before. Running it again
files the same keys: it can be repeated safely.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from domain.matching.dedupe import MatchRecord, blocking_keys

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000

leads = sa.table(
    "leads",
    sa.column("id", sa.BigInteger),
    sa.column("team_id", sa.String),
    sa.column("name", sa.String),
    sa.column("email", sa.String),
    sa.column("phone", sa.String),
    sa.column("company", sa.String),
    sa.column("merged_into_id", sa.BigInteger),
)
keys = sa.table(
    "lead_match_keys",
    sa.column("lead_id", sa.BigInteger),
    sa.column("key", sa.String),
    sa.column("team_id", sa.String),
)


def upgrade() -> None:
    bind = op.get_bind()
    after = 0
    while True:
        rows = bind.execute(
            sa.select(
                leads.c.id, leads.c.team_id, leads.c.name, leads.c.email, leads.c.phone, leads.c.company
            )
            .where(leads.c.id > after, leads.c.merged_into_id.is_(None))
            .order_by(leads.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        ids = [row.id for row in rows]
        bind.execute(keys.delete().where(keys.c.lead_id.in_(ids)))
        filed = [
            {"lead_id": row.id, "key": key, "team_id": row.team_id}
            for row in rows
            for key in sorted(blocking_keys(MatchRecord(row.id, row.name, row.email, row.phone, row.company)))
        ]
        if filed:
            bind.execute(keys.insert(), filed)
        after = ids[-1]


def downgrade() -> None:
    """The keys stay as they are: the older code finds fewer candidates through them, never
    a wrong one (every candidate is compared afresh)."""
