"""the database's change counter, for caches keyed by it (issue #27)

Revision ID: 9a3c27d5e8b1
Revises: 9a4c3e71b2d8
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "9a3c27d5e8b1"
down_revision = "9a4c3e71b2d8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    # A random start: a database recreated at the same address (a test's, a demo's) must not
    # repeat the numbers a running dashboard has cached answers under.
    op.bulk_insert(table, [{"id": 1, "version": secrets.randbelow(2**40)}])


def downgrade() -> None:
    op.drop_table("data_version")
