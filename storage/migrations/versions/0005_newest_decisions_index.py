"""A team's decisions newest first, by an index: (team_id, created_at, id)

The Home tab's "Recent" and a channel-less list walk it from the newest and stop once a page is
found; without it, PostgreSQL gathered every decision of the person's channels to sort them
(12 ms against 2 ms at 100,000 decisions).

Revision ID: 0005
Revises: 0004
Created: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_decision_team_created", "decision", ["team_id", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_decision_team_created", table_name="decision")
