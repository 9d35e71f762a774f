"""The database: one session and one transaction per unit of work, on a worker thread.

Storage code is plain synchronous SQLModel code taking a `Session`. `Database.write` and
`Database.read` run a unit of work (`work(session)`, then commit or roll back as a whole) on
one of the database's worker threads, so the event loop never waits for the database: not
for its I/O, not for a lock another process holds. A write runs once.

Why whole units of work on a thread, rather than an async driver: with aiosqlite every
statement, fetch and commit is a hop to the connection's thread and back (19 for a commit
click), and SQLAlchemy's async session adds a greenlet switch to each. That cost a click
several times the CPU of the whole unit of work run on a thread (BENCHMARKS.md).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine.url import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session

from storage import migrate
from storage.migrate import SchemaState

T = TypeVar("T")

# How long a write may wait, in this process's queue and then for another process's lock,
# before it gives up: Slack shows an error for a click not answered within 3 s, so the person
# is better told within that time that it couldn't be saved than left with a click that was.
WRITE_LOCK_WAIT_SECONDS = 2.0
# Units of work running at once, each on its own thread and connection; more wait their turn.
WORKER_THREADS = 8


class UnsupportedDatabase(ValueError):
    pass


class DatabaseNotReady(RuntimeError):
    """The database couldn't take a unit of work just now; worth trying again in a moment."""


class DatabaseBusy(DatabaseNotReady):
    """Another process held the database's write lock for longer than a write may wait.

    Nothing of the write was done."""


class DatabaseUnavailable(DatabaseNotReady):
    """The database server couldn't be reached, or dropped the connection (stopped,
    restarting, unreachable). Worth trying again in a moment; the server's own words are in
    the message."""


# When the write running on this thread must have its lock by (time.monotonic()); set by
# Database.write on the worker thread, read by the hooks that begin its transaction.
_lock_wait_ends: ContextVar[float | None] = ContextVar("lock_wait_ends", default=None)


def _lock_wait_left_ms() -> int | None:
    ends = _lock_wait_ends.get()
    return None if ends is None else max(1, int((ends - time.monotonic()) * 1000))


def check_database_url(database_url: str) -> None:
    """Raises UnsupportedDatabase, saying what to write instead, unless the URL can be used."""
    _normalise(database_url)


SQLITE_DRIVER = "sqlite+pysqlite"
POSTGRES_DRIVER = "postgresql+psycopg"  # psycopg 3, the maintained driver
# The spellings hosting providers hand out, and the ones SQLAlchemy knows.
_SQLITE_NAMES = {"sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"}
_POSTGRES_NAMES = {"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg_async"}
_EXAMPLES = (
    "sqlite:///decisionbot.db (a file in the working directory), "
    "sqlite:////var/lib/decisionbot/decisionbot.db, or "
    "postgresql://user:password@host:5432/decisionbot"
)


