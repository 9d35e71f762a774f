"""Workspaces installed through "Add to Slack": installation (sealed tokens) and oauthstate

Revision ID: 0009
Revises: 0008
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "installation",
        sa.Column("team_id", sqlmodel.AutoString(length=32), primary_key=True),
        sa.Column("enterprise_id", sqlmodel.AutoString(length=32), nullable=True),
        sa.Column("team_name", sqlmodel.AutoString(length=200), nullable=True),
        sa.Column("app_id", sqlmodel.AutoString(length=32), nullable=True),
        sa.Column("bot_id", sqlmodel.AutoString(length=32), nullable=True),
        sa.Column("bot_user_id", sqlmodel.AutoString(length=32), nullable=True),
        sa.Column("bot_scopes", sa.Text(), nullable=False),
        sa.Column("sealed_bot_token", sa.Text(), nullable=True),
        sa.Column("sealed_refresh_token", sa.Text(), nullable=True),
        sa.Column("bot_token_expires_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("installer_user_id", sqlmodel.AutoString(length=32), nullable=True),
        sa.Column("installed_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uninstalled_at", storage.models.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "oauthstate",
        sa.Column("state", sqlmodel.AutoString(length=200), primary_key=True),
        sa.Column("expires_at", storage.models.UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("oauthstate")
    op.drop_table("installation")
