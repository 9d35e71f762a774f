"""The database: short synchronous writes, and reads on an async read-only engine.

Storage code is plain synchronous SQLModel code taking a `Session`; `Database.write` and
`Database.read` run it from the event loop, so the same query functions serve both.

Why SQLite writes run on the event loop itself: SQLite is a library, not a server, and a
write here is a few hundred microseconds of work with no network in it. Handing it to a
thread cost far more than doing it: each statement gives up Python's GIL and then waits up
to 5 ms to get it back from the busy event loop (measured: commit clicks at 200/s had a p50
of 346 ms through a writer thread, 5.6 ms inline; see BENCHMARKS.md). Another process's write
doesn't block the loop either: this connection's busy timeout is zero, so a locked database
fails at once at BEGIN, and the write is retried after an asyncio sleep. Writes queued in the
same turn of the loop share a transaction (storage/group_commit.py).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine.url import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import Session, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import models  # noqa: F401  (registers every table on SQLModel.metadata)
from storage.checkpoints import LOG_SIZE_LIMIT_BYTES, Checkpointer
from storage.group_commit import GroupCommit, LockedAtBegin
from storage.search_index import create_search_indexes

T = TypeVar("T")

# How long a write waits for another process's write to finish before giving up.
WRITE_LOCK_WAIT_SECONDS = 5.0
READ_BUSY_TIMEOUT_MS = 5000


class UnsupportedDatabase(ValueError):
    pass


def check_database_url(database_url: str) -> None:
    """Raises UnsupportedDatabase, saying what to write instead, unless the URL can be used."""
    _normalise(database_url)


def _normalise(database_url: str) -> URL:
    """The URL, if it names a SQLite file."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise UnsupportedDatabase(
            f"DATABASE_URL {database_url!r} is not a database URL. Write it like "
            "sqlite:///decisionbot.db (a relative path) or sqlite:////var/lib/decisionbot.db."
        ) from None
    if url.get_backend_name() != "sqlite":
        raise UnsupportedDatabase(
            f"DATABASE_URL names {url.get_backend_name()!r}, but this version of decisionbot "
            "stores its log in SQLite only (PostgreSQL comes with the scale-out work). "
            "Use a file, e.g. sqlite:///decisionbot.db."
        )
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise UnsupportedDatabase(
            "DATABASE_URL points at an in-memory SQLite database, which would be lost on exit "
            "and can't be shared by the bot's reader and writer. Use a file, e.g. "
            "sqlite:///decisionbot.db."
        )
    return url


def _async_url(url: URL) -> URL:
    return url.set(drivername="sqlite+aiosqlite")


def _configure_sqlite(engine: Engine, *, read_only: bool) -> None:
    # WAL lets readers work beside one writer. Writes issue BEGIN IMMEDIATE so that a
    # read-then-write transaction takes the write lock up front: if another process holds it,
    # the write fails at BEGIN, before any of it ran, and can simply be tried again. Reads
    # use a deferred BEGIN on connections that refuse writes, and may wait (off the loop).
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={READ_BUSY_TIMEOUT_MS if read_only else 0}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if not read_only:
            cursor.execute("PRAGMA wal_autocheckpoint=0")  # storage/checkpoints.py does it
            cursor.execute(f"PRAGMA journal_size_limit={LOG_SIZE_LIMIT_BYTES}")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        if read_only:
            connection.exec_driver_sql("BEGIN")
        else:
            # Straight to sqlite3: through SQLAlchemy's execute this cost each write 50 µs.
            connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")


def add_missing_columns(connection: Connection) -> None:
    """Adds the nullable columns a newer version brought to an existing database's tables.

    Until there is a migration tool, this is the one kind of schema change allowed: a new
    column that may be empty, so existing rows stay valid as they are.
    """
    inspector = inspect(connection)
    for table in SQLModel.metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable:
                raise RuntimeError(
                    f"{table.name}.{column.name} is missing and can't be added without a value"
                )
            kind = column.type.compile(dialect=connection.dialect)
            connection.execute(
                text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
            )


