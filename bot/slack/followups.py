"""Work that happens after Slack has its ack: posting cards, thread lines, opening modals.

Acks answer within milliseconds because everything slow runs here, as tracked tasks that
can be awaited on shutdown (and by tests) and that report failures to the person privately.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextvars import ContextVar
from typing import Any

logger = logging.getLogger(__name__)

ErrorReporter = Callable[[BaseException], Awaitable[None]]


# Under load, follow-ups wait their turn here instead of crowding the event loop, so that
# acks (which Slack times out after 3 s) keep being answered at once.
MAX_CONCURRENT_FOLLOW_UPS = 8

# Whether the running task holds a slot already. A bounded follow-up that draws a card asks
# for a slot again around the draw: without this, 8 of them waiting for Slack together held
# every slot while each waited for a second one, and everything that needs a slot (the
# sweeps' card draws among them) waited for ever, long after Slack had recovered.
_holds_a_slot: ContextVar[bool] = ContextVar("holds_a_follow_up_slot", default=False)


class FollowUps:
    def __init__(self, max_concurrent: int = MAX_CONCURRENT_FOLLOW_UPS) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(max_concurrent)

    def start(
        self, work: Coroutine[Any, Any, object], *, on_error: ErrorReporter, bounded: bool = True
    ) -> None:
        """Runs `work` in the background; if it fails, `on_error` tells the person.

        Work that spends most of its time waiting passes bounded=False and takes `slot()`
        only around what it sends.
        """
        task = asyncio.get_running_loop().create_task(self._run(work, on_error, bounded))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # Cut short by a shutdown before it began, `work` never ran: closed, it goes quietly
        # instead of warning "coroutine ... was never awaited". (Closing a finished one is a
        # no-op.)
        task.add_done_callback(lambda _: work.close())

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """One of the slots, around work that sends; the task's own if it holds one."""
        if _holds_a_slot.get():
            yield
            return
        async with self._slots:
            holding = _holds_a_slot.set(True)
            try:
                yield
            finally:
                _holds_a_slot.reset(holding)

    async def _run(
        self, work: Coroutine[Any, Any, object], on_error: ErrorReporter, bounded: bool
    ) -> None:
        # A task starts with a copy of its starter's context: the starter's slot isn't its own.
        _holds_a_slot.set(False)
        try:
            if bounded:
                async with self.slot():
                    await work
            else:
                await work
        except Exception as error:
            try:
                await on_error(error)
            except Exception:
                logger.exception(
                    "could not report a failed follow-up to the person", exc_info=error
                )

    async def drain(self, within_seconds: float | None = None) -> bool:
        """Waits until no follow-up is running, including ones started while waiting.

        False if some were still running after `within_seconds`.
        """
        try:
            async with asyncio.timeout(within_seconds):
                while self._tasks:
                    await asyncio.gather(*list(self._tasks), return_exceptions=True)
        except TimeoutError:
            return False
        return True

    async def stop(self, within_seconds: float) -> None:
        """On shutdown: lets follow-ups finish for a while, then cuts the rest short."""
        if await self.drain(within_seconds):
            return
        unfinished = list(self._tasks)
        if not unfinished:
            return
        logger.warning(
            "stopping with %d follow-ups unfinished (most likely waiting for Slack to answer "
            "or for a channel's posting limit); the changes are stored, and the next sweep of "
            "any process draws their cards, though thread lines still waiting are not posted",
            len(unfinished),
        )
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
