"""the engagement events index covers what the daily rescore reads

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 05:00:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = 'ix_engagement_events_lead_id_occurred_at'
NEW = 'ix_engagement_events_lead_id_occurred_at_kind_url'


def upgrade() -> None:
    with op.batch_alter_table('engagement_events', schema=None) as batch_op:
        batch_op.create_index(NEW, ['lead_id', 'occurred_at', 'kind', 'url'], unique=False)
        batch_op.drop_index(OLD)


def downgrade() -> None:
    with op.batch_alter_table('engagement_events', schema=None) as batch_op:
        batch_op.create_index(OLD, ['lead_id', 'occurred_at'], unique=False)
        batch_op.drop_index(NEW)
