"""The assignments' lead index also holds the state and the first contact

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 23:30:00

A report looks up, for each lead of its cohort, whether it was handed to a rep and when it
was first contacted (store/reporting/cohort.py): 100,000 look-ups for a year at 100,000
leads. With the state and the first contact in the index, each is answered from the index
alone (SQLite always; PostgreSQL once vacuum has marked the table's pages all-visible) rather
than read from the table. It replaces the index on lead_id alone, which it serves as well.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('lead_assignments', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_lead_assignments_lead_id_state_first_contact_at'),
            ['lead_id', 'state', 'first_contact_at'],
            unique=False,
        )
        batch_op.drop_index(batch_op.f('ix_lead_assignments_lead_id'))


def downgrade() -> None:
    with op.batch_alter_table('lead_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_assignments_lead_id'), ['lead_id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_lead_assignments_lead_id_state_first_contact_at'))
