"""Custom fields and tags: a JSON column of the workspace's own fields on each lead, the
lead's tags as shown, and lead_tags for filtering by tag

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('custom', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('tags', sa.JSON(), nullable=True))
    op.create_table('lead_tags',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('tag', sa.String(length=40), nullable=False),
    sa.Column('lead_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_tags_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'tag', 'lead_id', name=op.f('pk_lead_tags'))
    )
    with op.batch_alter_table('lead_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_tags_lead_id'), ['lead_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lead_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_tags_lead_id'))
    op.drop_table('lead_tags')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_column('tags')
        batch_op.drop_column('custom')
