"""coaches and squads

Revision ID: f15570156de5
Revises: 1b8292c6f0a7
Create Date: 2026-11-21 06:10:52.462161
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "f15570156de5"
down_revision = "1b8292c6f0a7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coaches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaches")),
        sa.UniqueConstraint("name", name=op.f("uq_coaches_name")),
    )
    op.create_table(
        "squad_members",
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_squad_members_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["coaches.id"],
            name=op.f("fk_squad_members_coach_id_coaches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("coach_id", "athlete_id", name=op.f("pk_squad_members")),
    )


def downgrade() -> None:
    op.drop_table("squad_members")
    op.drop_table("coaches")
