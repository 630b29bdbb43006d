"""activity names: a name per activity (Strava's, else "Morning Run" style), and the export hint

Revision ID: 1b8292c6f0a7
Revises: 0675501947dd
Create Date: 2026-11-21 06:07:41.479895
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1b8292c6f0a7"
down_revision = "0675501947dd"
branch_labels = None
depends_on = None

# Kept here, not imported from loadwatch: a migration must not change when app code does.
_PART_OF_DAY = """
    CASE
        WHEN {hour} >= 5 AND {hour} < 11 THEN 'Morning'
        WHEN {hour} >= 11 AND {hour} < 14 THEN 'Lunch'
        WHEN {hour} >= 14 AND {hour} < 18 THEN 'Afternoon'
        WHEN {hour} >= 18 AND {hour} < 22 THEN 'Evening'
        ELSE 'Night'
    END
"""
_SPORT = """
    CASE sport
        WHEN 'run' THEN 'Run' WHEN 'ride' THEN 'Ride' WHEN 'swim' THEN 'Swim'
        WHEN 'walk' THEN 'Walk' WHEN 'hike' THEN 'Hike' WHEN 'strength' THEN 'Strength'
        WHEN 'cross_training' THEN 'Workout' ELSE 'Activity'
    END
"""


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=200), nullable=True))
    with op.batch_alter_table("original_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_hint", sa.String(length=200), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        hour = "CAST(strftime('%H', started_at, utc_offset_s || ' seconds') AS INTEGER)"
    else:
        hour = "CAST(EXTRACT(HOUR FROM started_at + utc_offset_s * INTERVAL '1 second') AS INTEGER)"
    part_of_day = _PART_OF_DAY.format(hour=hour)
    op.execute(f"UPDATE activities SET name = {part_of_day} || ' ' || {_SPORT} WHERE name IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("original_files", schema=None) as batch_op:
        batch_op.drop_column("name_hint")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("name")
