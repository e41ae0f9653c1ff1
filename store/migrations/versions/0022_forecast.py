"""Forecast: an open lead's expected value and close month, each month's recorded forecast, and
leads by capture time for the report's cohort

Revision ID: 0022
Revises: 0023
Create Date: 2026-12-06 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0022'
down_revision: str | None = '0023'  # main's head when merged (assigned: '0017'; re-chained at merge)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('forecast_snapshots',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('sales_team', sa.String(length=64), nullable=False),
    sa.Column('owner_id', sa.String(length=32), nullable=False),
    sa.Column('deals', sa.Integer(), nullable=False),
    sa.Column('weighted', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('best_case', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('committed', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'month', 'sales_team', 'owner_id', name=op.f('pk_forecast_snapshots'))
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expected_value', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('expected_close', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_leads_team_id_expected_close'), ['team_id', 'expected_close'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_team_id_created_at'), ['team_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leads_team_id_created_at'))
        batch_op.drop_index(batch_op.f('ix_leads_team_id_expected_close'))
        batch_op.drop_column('expected_close')
        batch_op.drop_column('expected_value')
    op.drop_table('forecast_snapshots')
