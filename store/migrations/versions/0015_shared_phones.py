"""a phone may be shared by several live leads (a switchboard): its index no longer unique

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOLDS_IDENTITY = sa.text("merged_into_id IS NULL AND status <> 'converted'")


def upgrade() -> None:
    op.drop_index('uq_leads_live_phone', table_name='leads')
    op.create_index(
        'ix_leads_live_phone', 'leads', ['team_id', 'phone'], unique=False,
        sqlite_where=HOLDS_IDENTITY, postgresql_where=HOLDS_IDENTITY,
    )


def downgrade() -> None:
    # Only possible while no two live leads share a phone: the unique index would refuse them.
    op.drop_index('ix_leads_live_phone', table_name='leads')
    op.create_index(
        'uq_leads_live_phone', 'leads', ['team_id', 'phone'], unique=True,
        sqlite_where=HOLDS_IDENTITY, postgresql_where=HOLDS_IDENTITY,
    )
