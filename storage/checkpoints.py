"""Moves SQLite's write-ahead log into the database file on a worker thread.

SQLite does this itself inside whichever commit takes the log past 1,000 pages, and with its
fsync that one commit took 16 ms on this project's machine (BENCHMARKS.md): on the event loop,
every ack waiting behind it. So the writer's connection turns that off
(`PRAGMA wal_autocheckpoint=0`) and this runs a passive checkpoint, which never waits for
readers or writers, on a thread every CHECKPOINT_EVERY_COMMITS commits.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from contextlib import closing

logger = logging.getLogger(__name__)

# About 1,000 pages of log, as SQLite's own default, at the 5–10 pages of a commit click.
CHECKPOINT_EVERY_COMMITS = 150


class Checkpointer:
    def __init__(self, path: str) -> None:
        self._path = path
        self._commits = 0
        self._running: asyncio.Future[None] | None = None

    def after_commit(self) -> None:
        """Counts a commit; every so often starts a checkpoint, unless one is under way."""
        self._commits += 1
        if self._commits < CHECKPOINT_EVERY_COMMITS or self._running is not None:
            return
        self._commits = 0
        self._running = asyncio.ensure_future(asyncio.to_thread(self._checkpoint, "PASSIVE"))
        self._running.add_done_callback(self._finished)

    def _checkpoint(self, mode: str) -> None:
        with closing(sqlite3.connect(self._path, timeout=5)) as connection:
            connection.execute(f"PRAGMA wal_checkpoint({mode})")

    def _finished(self, done: asyncio.Future[None]) -> None:
        self._running = None
        if not done.cancelled() and done.exception() is not None:
            logger.warning("could not checkpoint the database: %s", done.exception())

    async def close(self) -> None:
        """Waits for a checkpoint under way, then moves the whole log into the database."""
        if self._running is not None:
            await asyncio.gather(self._running, return_exceptions=True)
        try:
            await asyncio.to_thread(self._checkpoint, "TRUNCATE")
        except sqlite3.Error as error:
            logger.warning("could not checkpoint the database at close: %s", error)
