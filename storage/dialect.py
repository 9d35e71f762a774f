"""Where SQLAlchemy spells the two databases differently for the same SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session


def insert_for(session: Session) -> Any:
    """The dialect's own INSERT, the one that knows ON CONFLICT: both databases have it, but
    SQLAlchemy builds it per dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert
    return sqlite_insert
