"""The database's schema, kept by alembic migrations (storage/migrations/) on both databases.

`upgrade` brings a database to the newest schema. It runs in one transaction that holds a
lock for its whole length, so that several processes starting together take turns: the
first migrates, the others find nothing left to do. SQLite's write lock (BEGIN IMMEDIATE)
and PostgreSQL's advisory lock are that lock; both databases run DDL inside a transaction,
so a migration that fails leaves the schema as it was.

A database made before migrations (by decisionbot 0.1, with no alembic_version table) has
exactly the baseline's schema: it is adopted by recording it at the baseline, its rows (and
so its decision numbers, which cards already in Slack carry in their buttons) untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, event, inspect, text
from sqlalchemy.engine.url import URL

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"
# Any number, the same in every process: the key of PostgreSQL's advisory lock for migrations.
MIGRATION_LOCK_KEY = 0x6465636973696F6E  # "decision"


@dataclass(frozen=True)
class SchemaState:
    revision: str | None  # None: empty, or made before migrations
    head: str
    has_tables: bool

    @property
    def is_current(self) -> bool:
        return self.revision == self.head

    def describe(self) -> str:
        if self.is_current:
            return f"{self.revision} (head): up to date"
        if self.revision is not None:
            return f"{self.revision}: behind {self.head} (head); `decisionbot db upgrade` applies the rest"
        if self.has_tables:
            return (
                "made before migrations (decisionbot 0.1); `decisionbot db upgrade` adopts it "
                "at the baseline, with nothing lost"
            )
        return f"empty; `decisionbot db upgrade` creates the schema ({self.head})"


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _connection(url: URL, *, locked: bool) -> Iterator[Connection]:
    """A connection in a transaction; `locked`, it holds the migration lock until it ends."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def no_driver_begin(dbapi_connection: object, _record: object) -> None:
            dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
            dbapi_connection.execute("PRAGMA busy_timeout=60000")  # type: ignore[attr-defined]

        @event.listens_for(engine, "begin")
        def begin(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE" if locked else "BEGIN")

    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql" and locked:
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
            yield connection
    finally:
        engine.dispose()


def _state(connection: Connection) -> SchemaState:
    head = ScriptDirectory.from_config(_config(connection)).get_current_head()
    assert head is not None
    revision = MigrationContext.configure(connection).get_current_revision()
    has_tables = inspect(connection).has_table("decision")
    return SchemaState(revision=revision, head=head, has_tables=has_tables)


def current(url: URL) -> SchemaState:
    with _connection(url, locked=True) as connection:
        return _state(connection)


def upgrade(url: URL) -> tuple[SchemaState, SchemaState]:
    """Brings the schema to head; returns where it stood before and after.

    A schema already at head is only read: processes starting together then don't queue for
    the lock (on SQLite, the write lock that their first writes would wait for)."""
    with _connection(url, locked=False) as connection:
        seen = _state(connection)
    if seen.is_current:
        return seen, seen
    with _connection(url, locked=True) as connection:
        before = _state(connection)
        config = _config(connection)
        if before.revision is None and before.has_tables:
            command.stamp(config, BASELINE)
        if not _state(connection).is_current:
            command.upgrade(config, "head")
        return before, _state(connection)
