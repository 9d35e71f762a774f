"""Learning from outcomes: a dissent's prediction and how it was called, the decider's
confidence, and whether the door was called right at a revisit

Every column is nullable: decisions recorded before this have no confidence, dissent no
prediction, and revisits no answer about the door, which is what "not said" means.

Revision ID: 0007
Revises: 0006
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

DISSENT_CALL = sa.Enum("CAME_TRUE", "DID_NOT", "CANT_TELL", name="dissentcall")


def upgrade() -> None:
    # add_column doesn't create a PostgreSQL enum type the way create_table does.
    DISSENT_CALL.create(op.get_bind(), checkfirst=True)
    with op.batch_alter_table("decision") as batch_op:
        batch_op.add_column(sa.Column("confidence", sa.Integer(), nullable=True))
    with op.batch_alter_table("dissent") as batch_op:
        batch_op.add_column(sa.Column("prediction", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("called", DISSENT_CALL, nullable=True))
        batch_op.add_column(sa.Column("called_by", sqlmodel.AutoString(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("called_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_dissent_team_user_called", ["team_id", "user_id", "called"])
    with op.batch_alter_table("decisionreview") as batch_op:
        batch_op.add_column(sa.Column("door_called_right", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisionreview") as batch_op:
        batch_op.drop_column("door_called_right")
    with op.batch_alter_table("dissent") as batch_op:
        batch_op.drop_index("ix_dissent_team_user_called")
        batch_op.drop_column("called_at")
        batch_op.drop_column("called_by")
        batch_op.drop_column("called")
        batch_op.drop_column("prediction")
    with op.batch_alter_table("decision") as batch_op:
        batch_op.drop_column("confidence")
    DISSENT_CALL.drop(op.get_bind(), checkfirst=True)
