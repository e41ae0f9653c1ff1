"""commands queued at the ack when the server is busy

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deferred_commands',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('request_key', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('command', sa.JSON(), nullable=False),
    sa.Column('response_url', sa.String(length=1000), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deferred_commands')),
    sa.UniqueConstraint('team_id', 'request_key', name=op.f('uq_deferred_commands_team_id_request_key'))
    )
    with op.batch_alter_table('deferred_commands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deferred_commands_status_received_at'), ['status', 'received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deferred_commands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deferred_commands_status_received_at'))

    op.drop_table('deferred_commands')
