"""cadence enrolments follow a merge, and come back on undo

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 13:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('cadence_enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moved_from_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cadence_enrollments_moved_from_id_leads'), 'leads', ['moved_from_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('cadence_enrollments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cadence_enrollments_moved_from_id_leads'), type_='foreignkey')
        batch_op.drop_column('moved_from_id')
