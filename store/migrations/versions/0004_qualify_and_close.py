"""qualify and close: BANT answers, contacts, deal and lost reason, cycles

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 03:17:26.089501
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
OLD_LIVE = sa.text("merged_into_id IS NULL")
# A converted lead no longer holds its email and phone: the person's next interest is a new lead.
LIVE = sa.text("merged_into_id IS NULL AND status <> 'converted'")


def upgrade() -> None:
    op.create_table('contacts',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('company', sa.String(length=500), nullable=True),
    sa.Column('lead_id', BIG_ID, nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_contacts_lead_id_leads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_team_id_email'), ['team_id', 'email'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_team_id_phone'), ['team_id', 'phone'], unique=False)

    op.create_table('lead_qualifications',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('lead_id', BIG_ID, nullable=False),
    sa.Column('budget', sa.String(length=500), nullable=True),
    sa.Column('authority', sa.String(length=500), nullable=True),
    sa.Column('need', sa.String(length=500), nullable=True),
    sa.Column('timeline', sa.String(length=500), nullable=True),
    sa.Column('answered_by', sa.String(length=32), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_qualifications_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_qualifications'))
    )
    with op.batch_alter_table('lead_qualifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_qualifications_lead_id_id'), ['lead_id', 'id'], unique=False)

    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deal_value', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('deal_product', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('lost_reason', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('lost_note', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('contact_id', BIG_ID, nullable=True))
        batch_op.add_column(sa.Column('cycle', sa.Integer(), server_default=sa.text('1'), nullable=False))
        batch_op.create_index(batch_op.f('ix_leads_contact_id'), ['contact_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_leads_contact_id_contacts'), 'contacts', ['contact_id'], ['id'])
        _replace_live_indexes(batch_op, LIVE)


def downgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        _replace_live_indexes(batch_op, OLD_LIVE)
        batch_op.drop_constraint(batch_op.f('fk_leads_contact_id_contacts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_leads_contact_id'))
        batch_op.drop_column('cycle')
        batch_op.drop_column('contact_id')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('lost_note')
        batch_op.drop_column('lost_reason')
        batch_op.drop_column('deal_product')
        batch_op.drop_column('deal_value')

    with op.batch_alter_table('lead_qualifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_qualifications_lead_id_id'))

    op.drop_table('lead_qualifications')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_team_id_phone'))
        batch_op.drop_index(batch_op.f('ix_contacts_team_id_email'))

    op.drop_table('contacts')


def _replace_live_indexes(batch_op: Any, where: sa.TextClause) -> None:
    for column in ('email', 'phone'):
        batch_op.drop_index(f'uq_leads_live_{column}')
        batch_op.create_index(f'uq_leads_live_{column}', ['team_id', column], unique=True,
                              sqlite_where=where, postgresql_where=where)
