"""routing: per-team routing state, rep turns, absences, lead assignments

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('routing_states',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('sales_team', sa.String(length=64), nullable=False),
    sa.Column('decisions', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'sales_team', name=op.f('pk_routing_states'))
    )
    op.create_table('routing_turns',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('sales_team', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('turns', sa.Integer(), nullable=False),
    sa.Column('last_turn', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'sales_team', 'user_id', name=op.f('pk_routing_turns'))
    )
    op.create_table('rep_absences',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('away_until', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_rep_absences'))
    )
    op.create_table('lead_assignments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('lead_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sales_team', sa.String(length=64), nullable=False),
    sa.Column('rep_id', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('rule', sa.String(length=80), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=32), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('auto_approve_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_assignments_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_assignments'))
    )
    with op.batch_alter_table('lead_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_assignments_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_assignments_state_auto_approve_at'), ['state', 'auto_approve_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_assignments_team_id_rep_id_created_at'), ['team_id', 'rep_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_assignments_team_id_rep_id_state'), ['team_id', 'rep_id', 'state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lead_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_assignments_team_id_rep_id_state'))
        batch_op.drop_index(batch_op.f('ix_lead_assignments_team_id_rep_id_created_at'))
        batch_op.drop_index(batch_op.f('ix_lead_assignments_state_auto_approve_at'))
        batch_op.drop_index(batch_op.f('ix_lead_assignments_lead_id'))
    op.drop_table('lead_assignments')
    op.drop_table('rep_absences')
    op.drop_table('routing_turns')
    op.drop_table('routing_states')
