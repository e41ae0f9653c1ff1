"""speed-to-lead: first contact and the first-contact SLA on lead assignments

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('lead_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_contact_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sla_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sla_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sla_status', sa.String(length=16), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_lead_assignments_sla_status_sla_due_at'), ['sla_status', 'sla_due_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('lead_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_assignments_sla_status_sla_due_at'))
        batch_op.drop_column('sla_status')
        batch_op.drop_column('sla_due_at')
        batch_op.drop_column('sla_minutes')
        batch_op.drop_column('first_contact_at')
