"""A channel's decision log canvas: channelsettings.canvas_id, canvas_on, canvas_shows_event,
canvas_lease_until

Revision ID: 0008
Revises: 0007
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("channelsettings") as batch_op:
        batch_op.add_column(sa.Column("canvas_id", sqlmodel.AutoString(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("canvas_on", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("canvas_shows_event", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "canvas_lease_until", storage.models.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("channelsettings") as batch_op:
        batch_op.drop_column("canvas_lease_until")
        batch_op.drop_column("canvas_shows_event")
        batch_op.drop_column("canvas_on")
        batch_op.drop_column("canvas_id")
