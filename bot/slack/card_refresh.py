"""Redraws decision cards and posts their thread lines, coalescing bursts.

Slack allows about 50 chat.update calls a minute per workspace and about one message a second
per channel, so a redraw and a thread line per click would be refused in a busy channel, and
the card only needs to show the latest state. So a decision's redraw waits for its turn
(the card's drawing lease, then Slack's budget: bot/slack/cards.py), and everything asked for
while it waited is drawn at once, followed by one thread message carrying the lines gathered
meanwhile. When another process has the card's turn, it draws the card and this one posts
only the lines.

A channel's thread takes about 40 lines a second (a message a second), and clicks can come
faster for as long as they like. So commitment lines past one message's worth per redraw are
counted, not kept: the thread says how many more, the card shows where everyone stands, and
what waits for a redraw stays small however long the burst lasts.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.card_draws import DrawingTurn
from bot.slack.calls import slack_error_code
from bot.slack.followups import FollowUps
from bot.ui.text import Message
from bot.ui.thread import LINES_PER_MESSAGE, build_more_commitments_line
from storage.db import DatabaseNotReady

CardKey = tuple[str, int]  # (team_id, decision_id)
# None: another process draws, or nothing is left to draw
TakeTurn = Callable[[CardKey], Awaitable[DrawingTurn | None]]
DrawCard = Callable[[AsyncWebClient, CardKey, DrawingTurn | None, list[Message]], Awaitable[None]]
# With the line that says how many more, exactly one thread message.
COMMITMENT_LINES_KEPT = LINES_PER_MESSAGE - 1

logger = logging.getLogger(__name__)


class _MoreCommitments:
    """Where "…and N more" goes: after the last commitment line kept."""


_MORE = _MoreCommitments()


@dataclass
class _Waiting:
    client: AsyncWebClient  # the latest that asked (all are the card's workspace's)
    # Plain lines are kept as bare strings; lines with buttons as messages.
    lines: list[str | Message | _MoreCommitments] = field(default_factory=list)
    commitment_lines: int = 0

    def add_line(self, line: Message, *, commitment: bool) -> None:
        if commitment:
            self.commitment_lines += 1
            if self.commitment_lines == COMMITMENT_LINES_KEPT + 1:
                self.lines.append(_MORE)
            if self.commitment_lines > COMMITMENT_LINES_KEPT:
                return  # counted; the thread gets how many more
        self.lines.append(line if line.blocks else line.text)

    def thread_lines(self) -> list[Message]:
        return [self._as_message(line) for line in self.lines]

    def _as_message(self, line: str | Message | _MoreCommitments) -> Message:
        if isinstance(line, _MoreCommitments):
            return build_more_commitments_line(self.commitment_lines - COMMITMENT_LINES_KEPT)
        return Message(text=line) if isinstance(line, str) else line


class CardRefresher:
    """Coalesces the redraws asked for a card and runs them, one loop a card, in the background.

    `take_turn` waits for this process's turn to draw a card, or finds another process has
    it or that a draw since has shown every change; `draw` then redraws the card if the turn
    is ours (by the latest client that asked) and posts the lines gathered for its thread. Each
    change is stored, owing its card, before a redraw is asked for, so a draw that fails is
    logged, not told to the people who made them (the card catches up by itself).
    """

    def __init__(self, take_turn: TakeTurn, followups: FollowUps, draw: DrawCard) -> None:
        self._take_turn = take_turn
        self._followups = followups
        self._draw = draw
        self._waiting: dict[CardKey, _Waiting] = {}
        self._running: set[CardKey] = set()

    def request(
        self,
        client: AsyncWebClient,
        key: CardKey,
        line: Message | None,
        *,
        commitment: bool = False,
    ) -> None:
        """Asks for a redraw (and a thread line); a redraw under way picks it up.

        `commitment` marks a line that may be counted instead of kept in a flood of them.
        """
        waiting = self._waiting.setdefault(key, _Waiting(client))
        if line is not None:
            waiting.add_line(line, commitment=commitment)
        waiting.client = client
        if key in self._running:
            return
        self._running.add(key)
        self._followups.start(self._run(key), on_error=_log_failed_redraw, bounded=False)

    async def _run(self, key: CardKey) -> None:
        """Redraws until nothing more was asked for."""
        decision_id = key[1]
        try:
            while key in self._waiting:
                turn = await self._take_turn(key)
                waiting = self._waiting.pop(key)
                try:
                    await self._draw(waiting.client, key, turn, waiting.thread_lines())
                except SlackApiError as refused:  # Slack's trouble: a sweep draws it later
                    logger.warning(
                        "redraw of decision %s failed: %s", decision_id, slack_error_code(refused)
                    )
                except DatabaseNotReady as error:  # the card stays owed in the database
                    logger.warning("redraw of decision %s waits: %s", decision_id, error)
                except Exception:
                    logger.warning("redraw of decision %s failed", decision_id, exc_info=True)
        finally:
            self._running.discard(key)


async def _log_failed_redraw(error: BaseException) -> None:
    if isinstance(error, DatabaseNotReady):  # the card stays owed: a sweep draws it later
        logger.warning("a card redraw waits: %s", error)
    else:
        logger.warning("a card redraw stopped", exc_info=error)
