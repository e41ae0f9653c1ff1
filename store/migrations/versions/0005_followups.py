"""follow-ups: done/snooze state on reminders, resurfacing, the user time zone cache

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('user_timezones',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_user_timezones'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tz', sa.String(length=64), server_default='UTC', nullable=False))
        batch_op.add_column(sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('done_by', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('next_nudge_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('nudges', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('snoozes', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_reminders_status_next_nudge_at'), ['status', 'next_nudge_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_team_id_user_id_status'), ['team_id', 'user_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminders_team_id_user_id_status'))
        batch_op.drop_index(batch_op.f('ix_reminders_status_next_nudge_at'))
        batch_op.drop_column('snoozes')
        batch_op.drop_column('nudges')
        batch_op.drop_column('next_nudge_at')
        batch_op.drop_column('done_by')
        batch_op.drop_column('done_at')
        batch_op.drop_column('tz')
    op.drop_table('user_timezones')