def _normalise(database_url: str) -> URL:
    """The URL with the driver decisionbot uses, if it names a SQLite file or PostgreSQL."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise UnsupportedDatabase(
            f"DATABASE_URL {database_url!r} is not a database URL. Write it like {_EXAMPLES}."
        ) from None
    if url.drivername in _SQLITE_NAMES:
        if url.database in (None, "", ":memory:"):
            raise UnsupportedDatabase(
                "DATABASE_URL points at an in-memory SQLite database, which would be lost on "
                "exit and can't be shared by the bot's connections. Use a file, e.g. "
                "sqlite:///decisionbot.db."
            )
        return url.set(drivername=SQLITE_DRIVER)
    if url.drivername in _POSTGRES_NAMES:
        if not url.database:
            raise UnsupportedDatabase(
                "DATABASE_URL names a PostgreSQL server but no database: add it after the "
                "host, as in postgresql://user:password@host:5432/decisionbot."
            )
        return url.set(drivername=POSTGRES_DRIVER)
    raise UnsupportedDatabase(
        f"DATABASE_URL names {url.drivername!r}, which decisionbot can't store its log in. "
        f"Use SQLite or PostgreSQL, written like {_EXAMPLES}."
    )


def sqlite_file(database_url: str) -> Path | None:
    """The file a SQLite DATABASE_URL names (None for PostgreSQL)."""
    url = _normalise(database_url)
    return Path(str(url.database)) if url.drivername == SQLITE_DRIVER else None


def _configure_sqlite(engine: Engine, *, for_writes: bool, lock_wait_seconds: float) -> None:
    # WAL lets readers work beside one writer, and SQLite moves its log into the file on its
    # own. Writes begin IMMEDIATE, taking the write lock up front: a read-then-write
    # transaction that began deferred could find, at its first write, that another process
    # wrote meanwhile, and fail at once. busy_timeout waits for that lock on the worker
    # thread. pysqlite's own BEGIN is turned off so that ours is used.
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_wait_seconds * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if not for_writes:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        if for_writes and (left_ms := _lock_wait_left_ms()) is not None:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={left_ms}")  # what is left
        connection.exec_driver_sql("BEGIN IMMEDIATE" if for_writes else "BEGIN")


def _configure_postgresql(engine: Engine) -> None:
    # A write waits for a row lock only what is left of its budget after queueing for a worker
    # thread; a read keeps the connection's own lock_timeout (its `options`).
    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        if (left_ms := _lock_wait_left_ms()) is not None:
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {left_ms}")


def sqlite_file_problem(database_url: str) -> str | None:
    """What stands in the way of SQLite using the file DATABASE_URL names, as a sentence; None
    if nothing does (or it is PostgreSQL). SQLite writes its journal beside the file, so the
    folder must be writable too."""
    path = sqlite_file(database_url)
    if path is None:
        return None
    folder = path.parent.resolve()
    if not folder.is_dir():
        return (
            f"The folder {folder} for the database file (DATABASE_URL) doesn't exist: create "
            "it, or point DATABASE_URL at a file in a folder that does."
        )
    if path.is_dir():
        return f"DATABASE_URL names {path}, which is a folder: name a file inside it, like {path / 'decisionbot.db'}."
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return (
            f"The database file {path} (DATABASE_URL) is read-only to this user: make it writable."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"The folder {folder} (DATABASE_URL) is read-only to this user, and SQLite writes its "
            "journal beside the database file: make the folder writable."
        )
    return None


def describe_database_error(error: BaseException) -> str:
    """One sentence for an operator about a database that can't be reached or used."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    return f"the database can't be used ({reason}). Check DATABASE_URL and that the database is running."


def _is_lock_timeout(error: OperationalError) -> bool:
    # SQLite's busy timeout ran out, or PostgreSQL's lock_timeout (SQLSTATE 55P03).
    return "database is locked" in str(error.orig) or (
        getattr(error.orig, "sqlstate", None) == "55P03"
    )


def _is_unavailable(error: OperationalError) -> bool:
    # A connection that SQLAlchemy saw drop, or PostgreSQL refusing or ending connections:
    # no SQLSTATE (refused, closed unexpectedly), class 08 (connection exception) or 57
    # (shutting down, starting up).
    if error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", "")
    return type(error.orig).__module__.startswith("psycopg") and (
        sqlstate is None or sqlstate[:2] in ("08", "57")
    )


def _unavailable(error: OperationalError) -> DatabaseUnavailable:
    return DatabaseUnavailable(describe_database_error(error))


def _engines(url: URL, *, echo: bool, lock_wait_seconds: float) -> tuple[Engine, Engine]:
    """(for writes, for reads): two engines on SQLite, whose writes begin differently; one on
    PostgreSQL, whose transactions need nothing of the kind. A connection for each worker."""
    if url.drivername == SQLITE_DRIVER:
        writes = create_engine(url, echo=echo, pool_size=WORKER_THREADS)
        reads = create_engine(url, echo=echo, pool_size=WORKER_THREADS)
        _configure_sqlite(writes, for_writes=True, lock_wait_seconds=lock_wait_seconds)
        _configure_sqlite(reads, for_writes=False, lock_wait_seconds=lock_wait_seconds)
        return writes, reads
    # A row lock held by another process is waited for as long as SQLite's write lock is.
    options = f"-c lock_timeout={int(lock_wait_seconds * 1000)}"
    engine = create_engine(
        url,
        echo=echo,
        pool_size=WORKER_THREADS,
        pool_pre_ping=True,  # connections from before a server restart are dropped, not used
        # A server that doesn't answer is given up on within Slack's deadline (libpq's
        # shortest), as a lock is.
        connect_args={"options": options, "connect_timeout": 2},
    )
    _configure_postgresql(engine)
    return engine, engine


