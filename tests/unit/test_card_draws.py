"""Processes take turns at redrawing a card, and the card never ends on an older state."""

from __future__ import annotations

from datetime import timedelta

from bot.services.card_draws import DRAWING_LEASE, claim_redraw, finish_redraw, want_redraw
from storage.db import Database
from tests.conftest import NOW

CARD = {"team_id": "T1", "decision_id": 7}


async def test_a_change_while_another_process_draws_is_drawn_by_that_process(
    db: Database,
) -> None:
    await want_redraw(db, **CARD)
    assert await claim_redraw(db, **CARD, drawer="A", now=NOW) == 1

    await want_redraw(db, **CARD)  # B's click, while A is drawing
    assert await claim_redraw(db, **CARD, drawer="B", now=NOW) is None  # B leaves it to A

    await finish_redraw(db, **CARD, drawer="A", covered=1)
    assert await claim_redraw(db, **CARD, drawer="A", now=NOW) == 2  # A draws B's change
    await finish_redraw(db, **CARD, drawer="A", covered=2)
    assert await claim_redraw(db, **CARD, drawer="A", now=NOW) is None  # nothing left
    assert await claim_redraw(db, **CARD, drawer="B", now=NOW) is None


async def test_a_failed_draw_leaves_the_change_to_be_drawn(db: Database) -> None:
    await want_redraw(db, **CARD)
    assert await claim_redraw(db, **CARD, drawer="A", now=NOW) == 1
    await finish_redraw(db, **CARD, drawer="A", covered=None)  # Slack refused it
    assert await claim_redraw(db, **CARD, drawer="B", now=NOW) == 1


async def test_a_process_that_dies_drawing_holds_the_card_only_until_its_lease_ends(
    db: Database,
) -> None:
    await want_redraw(db, **CARD)
    assert await claim_redraw(db, **CARD, drawer="A", now=NOW) == 1  # and A dies
    await want_redraw(db, **CARD)
    assert await claim_redraw(db, **CARD, drawer="B", now=NOW + DRAWING_LEASE) is None
    later = NOW + DRAWING_LEASE + timedelta(seconds=1)
    assert await claim_redraw(db, **CARD, drawer="B", now=later) == 2
    await finish_redraw(db, **CARD, drawer="A", covered=1)  # too late: A no longer holds it
    assert await claim_redraw(db, **CARD, drawer="C", now=later) is None  # B still does
