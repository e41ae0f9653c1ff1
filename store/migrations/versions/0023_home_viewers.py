"""home_viewers: who has opened Leadbot's Home tab, so a change refreshes only tabs someone
looks at (views.publish is Tier 4, about 100 a minute per workspace); ix_leads_home_counts:
the Home tab's counts of a team's live leads from the index alone

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-06 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0023'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('home_viewers',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_home_viewers'))
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index(
            'ix_leads_home_counts',
            ['team_id', 'sales_team', 'status', 'owner_id', 'created_at', 'merged_into_id'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_home_counts')
    op.drop_table('home_viewers')
