"""digest and cadences: daily runs (one digest per team per local day), cadence enrolments and steps

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('daily_runs',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('job', sa.String(length=16), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('covers_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ran_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_runs')),
    sa.UniqueConstraint('team_id', 'job', 'scope', 'local_date', name=op.f('uq_daily_runs_team_id_job_scope_local_date'))
    )
    op.create_table('cadence_enrollments',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('lead_id', BIG_ID, nullable=False),
    sa.Column('cadence', sa.String(length=64), nullable=False),
    sa.Column('owner_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('enrolled_by', sa.String(length=32), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stop_reason', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_cadence_enrollments_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadence_enrollments'))
    )
    op.create_index(op.f('ix_cadence_enrollments_lead_id_status'), 'cadence_enrollments', ['lead_id', 'status'], unique=False)
    op.create_table('cadence_steps',
    sa.Column('enrollment_id', BIG_ID, nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('reminder_id', BIG_ID, nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['cadence_enrollments.id'], name=op.f('fk_cadence_steps_enrollment_id_cadence_enrollments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminders.id'], name=op.f('fk_cadence_steps_reminder_id_reminders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enrollment_id', 'step', name=op.f('pk_cadence_steps'))
    )
    op.create_index(op.f('ix_cadence_steps_reminder_id'), 'cadence_steps', ['reminder_id'], unique=True)


def downgrade() -> None:
    op.drop_index(op.f('ix_cadence_steps_reminder_id'), table_name='cadence_steps')
    op.drop_table('cadence_steps')
    op.drop_index(op.f('ix_cadence_enrollments_lead_id_status'), table_name='cadence_enrollments')
    op.drop_table('cadence_enrollments')
    op.drop_table('daily_runs')
