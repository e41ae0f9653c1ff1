"""Saved lists shared with a sales team

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-06 20:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0025'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('shared_lists',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('sales_team', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('pairs', sa.JSON(), nullable=False),
    sa.Column('saved_by', sa.String(length=32), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'sales_team', 'name', name=op.f('pk_shared_lists'))
    )


def downgrade() -> None:
    op.drop_table('shared_lists')
