"""The digest's week and its input metrics, on SQLite with fixed times."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.services.commitments import record_commitment
from bot.services.decisions import DecisionDraft, change_type, record_decision
from bot.services.digest import DigestSchedule, Week, build_digest_data
from bot.services.permissions import Actor
from storage.db import Database
from storage.models import DecisionType, Stance
from tests.conftest import NOW


def test_the_digest_moment_is_the_latest_scheduled_one() -> None:
    monday_nine = DigestSchedule()
    assert monday_nine.latest_before(NOW) == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert monday_nine.latest_before(NOW - timedelta(hours=2)) == datetime(
        2026, 11, 16, 9, 0, tzinfo=UTC
    )
    berlin_friday = DigestSchedule(weekday=4, at=time(16, 30), zone="Europe/Berlin")
    assert berlin_friday.latest_before(NOW) == datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    assert Week(end=datetime(2026, 11, 30, 9, 0, tzinfo=UTC)).label == "2026-W48"


async def test_metrics_count_this_week_beside_last_week(db: Database) -> None:
    def draft(title: str, kind: str, stakeholders: list[str]) -> DecisionDraft:
        return DecisionDraft(
            team_id="T1",
            channel_id="C1",
            recorder_id="U1",
            decider_id="U1",
            title=title,
            what_and_why="Because.",
            stakeholder_ids=stakeholders,
            type_choice=kind,
        )

    one = (await record_decision(db, draft=draft("A", "type1", ["U2", "U3"]), now=NOW)).record.id
    for user, after in (("U2", timedelta(days=1)), ("U3", timedelta(days=2))):
        await record_commitment(
            db, Actor("T1", user), decision_id=one, stance=Stance.AGREE, now=NOW + after
        )
    await record_decision(db, draft=draft("B", "type2", []), now=NOW)
    later = (await record_decision(db, draft=draft("C", "type1", []), now=NOW)).record.id
    await change_type(
        db,
        Actor("T1", "U1"),
        decision_id=later,
        new_type=DecisionType.TYPE_2,
        reason="",
        now=NOW + timedelta(days=1),
    )

    week = Week(end=NOW + timedelta(days=6))
    data = await build_digest_data(db, team_id="T1", channel_id="C1", week=week)
    assert data.metrics is not None and data.metrics_last_week is not None
    assert data.metrics.median_days_to_full_commitment == 2.0
    assert data.metrics.type2_decided_same_day == 0.5  # C became Type 2 a day late
    assert data.metrics_last_week.median_days_to_full_commitment is None
    assert [d.title for d in data.recorded] == ["A", "B", "C"]

    elsewhere = await build_digest_data(db, team_id="T1", channel_id="C2", week=week)
    assert (elsewhere.recorded, elsewhere.waiting, elsewhere.revisits_overdue_count) == ([], [], 0)
