"""effort hint: Strava's "Perceived Exertion" kept with each original, for reimport (issue #10)

Revision ID: 3f0c2a9d7e41
Revises: 8285878f3e15
Create Date: 2026-11-21 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "3f0c2a9d7e41"
down_revision = "8285878f3e15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("original_files") as batch:
        batch.add_column(sa.Column("effort_hint", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("original_files") as batch:
        batch.drop_column("effort_hint")
