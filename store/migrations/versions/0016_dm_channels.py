"""dm_channels: a person's DM channel, remembered once Slack named it; a conversation's
message in flight, so no other sender posts there before it lands

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dm_channels',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_dm_channels'))
    )
    with op.batch_alter_table('channel_pacing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_flight_until', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('channel_pacing', schema=None) as batch_op:
        batch_op.drop_column('in_flight_until')
    op.drop_table('dm_channels')
