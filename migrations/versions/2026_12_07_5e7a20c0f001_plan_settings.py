"""plan settings: run weekdays and the season goal (issue #20)

Revision ID: 5e7a20c0f001
Revises: 9a3c27d5e8b1
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5e7a20c0f001"
down_revision = "9a3c27d5e8b1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_settings",
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("run_weekdays", sa.String(length=20), nullable=True),
        sa.Column("runs_per_week", sa.Integer(), nullable=True),
        sa.Column("goal_kind", sa.String(length=8), nullable=True),
        sa.Column("goal_weekly_m", sa.Float(), nullable=True),
        sa.Column("goal_race_date", sa.Date(), nullable=True),
        sa.Column("goal_race_m", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_plan_settings_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("athlete_id", name=op.f("pk_plan_settings")),
    )


def downgrade() -> None:
    op.drop_table("plan_settings")
