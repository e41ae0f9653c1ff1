"""home_viewers: who has opened Leadbot's Home tab, so a change refreshes only tabs someone
looks at (views.publish is Tier 4, about 100 a minute per workspace)

Revision ID: 0023
Revises: 0017
Create Date: 2026-12-06 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0023'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('home_viewers',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_home_viewers'))
    )


def downgrade() -> None:
    op.drop_table('home_viewers')
