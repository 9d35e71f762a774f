"""Due work says where it goes: a person in `user_id`, a digest's channel in `channel_id`

Revision ID: 0004
Revises: 0003
Created: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("duework", sa.Column("channel_id", sqlmodel.AutoString(length=32), nullable=True))
    with op.batch_alter_table("duework") as batch_op:
        batch_op.alter_column(
            "user_id", existing_type=sqlmodel.AutoString(length=32), nullable=True
        )
    # Enums are stored by member name.
    op.execute("UPDATE duework SET channel_id = user_id, user_id = NULL WHERE kind = 'DIGEST'")


def downgrade() -> None:
    op.execute("UPDATE duework SET user_id = channel_id WHERE kind = 'DIGEST'")
    with op.batch_alter_table("duework") as batch_op:
        batch_op.alter_column(
            "user_id", existing_type=sqlmodel.AutoString(length=32), nullable=False
        )
        batch_op.drop_column("channel_id")
