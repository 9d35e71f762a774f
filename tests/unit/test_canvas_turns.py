"""Processes take turns at redrawing a channel's canvas: one holds it at a time, a process
that dies lets it go when its lease runs out, and a canvas that is off is never drawn."""

from __future__ import annotations

from datetime import timedelta

from bot.services.canvas import set_canvas
from bot.services.decisions import DecisionDraft, record_decision
from storage import canvases
from storage.db import Database
from tests.conftest import NOW

WHERE = {"team_id": "T1", "channel_id": "C1"}


async def claim(db: Database, at: object) -> bool:
    return await db.write(
        lambda session: canvases.claim_canvas(
            session,
            **WHERE,
            now=at,
            until=at + timedelta(minutes=2),  # type: ignore[operator]
        )
    )


async def behind(db: Database, at: object) -> list[tuple[str, str]]:
    return await db.read(lambda session: canvases.canvases_behind(session, now=at, limit=5))  # type: ignore[arg-type]


async def test_one_process_holds_a_canvas_at_a_time(db: Database) -> None:
    draft = DecisionDraft(
        "T1", "C1", "U1", "Use Postgres", "Transactions.", "U1", type_choice="type2"
    )
    await record_decision(db, draft=draft, now=NOW)
    await set_canvas(db, **WHERE, on=True, canvas_id="F1", shows_event=0, by="U1", now=NOW)
    assert await behind(db, NOW) == [("T1", "C1")]

    assert await claim(db, NOW) is True
    assert await claim(db, NOW + timedelta(seconds=1)) is False  # another process's turn
    assert await behind(db, NOW) == []  # held: no sweep picks it
    assert await claim(db, NOW + timedelta(minutes=3)) is True  # the holder died; its lease ran out

    await db.write(
        lambda session: canvases.finish_canvas(
            session, **WHERE, shows_event=canvases.newest_event(session, **WHERE), retry_at=None
        )
    )
    assert await behind(db, NOW) == []  # drawn up to the newest event

    await set_canvas(db, **WHERE, on=False, by="U1", now=NOW)
    await record_decision(db, draft=draft, now=NOW)  # a change while it is off
    assert await behind(db, NOW) == [] and await claim(db, NOW) is False
