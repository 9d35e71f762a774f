"""Redraws decision cards and posts their thread lines, coalescing bursts.

Slack allows about 50 chat.update calls a minute per workspace and about one message a second
per channel, so a redraw and a thread line per click would be refused in a busy channel, and
the card only needs to show the latest state. So a decision's redraw waits for its turn in
Slack's budget (bot/pacing.py), and everything asked for while it waited is drawn at once,
followed by one thread message carrying the lines gathered meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.followups import ErrorReporter
from bot.pacing import SlackPace
from bot.ui.text import Message

logger = logging.getLogger(__name__)

CardKey = tuple[str, int]  # (team_id, decision_id)
Redraw = Callable[[list[Message]], Awaitable[None]]


@dataclass
class _Waiting:
    lines: list[Message] = field(default_factory=list)
    reporters: list[ErrorReporter] = field(default_factory=list)


class CardRefresher:
    def __init__(self, pace: SlackPace) -> None:
        self._pace = pace
        self._waiting: dict[CardKey, _Waiting] = {}
        self._running: set[CardKey] = set()

    def request(self, key: CardKey, line: Message | None, on_error: ErrorReporter) -> bool:
        """Asks for a redraw (and a thread line). True when the caller must start `run(key)`."""
        waiting = self._waiting.setdefault(key, _Waiting())
        if line is not None:
            waiting.lines.append(line)
        waiting.reporters.append(on_error)
        if key in self._running:
            return False
        self._running.add(key)
        return True

    async def run(self, key: CardKey, redraw: Redraw) -> None:
        """Redraws until nothing more was asked for; a failed redraw is told to each asker."""
        team_id, _ = key
        try:
            while key in self._waiting:
                await self._pace.card_update(team_id)
                waiting = self._waiting.pop(key)
                try:
                    await redraw(waiting.lines)
                except Exception as error:
                    await _tell_each(waiting.reporters, error)
        finally:
            self._running.discard(key)


async def _tell_each(reporters: list[ErrorReporter], error: Exception) -> None:
    for report in reporters:
        try:
            await report(error)
        except Exception:
            logger.exception("could not tell a person that their card redraw failed")
