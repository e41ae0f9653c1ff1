"""capture from every channel

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:53:49.747948
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("merged_into_id IS NULL")


def upgrade() -> None:
    op.create_table('lead_match_keys',
    sa.Column('lead_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_match_keys_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lead_id', 'key', name=op.f('pk_lead_match_keys'))
    )
    with op.batch_alter_table('lead_match_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_match_keys_team_id_key_lead_id'), ['team_id', 'key', 'lead_id'], unique=False)

    op.create_table('lead_merges',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('target_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('filled', sa.JSON(), nullable=False),
    sa.Column('merged_by', sa.String(length=32), nullable=False),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_by', sa.String(length=32), nullable=True),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['leads.id'], name=op.f('fk_lead_merges_source_id_leads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['leads.id'], name=op.f('fk_lead_merges_target_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_merges'))
    )
    with op.batch_alter_table('lead_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_merges_team_id_source_id'), ['team_id', 'source_id'], unique=False)

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moved_from_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_activities_moved_from_id_leads'), 'leads', ['moved_from_id'], ['id'])

    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('external_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('origin_url', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('enriched', sa.JSON(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_leads_team_id_external_id'), ['team_id', 'external_id'])
        batch_op.drop_index('ix_leads_team_id_email')
        batch_op.drop_index('ix_leads_team_id_phone')
        batch_op.create_index('uq_leads_live_email', ['team_id', 'email'], unique=True,
                              sqlite_where=LIVE, postgresql_where=LIVE)
        batch_op.create_index('uq_leads_live_phone', ['team_id', 'phone'], unique=True,
                              sqlite_where=LIVE, postgresql_where=LIVE)
        batch_op.create_foreign_key(batch_op.f('fk_leads_merged_into_id_leads'), 'leads', ['merged_into_id'], ['id'])

    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moved_from_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reminders_moved_from_id_leads'), 'leads', ['moved_from_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reminders_moved_from_id_leads'), type_='foreignkey')
        batch_op.drop_column('moved_from_id')

    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_leads_merged_into_id_leads'), type_='foreignkey')
        batch_op.drop_index('uq_leads_live_phone')
        batch_op.drop_index('uq_leads_live_email')
        batch_op.create_index('ix_leads_team_id_email', ['team_id', 'email'], unique=False)
        batch_op.create_index('ix_leads_team_id_phone', ['team_id', 'phone'], unique=False)
        batch_op.drop_constraint(batch_op.f('uq_leads_team_id_external_id'), type_='unique')
        batch_op.drop_column('enriched')
        batch_op.drop_column('origin_url')
        batch_op.drop_column('external_id')
        batch_op.drop_column('merged_into_id')

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_activities_moved_from_id_leads'), type_='foreignkey')
        batch_op.drop_column('moved_from_id')

    with op.batch_alter_table('lead_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_merges_team_id_source_id'))

    op.drop_table('lead_merges')
    with op.batch_alter_table('lead_match_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_match_keys_team_id_key_lead_id'))

    op.drop_table('lead_match_keys')
