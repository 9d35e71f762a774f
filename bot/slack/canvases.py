"""A channel's decision log canvas in Slack: created when a channel turns it on, then redrawn
by the sweeps of any process whenever the channel's history has moved past what it shows.

Redraws are coalesced by that check (however many changes came, one edit draws them all),
one process at a time holds a canvas (a lease), and a redraw Slack refused is tried again
a minute later. The database is what the canvas is drawn from, so nothing is lost when a
process dies mid-draw: the canvas is still behind, and the next sweep draws it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.services import canvas as service
from bot.services.errors import DecisionError
from bot.slack.calls import explain_slack_error, slack_error_code
from bot.slack.links import links
from bot.ui.canvas import CANVAS_TITLE, build_canvas
from storage import canvases as queries

logger = logging.getLogger(__name__)

CANVASES_PER_SWEEP = 5  # canvases.edit is Tier 3 (about 50 a minute)
DRAWING_LEASE = timedelta(minutes=2)
RETRY_AFTER = timedelta(minutes=1)
# conversations.canvases.create's answers when a channel canvas can't be made: a canvas of
# our own, tabbed in the channel, does the job instead.
USE_A_TABBED_CANVAS = {
    "channel_canvas_already_exists",
    "team_tier_cannot_create_channel_canvases",
    "free_team_canvas_tab_already_exists",
}
GONE = {"canvas_not_found", "canvas_deleted", "file_not_found"}
CANT_CREATE = {
    "not_in_channel": "I'm not in this channel: `/invite @decisionbot`, then try again.",
    "channel_not_found": "I can't see this channel: `/invite @decisionbot`, then try again.",
    "canvas_disabled_user_team": "Canvases are turned off in this workspace, so there is "
    "nowhere to keep the decision log. An admin can turn them on.",
    "restricted_action": "This workspace doesn't let apps add canvases to this channel. "
    "An admin can allow it.",
}


class CanvasRefused(DecisionError):
    pass


def _document(markdown: str) -> dict[str, str]:
    return {"type": "markdown", "markdown": markdown}


class CanvasKeeper:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def _draw(self, client: AsyncWebClient, team_id: str, channel_id: str) -> tuple[str, int]:
        content = await service.canvas_content(
            self._deps.db, team_id=team_id, channel_id=channel_id
        )
        return build_canvas(content, await links(self._deps, client, team_id)), content.newest_event

    async def turn_on(
        self, client: AsyncWebClient, *, team_id: str, channel_id: str, by: str
    ) -> str:
        """Creates the channel's canvas (or takes up the one it had) and draws it; returns
        what to tell the person. Raises CanvasRefused with a sentence when Slack won't."""
        db = self._deps.db
        markdown, newest = await self._draw(client, team_id, channel_id)
        settings = await service.canvas_settings(db, team_id=team_id, channel_id=channel_id)
        canvas_id = settings.canvas_id if settings else None
        if canvas_id is not None:
            try:
                await self._replace(client, canvas_id, markdown)
            except SlackApiError as error:
                if slack_error_code(error) not in GONE:
                    raise CanvasRefused(_refusal(error)) from error
                canvas_id = None  # deleted in Slack since: make a new one
        if canvas_id is None:
            canvas_id = await self._create(client, channel_id, markdown)
        await service.set_canvas(
            db,
            team_id=team_id,
            channel_id=channel_id,
            on=True,
            canvas_id=canvas_id,
            shows_event=newest,
            by=by,
            now=self._deps.now(),
        )
        return (
            f"This channel's *{CANVAS_TITLE}* canvas is on: it lists the channel's decisions and "
            "is kept current as they change. `/decide canvas off` stops updating it."
        )

    async def _create(self, client: AsyncWebClient, channel_id: str, markdown: str) -> str:
        try:
            made: Any = await client.conversations_canvases_create(
                channel_id=channel_id, title=CANVAS_TITLE, document_content=_document(markdown)
            )
        except SlackApiError as error:
            if slack_error_code(error) not in USE_A_TABBED_CANVAS:
                raise CanvasRefused(_refusal(error)) from error
            try:
                made = await client.canvases_create(
                    title=CANVAS_TITLE, document_content=_document(markdown), channel_id=channel_id
                )
            except SlackApiError as tabbed_error:
                raise CanvasRefused(_refusal(tabbed_error)) from tabbed_error
        return str(made["canvas_id"])

    async def _replace(self, client: AsyncWebClient, canvas_id: str, markdown: str) -> None:
        await client.canvases_edit(
            canvas_id=canvas_id,
            changes=[{"operation": "replace", "document_content": _document(markdown)}],
        )

    async def turn_off(self, *, team_id: str, channel_id: str, by: str) -> str:
        await service.set_canvas(
            self._deps.db,
            team_id=team_id,
            channel_id=channel_id,
            on=False,
            by=by,
            now=self._deps.now(),
        )
        return (
            f"decisionbot no longer updates this channel's *{CANVAS_TITLE}* canvas; it stays as "
            "it is. `/decide canvas on` brings it up to date again."
        )

    async def redraw_behind(
        self, client_for: Callable[[str], Awaitable[AsyncWebClient | None]]
    ) -> int:
        """Redraws the canvases behind their channel's history (a few per sweep), each with
        its workspace's client; returns how many it drew."""
        db, now = self._deps.db, self._deps.now()
        behind = await db.read(
            lambda session: queries.canvases_behind(session, now=now, limit=CANVASES_PER_SWEEP)
        )
        drawn = 0
        for team_id, channel_id in behind:
            try:
                client = await client_for(team_id)
            except Exception as error:  # a token that couldn't be renewed: the next sweep
                logger.warning("the decision log canvas of %s waits: %s", channel_id, error)
                continue
            if client is not None:
                drawn += await self._redraw(client, team_id, channel_id)
        return drawn

    async def _redraw(self, client: AsyncWebClient, team_id: str, channel_id: str) -> int:
        db, now = self._deps.db, self._deps.now()
        where = {"team_id": team_id, "channel_id": channel_id}
        claimed = await db.write(
            lambda session: queries.claim_canvas(
                session, **where, now=now, until=now + DRAWING_LEASE
            )
        )
        settings = await service.canvas_settings(db, **where) if claimed else None
        if settings is None or settings.canvas_id is None:
            return 0
        try:
            markdown, newest = await self._draw(client, team_id, channel_id)
            await self._replace(client, settings.canvas_id, markdown)
        except Exception as error:
            gone = slack_error_code(error) in GONE
            logger.warning(
                "the decision log canvas of %s %s: %s",
                channel_id,
                "was deleted in Slack; `/decide canvas on` there makes a new one"
                if gone
                else "was not redrawn yet",
                slack_error_code(error) or error,
            )
            await self._let_go(
                team_id, channel_id, shows_event=None, retry_at=now + RETRY_AFTER, off=gone
            )
            return 0
        await self._let_go(team_id, channel_id, shows_event=newest, retry_at=None, off=False)
        return 1

    async def _let_go(
        self,
        team_id: str,
        channel_id: str,
        *,
        shows_event: int | None,
        retry_at: datetime | None,
        off: bool,
    ) -> None:
        def write(session: Any) -> None:
            queries.finish_canvas(
                session,
                team_id=team_id,
                channel_id=channel_id,
                shows_event=shows_event,
                retry_at=retry_at,
            )
            if off:
                settings = queries.settings_of(session, team_id=team_id, channel_id=channel_id)
                if settings is not None:
                    settings.canvas_on = False
                    session.add(settings)

        await self._deps.db.write(write)


def _refusal(error: SlackApiError) -> str:
    code = slack_error_code(error) or ""
    return CANT_CREATE.get(code) or f"Slack didn't make the canvas: {explain_slack_error(error)}"
