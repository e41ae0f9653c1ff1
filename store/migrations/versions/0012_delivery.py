"""delivery: per-conversation pacing, and which dead messages the admins were told of

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('channel_pacing',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('channel_key', sa.String(length=64), nullable=False),
    sa.Column('next_allowed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reserved_until', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'channel_key', name=op.f('pk_channel_pacing'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alerted_at', sa.DateTime(timezone=True), nullable=True))
    # Messages that died before this version are old news: no alert floods the admins on upgrade.
    op.execute("UPDATE outbox_messages SET alerted_at = next_attempt_at WHERE status = 'dead'")


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('alerted_at')
    op.drop_table('channel_pacing')
