"""Multi-workspace install (OAuth v2): sealed installations and bots, OAuth states, and each
workspace's own webhook secret

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('installations',
    sa.Column('enterprise_id', sa.String(length=32), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('org_wide', sa.Boolean(), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.Column('installed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('enterprise_id', 'team_id', 'user_id', name=op.f('pk_installations'))
    )
    op.create_table('installed_bots',
    sa.Column('enterprise_id', sa.String(length=32), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('org_wide', sa.Boolean(), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.Column('installed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('enterprise_id', 'team_id', name=op.f('pk_installed_bots'))
    )
    op.create_table('oauth_states',
    sa.Column('state', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('state', name=op.f('pk_oauth_states'))
    )
    op.create_table('webhook_secrets',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_webhook_secrets'))
    )


def downgrade() -> None:
    op.drop_table('webhook_secrets')
    op.drop_table('oauth_states')
    op.drop_table('installed_bots')
    op.drop_table('installations')
