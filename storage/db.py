"""The database engine, its sessions and the SQLite settings that make it safe to share."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import models  # noqa: F401  (registers every table on SQLModel.metadata)

SQLITE_BUSY_TIMEOUT_MS = 5000


def to_async_url(database_url: str) -> str:
    """Accepts the URLs people write (sqlite:///x.db, postgresql://...) and picks the async driver."""
    url = make_url(database_url)
    if url.drivername in ("sqlite", "sqlite+pysqlite"):
        url = url.set(drivername="sqlite+aiosqlite")
    elif url.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+asyncpg")
    return url.render_as_string(hide_password=False)


def _configure_sqlite(engine: AsyncEngine, *, read_only: bool) -> None:
    # WAL lets readers work beside one writer; busy_timeout makes a second writer wait instead
    # of failing. Writers issue BEGIN IMMEDIATE so that a read-then-write transaction takes the
    # write lock up front and can never fail half-way with "database is locked". Readers use a
    # deferred BEGIN on connections that refuse writes.
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Database:
    """Owns the engine; hands out sessions that commit on success and roll back on error."""

    def __init__(self, database_url: str, *, echo: bool = False) -> None:
        self.url = to_async_url(database_url)
        self.engine = create_async_engine(self.url, echo=echo)
        self.read_engine = self.engine
        if self.engine.dialect.name == "sqlite":
            _configure_sqlite(self.engine, read_only=False)
            self.read_engine = create_async_engine(self.url, echo=echo)
            _configure_sqlite(self.read_engine, read_only=True)
        # SQLite has one writer at a time. Queueing our own transactions on an asyncio lock
        # avoids SQLite's busy handler, which sleeps in steps of up to 100 ms; busy_timeout
        # still arbitrates between processes.
        self._one_writer = asyncio.Lock() if self.engine.dialect.name == "sqlite" else None
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        self._read_sessions = async_sessionmaker(
            self.read_engine, class_=AsyncSession, expire_on_commit=False
        )

    async def create_tables(self) -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: everything inside commits together or not at all."""
        if self._one_writer is None:
            async with self._sessions() as session, session.begin():
                yield session
            return
        async with self._one_writer, self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[AsyncSession]:
        """A consistent read that never waits for, or blocks, a writer."""
        async with self._read_sessions() as session, session.begin():
            yield session

    async def is_reachable(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def close(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
