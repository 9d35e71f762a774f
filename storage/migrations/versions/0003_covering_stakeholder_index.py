"""A person's stakeholder rows by a covering index: (team_id, user_id, decision_id)

Revision ID: 0003
Revises: 0002
Created: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stakeholder") as batch_op:
        batch_op.drop_index("ix_stakeholder_team_user")
        batch_op.create_index(
            "ix_stakeholder_team_user", ["team_id", "user_id", "decision_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("stakeholder") as batch_op:
        batch_op.drop_index("ix_stakeholder_team_user")
        batch_op.create_index("ix_stakeholder_team_user", ["team_id", "user_id"], unique=False)
