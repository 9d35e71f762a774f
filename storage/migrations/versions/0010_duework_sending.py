"""A scheduled send that was interrupted is known: duework.sending_since, interrupted_sends;
a revisit's thread line is scheduled work of its own (dueworkkind REVISIT_THREAD_LINE)

Revision ID: 0010
Revises: 0009
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


KINDS = ("REVISIT", "REVISIT_NUDGE", "COMMIT_REMINDER", "COMMIT_SUMMARY", "DISSENT_REMINDER")
BEFORE = sa.Enum(*KINDS, "DIGEST", name="dueworkkind")
AFTER = sa.Enum(*KINDS, "DIGEST", "REVISIT_THREAD_LINE", name="dueworkkind")


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":  # a native enum there
        op.execute("ALTER TYPE dueworkkind ADD VALUE IF NOT EXISTS 'REVISIT_THREAD_LINE'")
    else:  # text as long as the longest kind on SQLite
        with op.batch_alter_table("duework") as batch_op:
            batch_op.alter_column("kind", existing_type=BEFORE, type_=AFTER, nullable=False)
    with op.batch_alter_table("duework") as batch_op:
        batch_op.add_column(
            sa.Column("sending_since", storage.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("interrupted_sends", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    # PostgreSQL can't drop a value from an enum; an unused one does no harm.
    with op.batch_alter_table("duework") as batch_op:
        batch_op.drop_column("interrupted_sends")
        batch_op.drop_column("sending_since")
