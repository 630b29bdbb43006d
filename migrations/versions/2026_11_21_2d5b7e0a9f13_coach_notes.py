"""coach's notes and snoozes on flags, last visit (issue #12)

Revision ID: 2d5b7e0a9f13
Revises: 1e7a91d3b0c4
Create Date: 2026-11-21 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2d5b7e0a9f13"
down_revision = "1e7a91d3b0c4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coach_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("squad_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("quiet_until", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_coach_notes_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["squad_id"],
            ["coaches.id"],
            name=op.f("fk_coach_notes_squad_id_coaches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_coach_notes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_notes")),
    )
    op.create_index(
        "ix_coach_notes_athlete_rule", "coach_notes", ["athlete_id", "rule_id"], unique=False
    )
    op.create_table(
        "coach_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("squad_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("visited_at", sa.DateTime(), nullable=False),
        sa.Column("seen_flags_json", sa.Text(), nullable=False),
        sa.Column("units", sa.String(length=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["squad_id"],
            ["coaches.id"],
            name=op.f("fk_coach_visits_squad_id_coaches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_coach_visits_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_visits")),
        sa.UniqueConstraint("squad_id", name=op.f("uq_coach_visits_squad_id")),
        sa.UniqueConstraint("user_id", name=op.f("uq_coach_visits_user_id")),
    )
    op.create_table(
        "database_info",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_database_info")),
    )


def downgrade() -> None:
    op.drop_table("database_info")
    op.drop_table("coach_visits")
    op.drop_index("ix_coach_notes_athlete_rule", table_name="coach_notes")
    op.drop_table("coach_notes")
