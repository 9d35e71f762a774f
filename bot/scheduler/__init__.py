"""APScheduler, owned by the running bot: one interval job that sweeps the database for due work.

Created and started inside the running event loop, with a fixed job id and UTC; what is due
lives in our tables, not in APScheduler's job store, so any number of processes can run it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduler.sweep import Sweeper
from storage.db import DatabaseNotReady

logger = logging.getLogger(__name__)
SWEEP_JOB_ID = "decisionbot-sweep"


async def _sweep_logging_failures(sweeper: Sweeper) -> None:
    try:
        report = await sweeper.sweep()
    except asyncio.CancelledError:
        # Shutting down: Sweeper.stop lets the send in flight finish and gives the rest back.
        return
    except DatabaseNotReady as error:  # locked, or the server is down: one line a sweep
        logger.warning("the due-work sweep waits: %s", error)
        return
    except Exception:
        logger.exception("the due-work sweep failed; the next one will try again")
        return
    if report.planned or report.sent or report.failed or report.decided:
        logger.info(
            "sweep: %d newly due, %d decided, %d sent, %d put off, %d no longer needed, %d failed",
            report.planned,
            report.decided,
            report.sent,
            report.put_off,
            report.dropped,
            len(report.failed),
        )


class _QuietOverlap(logging.Filter):
    """A sweep that outlasts its interval (a big batch of revisits, paced) is expected: the
    running one carries on with what the skipped one would have done. So APScheduler's
    warning for each skipped run is noise, not news."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


_QUIET_OVERLAP = _QuietOverlap()


def start_scheduler(sweeper: Sweeper, *, interval_seconds: float) -> AsyncIOScheduler:
    """Starts sweeping now (work that came due while the bot was down goes out at once)."""
    logging.getLogger("apscheduler.scheduler").addFilter(_QUIET_OVERLAP)
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        _sweep_logging_failures,
        "interval",
        args=[sweeper],
        seconds=interval_seconds,
        id=SWEEP_JOB_ID,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    scheduler.start()
    return scheduler
