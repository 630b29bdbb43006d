"""pain entries: an index on the run an entry names (issue #27: the squad reads a window of
pain entries, and an older entry naming one of the window's runs still orders its day)

Revision ID: c4d27a5e9f13
Revises: 5e7a20c0f001
Create Date: 2026-12-07 23:30:00
"""

from __future__ import annotations

from alembic import op

revision = "c4d27a5e9f13"
down_revision = "5e7a20c0f001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pain_entries", schema=None) as batch_op:
        batch_op.create_index("ix_pain_entries_activity", ["activity_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pain_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_pain_entries_activity")
