"""Services on a fresh SQLite database: team scoping, concurrent clicks, history, export."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.services.commitments import record_commitment
from bot.services.decisions import DecisionDraft, load_record, record_decision
from bot.services.dissent import answer_dissent, record_dissent
from bot.services.errors import NotAllowed, NotFound
from bot.services.export import ExportFilter, export_decisions
from bot.services.permissions import Actor
from storage import backup, repository
from storage.db import Database
from storage.models import Stance
from tests.conftest import NOW


async def a_decision(db: Database, team_id: str = "T1") -> int:
    draft = DecisionDraft(
        team_id=team_id,
        channel_id="C1",
        recorder_id="U1",
        decider_id="U1",
        title="Use Postgres",
        what_and_why="Transactions.",
        stakeholder_ids=["U2", "U3", "U2"],
        type_choice="type1",
    )
    outcome = await record_decision(db, draft=draft, now=NOW)
    return outcome.record.id


async def test_stakeholders_are_stored_once_each(db: Database) -> None:
    decision_id = await a_decision(db)
    record = await load_record(db, team_id="T1", decision_id=decision_id)
    assert record.stakeholder_ids == ["U2", "U3"]


async def test_every_query_is_scoped_by_team(db: Database) -> None:
    decision_id = await a_decision(db, team_id="T1")
    with pytest.raises(NotFound):
        await record_commitment(
            db, Actor("T2", "U2"), decision_id=decision_id, stance=Stance.AGREE, now=NOW
        )
    found = await db.read(
        lambda session: repository.get_decision(session, team_id="T2", decision_id=decision_id)
    )
    assert found is None


async def test_simultaneous_identical_clicks_store_one_commitment_and_one_event(
    db: Database,
) -> None:
    decision_id = await a_decision(db)
    outcomes = await asyncio.gather(
        *[
            record_commitment(
                db, Actor("T1", "U2"), decision_id=decision_id, stance=Stance.AGREE, now=NOW
            )
            for _ in range(8)
        ]
    )
    assert sum(outcome.changed for outcome in outcomes) == 1
    events = await db.read(
        lambda session: repository.list_events(session, team_id="T1", decision_id=decision_id)
    )
    assert [e.kind for e in events] == ["recorded", "committed"]


async def test_timestamps_come_back_as_aware_utc(db: Database) -> None:
    decision_id = await a_decision(db)
    decision = await db.read(
        lambda session: repository.get_decision(session, team_id="T1", decision_id=decision_id)
    )
    assert (
        decision is not None
        and decision.created_at == NOW
        and decision.created_at.tzinfo is not None
    )


async def test_only_the_decider_answers_and_a_new_dissent_needs_a_new_answer(db: Database) -> None:
    decision_id = await a_decision(db)
    first = await record_dissent(
        db,
        Actor("T1", "U2"),
        decision_id=decision_id,
        reason="Too risky.",
        would_change_mind="",
        now=NOW,
    )
    assert first.dissent.id is not None
    with pytest.raises(NotAllowed):
        await answer_dissent(
            db, Actor("T1", "U3"), dissent_id=first.dissent.id, heard="h", weighed="w", now=NOW
        )
    answered = await answer_dissent(
        db,
        Actor("T1", "U1"),
        dissent_id=first.dissent.id,
        heard="Risk.",
        weighed="Worth it.",
        now=NOW,
    )
    assert answered.dissent.is_answered
    again = await record_dissent(
        db,
        Actor("T1", "U2"),
        decision_id=decision_id,
        reason="Still too risky.",
        would_change_mind="",
        now=NOW + timedelta(hours=1),
    )
    assert again.changed and not again.dissent.is_answered


async def test_export_holds_everything(db: Database) -> None:
    decision_id = await a_decision(db)
    await record_commitment(
        db, Actor("T1", "U2"), decision_id=decision_id, stance=Stance.DISAGREE, now=NOW
    )
    await record_dissent(
        db,
        Actor("T1", "U3"),
        decision_id=decision_id,
        reason="No.",
        would_change_mind="Data.",
        now=NOW,
    )
    document = await export_decisions(db)
    [item] = document["decisions"]
    assert item["title"] == "Use Postgres" and item["stakeholders"] == ["U2", "U3"]
    assert item["commitments"][0]["stance"] == "disagree"
    assert item["dissents"][0]["would_change_mind"] == "Data."
    assert [h["kind"] for h in item["history"]] == ["recorded", "committed", "dissented"]
    assert item["created_at"] == NOW.isoformat()


async def test_the_export_command_writes_json(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await a_decision(db)
    monkeypatch.setenv("DATABASE_URL", db.url)
    out = tmp_path / "export"
    # The command runs its own event loop, as it does from a shell.
    exit_code = await asyncio.to_thread(main, ["export", "--format", "json", "--out", str(out)])
    assert exit_code == 0
    document = json.loads((out / "decisions.json").read_text())
    assert document["format"] == "decisionbot-export"
    assert [d["title"] for d in document["decisions"]] == ["Use Postgres"]


async def test_an_export_from_before_0004_imports_with_its_digests_channel_in_place(
    db: Database,
) -> None:
    older = {
        "decisions": [],
        "channel_settings": [],
        "digests": [
            {
                "id": 7,
                "team_id": "T1",
                "dedupe_key": "digest:C1:2026-W47",
                "kind": "digest",
                "decision_id": None,
                "user_id": "C1",  # where 0.1 kept a digest's channel
                "due_on": "2026-11-23",
                "due_at": "2026-11-23T09:00:00+00:00",
                "lease_owner": None,
                "lease_until": None,
                "attempts": 1,
                "last_error": None,
                "sent_at": "2026-11-23T09:00:05+00:00",
                "message_ts": "1.2",
            }
        ],
    }
    await db.write(lambda session: backup.restore(session, older))
    exported = await export_decisions(db, ExportFilter(channel_id="C1"))
    (digest,) = exported["digests"]
    assert (digest["user_id"], digest["channel_id"], digest["message_ts"]) == (None, "C1", "1.2")


async def test_one_form_submitted_four_times_at_once_is_recorded_once(db: Database) -> None:
    """As when Slack resends a submission while the first is still being stored: on PostgreSQL
    each may look before any inserts, and all but one meet the unique view id."""
    draft = DecisionDraft(
        "T1", "C1", "U1", "Use Postgres", "Transactions.", "U1", type_choice="type2"
    )
    results = await asyncio.gather(
        *(record_decision(db, draft=draft, now=NOW, source_view_id="V123") for _ in range(4))
    )
    assert sorted(r.created for r in results) == [False, False, False, True]
    assert {r.record.id for r in results} == {results[0].record.id}
