"""Moves SQLite's write-ahead log into the database file on a worker thread.

SQLite does this itself inside whichever commit takes the log past 1,000 pages, and with its
fsync that one commit took 16 ms on this project's machine (BENCHMARKS.md): on the event loop,
every ack waiting behind it. So the writer's connection turns that off
(`PRAGMA wal_autocheckpoint=0`) and this runs a passive checkpoint, which never waits for
readers or writers, on a thread every CHECKPOINT_EVERY_COMMITS commits.

The log starts over from its beginning only after a checkpoint has moved all of it, and one
running beside a steady stream of writes never does: they add to the log while it copies.
Measured at 1,000 commit clicks a second, the log grew by 13 MB a second, without end. So
once the log is past RESTART_AFTER_FRAMES, a second pass moves what was written during the
first while new transactions wait (they queue, nothing fails). SQLite cuts the file back to
LOG_SIZE_LIMIT_BYTES when the log starts over (storage/db.py also sets it as the writer's
`journal_size_limit`). The limit is above the size the log reaches before it starts over, so
that the file is reused, not cut back and grown again each time: with the limit below it,
cutting 4-6 MB off the file was 1-4 ms of the time writes waited.

More passes beside the writes before the held one, to leave it less to move, were tried and
left out: the wait got shorter, but one benchmark run with them had three commits of 77-263 ms
on the loop (none in the run without). Likely cause: a quick pass that reaches the end of the
log lets the loop's next write start the log over itself, syncing its header on the loop.

The write that starts the log over syncs the log's new header to disk. That usually takes a
millisecond or two, but was seen at 154 and 182 ms, and on the event loop it held every
request. So whenever a checkpoint has moved the whole log, this thread makes that write itself
(it sets the database's user_version to the value it has) while new transactions wait, and
the loop's next write adds to a log already started over.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, closing

logger = logging.getLogger(__name__)

# About 1,000 pages of log, as SQLite's own default, at the 5–10 pages of a commit click.
CHECKPOINT_EVERY_COMMITS = 150
# About 64 MB of 4 KB pages, reached only when writes never pause for a checkpoint to finish.
RESTART_AFTER_FRAMES = 16_384
# A frame of the log: a 4 KB page and its 24-byte header.
FRAME_BYTES = 4096 + 24
# Twice what the log reaches before it starts over, so the steady-state file is never cut back.
LOG_SIZE_LIMIT_BYTES = 2 * RESTART_AFTER_FRAMES * FRAME_BYTES

# Makes new write transactions wait while the block runs (GroupCommit.held).
HoldWrites = Callable[[], AbstractAsyncContextManager[None]]


class Checkpointer:
    def __init__(self, path: str, hold_writes: HoldWrites) -> None:
        self._path = path
        self._hold_writes = hold_writes
        self._commits = 0
        self._running: asyncio.Future[None] | None = None

    def after_commit(self) -> None:
        """Counts a commit; every so often starts a checkpoint, unless one is under way."""
        self._commits += 1
        if self._commits < CHECKPOINT_EVERY_COMMITS or self._running is not None:
            return
        self._commits = 0
        self._running = asyncio.ensure_future(self._checkpoint_beside_writes())
        self._running.add_done_callback(self._finished)

    async def _checkpoint_beside_writes(self) -> None:
        log_frames, moved = await asyncio.to_thread(self._checkpoint, "PASSIVE")
        # Writes made during the pass mean the log isn't all moved, and then the loop's next
        # write won't start it over either: the next checkpoint goes on with it.
        written_meanwhile = self._commits > 0
        if not log_frames or (
            log_frames < RESTART_AFTER_FRAMES and (written_meanwhile or moved < log_frames)
        ):
            return
        async with self._hold_writes():  # so that this pass reaches the end of the log
            await asyncio.to_thread(self._move_all_and_start_over)

    def _checkpoint(self, mode: str) -> tuple[int, int]:
        """Runs a checkpoint; returns how many frames the log held and how many are moved."""
        with closing(sqlite3.connect(self._path, timeout=5)) as connection:
            _busy, log_frames, moved = connection.execute(
                f"PRAGMA wal_checkpoint({mode})"
            ).fetchone()
        return int(log_frames), int(moved)

    def _move_all_and_start_over(self) -> None:
        with closing(sqlite3.connect(self._path, timeout=0.05, isolation_level=None)) as db:
            _busy, log_frames, moved = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if not 0 < log_frames == moved:
                return  # a reader's snapshot or another process's writes keep part of it
            # A write that changes nothing starts the log over, syncing its header here; the
            # connection that starts it over is the one that cuts the file back.
            db.execute(f"PRAGMA journal_size_limit={LOG_SIZE_LIMIT_BYTES}")
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return  # another process is writing: its write starts the log over instead
            (version,) = db.execute("PRAGMA user_version").fetchone()
            db.execute(f"PRAGMA user_version = {int(version)}")
            db.execute("COMMIT")

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
