"""a pair's first day of use: the default pair takes runs from that day on (issue #24)

Revision ID: 6a3f1c9e2b47
Revises: b3e9d41c7a25
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "6a3f1c9e2b47"
down_revision = "b3e9d41c7a25"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shoes") as batch:
        batch.add_column(sa.Column("first_used_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shoes") as batch:
        batch.drop_column("first_used_on")
