"""A card that Slack refused to post or redraw is tried again: carddraw.retry_at, attempts

A card owed (not posted yet, or behind the database) has `retry_at` set: when any process's
sweep should draw it if nobody has by then. Rows of cards already owed when this migration
runs can't be known, so none are marked; their next change marks them.

Revision ID: 0006
Revises: 0005
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("carddraw") as batch_op:
        batch_op.add_column(
            sa.Column("retry_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.create_index("ix_carddraw_retry_at", ["retry_at"])


def downgrade() -> None:
    with op.batch_alter_table("carddraw") as batch_op:
        batch_op.drop_index("ix_carddraw_retry_at")
        batch_op.drop_column("last_error")
        batch_op.drop_column("attempts")
        batch_op.drop_column("retry_at")
