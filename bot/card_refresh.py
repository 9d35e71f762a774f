"""Redraws decision cards, coalescing bursts: many clicks on one card become one chat.update.

Slack allows about 50 chat.update calls a minute, so a redraw per click would be refused
in a busy channel; and the card only needs to show the latest state.
"""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.services import decisions
from bot.slack_calls import update_card
from storage.db import Database


class CardRefresher:
    def __init__(self) -> None:
        self._running: set[tuple[str, int]] = set()
        self._stale: set[tuple[str, int]] = set()

    async def refresh(
        self, client: AsyncWebClient, db: Database, *, team_id: str, decision_id: int
    ) -> None:
        """Redraws the card from the database; if a redraw is under way, it redraws once more."""
        key = (team_id, decision_id)
        if key in self._running:
            self._stale.add(key)
            return
        self._running.add(key)
        try:
            while True:
                self._stale.discard(key)
                record = await decisions.load_record(db, team_id=team_id, decision_id=decision_id)
                await update_card(client, record)
                if key not in self._stale:
                    return
        finally:
            self._running.discard(key)
            self._stale.discard(key)
