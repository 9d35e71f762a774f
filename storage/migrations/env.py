"""Alembic's environment: migrations run on the connection storage/migrate.py hands over, inside
the transaction that holds the migration lock."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from storage import models  # noqa: F401  (registers every table on SQLModel.metadata)
from storage.search_index import is_search_index

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite can't alter most of a table in place: alembic rebuilds it ("batch" mode).
    render_as_batch=connection.dialect.name == "sqlite",
    # The full-text search tables and indexes are made by hand in the migrations.
    include_name=lambda name, _kind, _parent: not is_search_index(name),
)
with context.begin_transaction():
    context.run_migrations()
