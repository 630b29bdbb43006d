"""run log

Revision ID: 0675501947dd
Revises:
Create Date: 2026-11-21 05:13:51.772163
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0675501947dd'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('athletes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('home_tz', sa.String(length=64), nullable=False),
    sa.Column('default_sport', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_athletes')),
    sa.UniqueConstraint('name', name=op.f('uq_athletes_name'))
    )
    op.create_table('original_files',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=500), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('content_zlib', sa.LargeBinary(), nullable=False),
    sa.Column('sport_hint', sa.String(length=32), nullable=True),
    sa.Column('gear_hint', sa.String(length=120), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_original_files_athlete_id_athletes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_original_files'))
    )
    op.create_table('settings',
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('units', sa.String(length=2), nullable=False),
    sa.Column('week_start', sa.Integer(), nullable=False),
    sa.Column('thresholds_json', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_settings_athlete_id_athletes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('athlete_id', name=op.f('pk_settings'))
    )
    op.create_table('shoes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('brand_model', sa.String(length=120), nullable=True),
    sa.Column('starting_distance_m', sa.Float(), nullable=False),
    sa.Column('window_start_m', sa.Float(), nullable=False),
    sa.Column('window_end_m', sa.Float(), nullable=False),
    sa.Column('retired_on', sa.Date(), nullable=True),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_shoes_athlete_id_athletes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shoes')),
    sa.UniqueConstraint('athlete_id', 'name', name=op.f('uq_shoes_athlete_id'))
    )
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('sport', sa.String(length=32), nullable=False),
    sa.Column('sub_sport', sa.String(length=64), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('utc_offset_s', sa.Integer(), nullable=False),
    sa.Column('duration_s', sa.Float(), nullable=False),
    sa.Column('moving_s', sa.Float(), nullable=False),
    sa.Column('distance_m', sa.Float(), nullable=False),
    sa.Column('ascent_m', sa.Float(), nullable=True),
    sa.Column('descent_m', sa.Float(), nullable=True),
    sa.Column('avg_hr_bpm', sa.Float(), nullable=True),
    sa.Column('avg_cadence_spm', sa.Float(), nullable=True),
    sa.Column('device', sa.String(length=200), nullable=True),
    sa.Column('source_format', sa.String(length=8), nullable=False),
    sa.Column('source_file', sa.String(length=500), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('session_index', sa.Integer(), nullable=False),
    sa.Column('shoe_id', sa.Integer(), nullable=True),
    sa.Column('effort_rpe', sa.Float(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_activities_athlete_id_athletes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shoe_id'], ['shoes.id'], name=op.f('fk_activities_shoe_id_shoes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_sha256'], ['original_files.sha256'], name=op.f('fk_activities_source_sha256_original_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sa.UniqueConstraint('source_sha256', 'session_index', name=op.f('uq_activities_source_sha256'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_athlete_started', ['athlete_id', 'started_at'], unique=False)

    op.create_table('pain_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('during', sa.Integer(), nullable=True),
    sa.Column('after', sa.Integer(), nullable=True),
    sa.Column('morning', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_pain_entries_activity_id_activities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_pain_entries_athlete_id_athletes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pain_entries'))
    )
    with op.batch_alter_table('pain_entries', schema=None) as batch_op:
        batch_op.create_index('ix_pain_entries_athlete_date', ['athlete_id', 'entry_date'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pain_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_pain_entries_athlete_date')

    op.drop_table('pain_entries')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_athlete_started')

    op.drop_table('activities')
    op.drop_table('shoes')
    op.drop_table('settings')
    op.drop_table('original_files')
    op.drop_table('athletes')
