"""scoring: engagement events, score stages and the history of score changes

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('engagement_events',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('lead_id', BIG_ID, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_engagement_events_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_events')),
    sa.UniqueConstraint('team_id', 'external_id', name=op.f('uq_engagement_events_team_id_external_id'))
    )
    with op.batch_alter_table('engagement_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_events_lead_id_occurred_at'), ['lead_id', 'occurred_at'], unique=False)

    op.create_table('lead_scores',
    sa.Column('lead_id', BIG_ID, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=8), nullable=False),
    sa.Column('mql_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sql_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_scores_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lead_id', name=op.f('pk_lead_scores'))
    )
    op.create_table('lead_score_changes',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('lead_id', BIG_ID, nullable=False),
    sa.Column('before', sa.Integer(), nullable=False),
    sa.Column('after', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_score_changes_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_score_changes'))
    )
    with op.batch_alter_table('lead_score_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_score_changes_lead_id_id'), ['lead_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lead_score_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_score_changes_lead_id_id'))
    op.drop_table('lead_score_changes')
    op.drop_table('lead_scores')
    with op.batch_alter_table('engagement_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_events_lead_id_occurred_at'))
    op.drop_table('engagement_events')
