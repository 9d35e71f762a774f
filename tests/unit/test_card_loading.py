"""Loading a decision for its card: the same card from a bounded read, and indexed reads."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.services.commitments import record_commitment
from bot.services.decisions import DecisionDraft, load_record, record_decision
from bot.services.dissent import answer_dissent, record_dissent
from bot.services.permissions import Actor
from bot.ui.card import PEOPLE_SHOWN_MAX, build_decision_card
from storage.db import Database
from storage.models import EarlierCommitment, Stance
from tests.conftest import NOW
from tests.databases import sqlite_only

TEAM = "T1"
ASKED = ["U0ASKED1", "U0ASKED2", "U0ASKED3", "U0ASKED4"]


async def a_busy_decision(db: Database, *, others: int) -> int:
    """Stakeholders, dissent, an earlier commitment and `others` people who committed.

    Two of those asked commit last, so a read that stopped at the first few would miss them.
    """
    draft = DecisionDraft(
        team_id=TEAM,
        channel_id="C1",
        recorder_id="U0DECIDER",
        decider_id="U0DECIDER",
        title="Move billing to Postgres",
        what_and_why="Transactions.",
        stakeholder_ids=ASKED,
        type_choice="type1",
    )
    decision_id = (await record_decision(db, draft=draft, now=NOW)).record.id
    # Another decision in the same team, whose people must not show up on this one's card.
    elsewhere = (await record_decision(db, draft=draft, now=NOW)).record.id
    await record_commitment(
        db, Actor(TEAM, "U0ELSEWHERE"), decision_id=elsewhere, stance=Stance.AGREE, now=NOW
    )
    at = NOW
    for n in range(others):
        at += timedelta(seconds=1)
        stance = Stance.AGREE if n % 3 else Stance.DISAGREE
        await record_commitment(
            db, Actor(TEAM, f"U{n:05d}"), decision_id=decision_id, stance=stance, now=at
        )
    dissents = [("U0ASKED3", True), ("U0DISSENTER", False)]  # answered; awaiting an answer
    for user_id, answered in dissents:
        dissent = await record_dissent(
            db,
            Actor(TEAM, user_id),
            decision_id=decision_id,
            reason="Too risky.",
            would_change_mind="",
            now=at,
        )
        if answered:
            assert dissent.dissent.id is not None
            await answer_dissent(
                db,
                Actor(TEAM, "U0DECIDER"),
                dissent_id=dissent.dissent.id,
                heard="Risk.",
                weighed="Worth it.",
                now=at,
            )
    for user_id in ("U0ASKED2", "U0ASKED1"):
        at += timedelta(seconds=1)
        await record_commitment(
            db, Actor(TEAM, user_id), decision_id=decision_id, stance=Stance.AGREE, now=at
        )

    def outdated_commitment(session: Any) -> None:  # as a material edit leaves it
        earlier = EarlierCommitment(
            decision_id=decision_id,
            user_id="U0ASKED4",
            team_id=TEAM,
            stance=Stance.DISAGREE,
            committed_at=NOW,
            outdated_at=NOW,
        )
        session.add(earlier)

    await db.write(outdated_commitment)
    return decision_id


@pytest.mark.parametrize("others", [0, 5, PEOPLE_SHOWN_MAX - 3, PEOPLE_SHOWN_MAX, 90])
async def test_the_card_drawn_from_a_bounded_read_is_the_card_drawn_from_everything(
    db: Database, others: int
) -> None:
    decision_id = await a_busy_decision(db, others=others)

    everything = await load_record(db, team_id=TEAM, decision_id=decision_id)
    for_card = await load_record(
        db, team_id=TEAM, decision_id=decision_id, others_shown=PEOPLE_SHOWN_MAX
    )

    assert build_decision_card(for_card) == build_decision_card(everything)
    assert len(everything.commitments) == others + 2
    assert for_card.commitment_count == others + 2
    named = len(ASKED) + 1  # and the dissenter who was not asked
    assert len(for_card.commitments) <= named + PEOPLE_SHOWN_MAX


async def test_a_card_past_its_room_lists_the_first_people_and_counts_the_rest(
    db: Database,
) -> None:
    decision_id = await a_busy_decision(db, others=90)

    card = build_decision_card(
        await load_record(db, team_id=TEAM, decision_id=decision_id, others_shown=PEOPLE_SHOWN_MAX)
    )

    text = str(card.blocks)
    assert "2 of 4 asked have committed · 90 more committed · 1 dissent awaiting an answer" in text
    assert "<@U0ASKED1> agreed and committed" in text
    assert "<@U0ASKED4> disagreed and committed to an earlier version" in text
    assert "<@U0DISSENTER> disagrees, awaiting the decider's answer" in text
    shown_others = PEOPLE_SHOWN_MAX - len(ASKED) - 1
    assert f"<@U{shown_others - 1:05d}>" in text and f"<@U{shown_others:05d}>" not in text
    assert f"…and {len(ASKED) + 1 + 90 - PEOPLE_SHOWN_MAX} more" in text
    assert "U0ELSEWHERE" not in text


PER_DECISION_TABLES = ("stakeholder", "commitment", "dissent", "earliercommitment")


@sqlite_only  # reads SQLite's query plan
@pytest.mark.parametrize("others_shown", [None, PEOPLE_SHOWN_MAX])
async def test_a_decisions_people_are_found_by_its_index_not_among_the_whole_teams(
    db: Database, others_shown: int | None
) -> None:
    decision_id = await a_busy_decision(db, others=5)
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    engine = db.read_engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        await load_record(db, team_id=TEAM, decision_id=decision_id, others_shown=others_shown)
    finally:
        event.remove(engine, "before_cursor_execute", capture)

    path = db.read_engine.url.database
    assert path is not None
    plans: list[str] = []
    with sqlite3.connect(path) as sqlite:
        for statement, parameters in statements:
            rows = sqlite.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            plans += [row[-1] for row in rows]
    per_decision = [p for p in plans if p.split()[1] in PER_DECISION_TABLES]
    assert {p.split()[1] for p in per_decision} == set(PER_DECISION_TABLES)
    for plan in per_decision:  # not every row of the team's, searched by team_id alone
        assert "decision_id=?" in plan, plan
