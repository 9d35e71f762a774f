"""A channel's decision log canvas: turning it on and off, and what it shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from storage import canvases
from storage.db import Database
from storage.models import ChannelSettings, Decision

CANVAS_ROWS = 200  # newest first: well within a canvas's 1 MiB, and a table people can read


@dataclass(frozen=True)
class CanvasContent:
    decisions: list[Decision]
    commitments: dict[int, int]  # by decision id
    total: int  # the channel's decisions, of which the newest are listed
    newest_event: int  # the history it shows up to


def read_canvas_content(session: Session, *, team_id: str, channel_id: str) -> CanvasContent:
    # The newest event first: a change that lands between the two reads is drawn again.
    newest = canvases.newest_event(session, team_id=team_id, channel_id=channel_id)
    decisions, commitments, total = canvases.channel_log(
        session, team_id=team_id, channel_id=channel_id, limit=CANVAS_ROWS
    )
    return CanvasContent(decisions, commitments, total, newest)


async def canvas_content(db: Database, *, team_id: str, channel_id: str) -> CanvasContent:
    return await db.read(
        lambda session: read_canvas_content(session, team_id=team_id, channel_id=channel_id)
    )


async def canvas_settings(db: Database, *, team_id: str, channel_id: str) -> ChannelSettings | None:
    return await db.read(
        lambda session: canvases.settings_of(session, team_id=team_id, channel_id=channel_id)
    )


async def set_canvas(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    on: bool,
    canvas_id: str | None = None,
    shows_event: int = 0,
    by: str,
    now: datetime,
) -> None:
    await db.write(
        lambda session: canvases.set_canvas(
            session,
            team_id=team_id,
            channel_id=channel_id,
            on=on,
            canvas_id=canvas_id,
            shows_event=shows_event,
            by=by,
            at=now,
        )
    )
