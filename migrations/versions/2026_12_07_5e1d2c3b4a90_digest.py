"""account email addresses and the coach's digest log (issue #25)

Revision ID: 5e1d2c3b4a90
Revises: 2d5b7e0a9f13
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5e1d2c3b4a90"
down_revision = "2d5b7e0a9f13"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    op.create_table(
        "digest_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_digest_entries_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_entries")),
    )
    op.create_index(
        "ix_digest_entries_recipient_sent", "digest_entries", ["recipient", "sent_at"], unique=False
    )
    op.create_table(
        "digest_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("flags_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_states")),
        sa.UniqueConstraint("recipient", name=op.f("uq_digest_states_recipient")),
    )
    op.create_index(
        "ix_digest_entries_athlete_id", "digest_entries", ["athlete_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("digest_states")
    op.drop_index("ix_digest_entries_athlete_id", table_name="digest_entries")
    op.drop_index("ix_digest_entries_recipient_sent", table_name="digest_entries")
    op.drop_table("digest_entries")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