class Database:
    """Owns the engines; every transaction commits on success and rolls back on error."""

    def __init__(
        self,
        database_url: str,
        *,
        echo: bool = False,
        lock_wait_seconds: float = WRITE_LOCK_WAIT_SECONDS,
    ) -> None:
        url = _normalise(database_url)
        self.url = url.render_as_string(hide_password=False)
        self.write_engine = create_engine(url, echo=echo)
        self.read_engine: AsyncEngine = create_async_engine(_async_url(url), echo=echo)
        # For long reads (a digest over a big channel), run off the event loop on a thread.
        self.thread_read_engine = create_engine(url, echo=echo)
        _configure_sqlite(self.write_engine, read_only=False)
        _configure_sqlite(self.read_engine.sync_engine, read_only=True)
        _configure_sqlite(self.thread_read_engine, read_only=True)
        self._write_connection: Connection | None = None
        assert url.database is not None  # _normalise refuses an in-memory database
        self._group_commit = GroupCommit(self._transaction, lock_wait_seconds=lock_wait_seconds)
        self._checkpointer = Checkpointer(url.database, hold_writes=self._group_commit.held)
        self._read_sessions = async_sessionmaker(
            self.read_engine, class_=AsyncSession, expire_on_commit=False
        )

    async def create_tables(self) -> None:
        """Creates what is missing: tables, indexes added to existing tables, search indexes."""

        def create(session: Session) -> None:
            connection = session.connection()
            SQLModel.metadata.create_all(connection)
            add_missing_columns(connection)
            for table in SQLModel.metadata.sorted_tables:
                for index in table.indexes:
                    index.create(connection, checkfirst=True)
            create_search_indexes(connection)

        await self.write(create)

    async def write(self, work: Callable[[Session], T]) -> T:
        """Runs `work(session)` in a transaction: all of it commits, or none of it.

        `work` may run more than once (when the database was locked by another process, or a
        write sharing its transaction failed), so it must do nothing but database work on
        `session`.
        """
        return await self._group_commit.write(work)

    def _writer(self) -> Connection:
        # Writes all run on the event loop's thread, one transaction at a time, so one
        # connection is held for them: checking one out of the pool and resetting it on return
        # cost more than a commit click's statements.
        if self._write_connection is None or self._write_connection.invalidated:
            self._write_connection = self.write_engine.connect()
        return self._write_connection

    def _transaction(self, work: Callable[[Session], T]) -> T:
        connection = self._writer()
        try:
            transaction = connection.begin()  # BEGIN now, so a locked database fails before `work`
        except (OperationalError, sqlite3.OperationalError) as error:
            if "locked" in str(error) or "busy" in str(error):
                raise LockedAtBegin from error
            raise
        with transaction, Session(bind=connection, expire_on_commit=False) as session:
            result = work(session)
        self._checkpointer.after_commit()
        return result

    async def read(self, work: Callable[[Session], T]) -> T:
        """Runs `work(session)` in a consistent read that never waits for, or blocks, a writer."""
        async with self._read_sessions() as session, session.begin():
            # sqlmodel's AsyncSession hands run_sync its own Session subclass.
            return await session.run_sync(work)  # type: ignore[arg-type]

    async def read_off_loop(self, work: Callable[[Session], T]) -> T:
        """Like `read`, on a worker thread: for reads that take long enough to delay acks."""

        def run() -> T:
            with (
                Session(self.thread_read_engine, expire_on_commit=False) as session,
                session.begin(),
            ):
                return work(session)

        return await asyncio.to_thread(run)

    async def is_reachable(self) -> bool:
        try:
            async with self.read_engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def close(self) -> None:
        await self._checkpointer.close()
        if self._write_connection is not None:
            self._write_connection.close()
            self._write_connection = None
        self.write_engine.dispose()
        self.thread_read_engine.dispose()
        await self.read_engine.dispose()
