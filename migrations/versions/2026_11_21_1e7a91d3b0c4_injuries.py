"""injury periods (issue #14)

Revision ID: 1e7a91d3b0c4
Revises: 7c1ab5e55102
Create Date: 2026-11-21 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1e7a91d3b0c4"
down_revision = "7c1ab5e55102"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "injuries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("location", sa.String(length=32), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("pain_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_injuries_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pain_entry_id"],
            ["pain_entries.id"],
            name=op.f("fk_injuries_pain_entry_id_pain_entries"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_injuries")),
    )
    op.create_index(
        "ix_injuries_athlete_start", "injuries", ["athlete_id", "start_date"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_injuries_athlete_start", table_name="injuries")
    op.drop_table("injuries")
