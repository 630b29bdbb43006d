"""activity sources: every file session an activity is made of, and how its sport was known

Issue #10: an activity is merged field by field from all its sources. Each existing activity gets
one source row, its primary file, back-filled from the activity's own columns (sport source
'declared', the file's own offset assumed for FIT files only; `loadwatch reimport` re-reads
every source and attaches the files an earlier wholesale merge had dropped).
`activities.source_sha256/session_index` stay and name the primary source; their UNIQUE
constraint moves to `activity_sources(sha256, session_index)`.

Revision ID: 8285878f3e15
Revises: f15570156de5
Create Date: 2026-11-22 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "8285878f3e15"
down_revision = "f15570156de5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "sport_source", sa.String(length=16), server_default="declared", nullable=False
            )
        )
        batch_op.drop_constraint("uq_activities_source_sha256", type_="unique")
    op.create_table(
        "activity_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("session_index", sa.Integer(), nullable=False),
        sa.Column("sport", sa.String(length=32), nullable=False),
        sa.Column("sport_source", sa.String(length=16), nullable=False),
        sa.Column("sub_sport", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("utc_offset_s", sa.Integer(), nullable=True),
        sa.Column("resolved_offset_s", sa.Integer(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("moving_s", sa.Float(), nullable=False),
        sa.Column("ascent_m", sa.Float(), nullable=True),
        sa.Column("descent_m", sa.Float(), nullable=True),
        sa.Column("avg_hr_bpm", sa.Float(), nullable=True),
        sa.Column("avg_cadence_spm", sa.Float(), nullable=True),
        sa.Column("device", sa.String(length=200), nullable=True),
        sa.Column("source_format", sa.String(length=8), nullable=False),
        sa.Column("is_device_file", sa.Boolean(), nullable=False),
        sa.Column("has_samples", sa.Boolean(), nullable=False),
        sa.Column("is_virtual", sa.Boolean(), nullable=False),
        sa.Column("effort_rpe", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_sources_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["original_files.sha256"],
            name=op.f("fk_activity_sources_sha256_original_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_sources")),
        sa.UniqueConstraint("sha256", "session_index", name=op.f("uq_activity_sources_sha256")),
    )
    with op.batch_alter_table("activity_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_activity_sources_activity_id"), ["activity_id"], unique=False
        )
    # One source per existing activity: its primary file, as the activity stored it.
    op.execute(
        """
        INSERT INTO activity_sources (
            activity_id, sha256, session_index, sport, sport_source, sub_sport, started_at,
            utc_offset_s, resolved_offset_s, distance_m, duration_s, moving_s, ascent_m,
            descent_m, avg_hr_bpm, avg_cadence_spm, device, source_format, is_device_file,
            has_samples, is_virtual, effort_rpe
        )
        SELECT
            id, source_sha256, session_index, sport, 'declared', sub_sport, started_at,
            CASE WHEN source_format = 'fit' THEN utc_offset_s END, utc_offset_s, distance_m,
            duration_s, moving_s, ascent_m, descent_m, avg_hr_bpm, avg_cadence_spm, device,
            source_format, source_format = 'fit',
            avg_hr_bpm IS NOT NULL OR avg_cadence_spm IS NOT NULL, 1 = 0, effort_rpe
        FROM activities
        """
    )


def downgrade() -> None:
    # The sources beyond each activity's primary are dropped (their original files stay); a
    # sport the runner set stays as the activity's sport.
    with op.batch_alter_table("activity_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_sources_activity_id"))
    op.drop_table("activity_sources")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_activities_source_sha256", ["source_sha256", "session_index"]
        )
        batch_op.drop_column("sport_source")
