"""The /decide form's rules, with a fixed `now`."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.services.decisions import DecisionDraft, earliest_today, validate_draft
from bot.services.errors import InvalidInput
from storage.models import DecisionStatus, DecisionType

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def draft(**changes: object) -> DecisionDraft:
    base: dict[str, object] = {
        "team_id": "T1",
        "channel_id": "C1",
        "recorder_id": "U1",
        "decider_id": "U1",
        "title": "Use Postgres",
        "what_and_why": "Transactions.",
        "type_choice": "type2",
    }
    return DecisionDraft(**(base | changes))  # type: ignore[arg-type]


def errors_of(**changes: object) -> dict[str, str]:
    with pytest.raises(InvalidInput) as raised:
        validate_draft(draft(**changes), NOW)
    return raised.value.field_errors


def test_type_2_is_decided_at_once_with_a_revisit_date_30_days_out() -> None:
    decision = validate_draft(draft(), NOW)
    assert decision.status is DecisionStatus.DECIDED
    assert decision.revisit_on == date(2026, 12, 23) and decision.commit_by is None


def test_type_1_is_open_for_input_until_a_commit_by_date_3_days_out() -> None:
    decision = validate_draft(draft(type_choice="type1"), NOW)
    assert decision.status is DecisionStatus.OPEN
    assert decision.commit_by == date(2026, 11, 26) and decision.revisit_on is None
    assert decision.decision_type is DecisionType.TYPE_1


def test_a_title_at_the_limit_is_fine_and_one_over_is_not() -> None:
    assert validate_draft(draft(title="x" * 150), NOW).title == "x" * 150
    assert errors_of(title="x" * 151) == {"title": "Keep the title to 150 characters (it has 151)."}


def test_text_is_trimmed_and_blank_text_is_missing() -> None:
    assert validate_draft(draft(title="  Use Postgres  "), NOW).title == "Use Postgres"
    assert set(errors_of(title=" ", what_and_why="\n")) == {"title", "what_and_why"}


def test_dates_in_the_past_and_too_far_ahead_are_refused() -> None:
    assert "in the past" in errors_of(revisit_on=date(2026, 11, 20))["revisit_on"]
    assert "two years" in errors_of(revisit_on=date(2029, 1, 1))["revisit_on"]


def test_today_somewhere_on_earth_is_not_the_past() -> None:
    # At 02:00 UTC it is still yesterday in UTC-12: that date is a fair "today".
    early = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert earliest_today(early) == date(2026, 11, 22)
    assert validate_draft(draft(revisit_on=date(2026, 11, 22)), early).revisit_on == date(
        2026, 11, 22
    )


def test_dates_must_fit_the_type() -> None:
    assert (
        "Type 1 decisions are one-way doors"
        in errors_of(type_choice="type1", revisit_on=date(2026, 12, 1))["revisit_on"]
    )
    assert (
        "Type 2 decisions are decided at once"
        in errors_of(commit_by=date(2026, 12, 1))["commit_by"]
    )


def test_too_many_stakeholders() -> None:
    people = [f"U{i:04d}" for i in range(31)]
    assert errors_of(stakeholder_ids=people) == {"stakeholders": "Ask at most 30 people to commit."}


def test_confidence_is_one_of_the_levels_or_unsaid() -> None:
    assert validate_draft(draft(confidence=80), NOW).confidence == 80
    assert validate_draft(draft(), NOW).confidence is None
    assert errors_of(confidence=55) == {
        "confidence": "Pick a confidence of 50%, 60%, 70%, 80%, 90%, or leave it empty."
    }
