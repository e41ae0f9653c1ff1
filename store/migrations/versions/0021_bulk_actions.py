"""Bulk actions on a list, and the leads each changed, for one undo of the whole action

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('bulk_actions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('filter_text', sa.String(length=2000), nullable=False),
    sa.Column('actor_id', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_actions'))
    )
    with op.batch_alter_table('bulk_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_actions_team_id_actor_id_id'), ['team_id', 'actor_id', 'id'], unique=False)

    op.create_table('bulk_items',
    sa.Column('action_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('lead_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['bulk_actions.id'], name=op.f('fk_bulk_items_action_id_bulk_actions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_id', 'lead_id', name=op.f('pk_bulk_items'))
    )


def downgrade() -> None:
    op.drop_table('bulk_items')
    with op.batch_alter_table('bulk_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_actions_team_id_actor_id_id'))
    op.drop_table('bulk_actions')
