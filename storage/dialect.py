"""Where SQLAlchemy spells the two databases differently for the same SQL."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

# Each dialect's own INSERT, the one that knows ON CONFLICT: both databases have it, but
# SQLAlchemy builds it per dialect.
INSERT_BY_DIALECT: dict[str, Any] = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


def insert_for(on: Session | Connection) -> Any:
    """The INSERT (with ON CONFLICT) of the database `on` talks to."""
    dialect = on.dialect if isinstance(on, Connection) else on.get_bind().dialect
    return INSERT_BY_DIALECT[dialect.name]


def is_one_of(session: Session, column: Any, values: Collection[str]) -> ColumnElement[bool]:
    """`column IN values`. PostgreSQL gets the values as one array parameter (`= ANY`):
    SQLAlchemy renders IN there as a parameter with a cast per value, which for a person's
    hundred channels cost the Home tab more time in Python than its queries took."""
    if session.get_bind().dialect.name == "postgresql":
        values_param = bindparam("values", list(values), type_=ARRAY(String), unique=True)
        return column == any_(values_param)  # type: ignore[no-any-return]
    return column.in_(list(values))  # type: ignore[no-any-return]
