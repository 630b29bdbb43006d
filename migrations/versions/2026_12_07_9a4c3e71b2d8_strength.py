"""strength sessions and sets, programmes and self-tests (issue #22)

Revision ID: 9a4c3e71b2d8
Revises: 6a3f1c9e2b47
Create Date: 2026-12-07 13:44:14.177419
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9a4c3e71b2d8"
down_revision = "6a3f1c9e2b47"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "strength_programmes",
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("sessions_per_week", sa.Integer(), nullable=False),
        sa.Column("exercises_json", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=120), nullable=False),
        sa.Column("set_by_role", sa.String(length=16), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_strength_programmes_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("athlete_id", name=op.f("pk_strength_programmes")),
    )
    op.create_table(
        "strength_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_strength_sessions_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strength_sessions")),
        sa.UniqueConstraint(
            "athlete_id", "session_date", name=op.f("uq_strength_sessions_athlete_id")
        ),
    )
    op.create_table(
        "strength_tests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("test_date", sa.Date(), nullable=False),
        sa.Column("leg", sa.String(length=8), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_strength_tests_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strength_tests")),
        sa.UniqueConstraint(
            "athlete_id", "test_date", "leg", name=op.f("uq_strength_tests_athlete_id")
        ),
    )
    op.create_table(
        "strength_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=64), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("hold_s", sa.Integer(), nullable=True),
        sa.Column("load_kg", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=32), nullable=True),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["strength_sessions.id"],
            name=op.f("fk_strength_sets_session_id_strength_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strength_sets")),
        sa.UniqueConstraint("session_id", "exercise", name=op.f("uq_strength_sets_session_id")),
    )
    with op.batch_alter_table("strength_sets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_strength_sets_session_id"), ["session_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("strength_sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strength_sets_session_id"))

    op.drop_table("strength_sets")
    op.drop_table("strength_tests")
    op.drop_table("strength_sessions")
    op.drop_table("strength_programmes")
