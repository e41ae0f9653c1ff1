"""predictive score: the model's weights per workspace and team, hand-set probabilities,
an index for counting closed leads

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leads_status_team_id_closed_at'), ['status', 'team_id', 'closed_at'], unique=False)
    op.create_table('predictive_models',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('sales_team', sa.String(length=64), nullable=False),
    sa.Column('params', sa.JSON(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('closed_seen', sa.Integer(), nullable=False),
    sa.Column('trained_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'sales_team', name=op.f('pk_predictive_models'))
    )
    op.create_table('lead_probabilities',
    sa.Column('lead_id', BIG_ID, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('set_by', sa.String(length=32), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_probabilities_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lead_id', name=op.f('pk_lead_probabilities'))
    )


def downgrade() -> None:
    op.drop_table('lead_probabilities')
    op.drop_table('predictive_models')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leads_status_team_id_closed_at'))