class Database:
    """Owns the engines; every unit of work commits on success and rolls back on error."""

    def __init__(
        self,
        database_url: str,
        *,
        echo: bool = False,
        lock_wait_seconds: float = WRITE_LOCK_WAIT_SECONDS,
    ) -> None:
        url = _normalise(database_url)
        self._url = url
        self.url = url.render_as_string(hide_password=False)
        self.lock_wait_seconds = lock_wait_seconds
        self.dialect = url.get_backend_name()  # "sqlite" or "postgresql"
        self.write_engine, self.read_engine = _engines(
            url, echo=echo, lock_wait_seconds=lock_wait_seconds
        )
        # SQLite takes one writer at a time. Writes from this process queue for one thread,
        # in order; several would wait in SQLite's busy handler, which sleeps up to 100 ms
        # between tries however soon the lock is free. PostgreSQL writes run side by side.
        writers = 1 if self.dialect == "sqlite" else WORKER_THREADS
        self._writer_threads = ThreadPoolExecutor(writers, thread_name_prefix="database-write")
        self._reader_threads = ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix="database")

    async def upgrade(self) -> tuple[SchemaState, SchemaState]:
        """Brings the schema to the newest migration (storage/migrate.py), off the event loop;
        returns where it stood before and after."""
        return await asyncio.to_thread(migrate.upgrade, self._url)

    async def schema_state(self) -> SchemaState:
        return await asyncio.to_thread(migrate.current, self._url)

    @staticmethod
    async def _on(threads: ThreadPoolExecutor, run: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(threads, run)

    async def write(self, work: Callable[[Session], T]) -> T:
        """Runs `work(session)` once, in a transaction: all of it commits, or none of it.

        Raises DatabaseBusy, having done nothing, if it couldn't start and take its lock within
        `lock_wait_seconds` of being asked, waiting in this process's queue included; and
        DatabaseUnavailable if the server can't be reached."""
        lock_wait_ends = time.monotonic() + self.lock_wait_seconds

        def unit_of_work() -> T:
            if time.monotonic() >= lock_wait_ends:
                raise DatabaseBusy(self._busy())
            _lock_wait_ends.set(lock_wait_ends)
            try:
                with (
                    Session(self.write_engine, expire_on_commit=False) as session,
                    session.begin(),
                ):
                    return work(session)
            finally:
                _lock_wait_ends.set(None)

        try:
            return await self._on(self._writer_threads, unit_of_work)
        except OperationalError as error:
            if _is_lock_timeout(error):
                raise DatabaseBusy(self._busy()) from error
            if _is_unavailable(error):
                raise _unavailable(error) from error
            raise

    def _busy(self) -> str:
        return f"The database stayed locked by another process for {self.lock_wait_seconds:g} s."

    async def read(self, work: Callable[[Session], T]) -> T:
        """Runs `work(session)` in one consistent read that doesn't block writers; raises
        DatabaseUnavailable if the server can't be reached."""

        def read_only() -> T:
            with Session(self.read_engine, expire_on_commit=False) as session, session.begin():
                return work(session)

        try:
            return await self._on(self._reader_threads, read_only)
        except OperationalError as error:
            if _is_unavailable(error):
                raise _unavailable(error) from error
            raise

    async def is_writable(self) -> bool:
        """Whether a write could take its lock now (and nothing is written)."""

        def take_the_write_lock(session: Session) -> None:
            session.execute(text("SELECT 1"))  # SQLite took its lock at BEGIN IMMEDIATE
            if self.dialect == "postgresql":
                session.execute(text("SELECT txid_current()"))  # a read-only server refuses

        try:
            await self.write(take_the_write_lock)
        except Exception:
            return False
        return True

    async def is_reachable(self) -> bool:
        def select_one() -> None:
            with self.read_engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        try:
            await self._on(self._reader_threads, select_one)
        except Exception:
            return False
        return True

    async def close(self) -> None:
        self._writer_threads.shutdown(wait=True)
        self._reader_threads.shutdown(wait=True)
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()
