"""Type 1 or Type 2 from the three questions."""

from __future__ import annotations

import pytest

from bot.services.classification import (
    Affected,
    ClassificationAnswers,
    LocksIn,
    Undo,
    describe_suggestion,
    suggest_type,
)
from storage.models import DecisionType


@pytest.mark.parametrize(
    ("undo", "locks_in", "affected", "expected", "because"),
    [
        (Undo.YES, LocksIn.YES, Affected.TEAM, DecisionType.TYPE_1, "locks in customers, money"),
        (Undo.NO, LocksIn.NO, Affected.TEAM, DecisionType.TYPE_1, "can't be undone cheaply"),
        (
            Undo.UNSURE,
            LocksIn.NO,
            Affected.CUSTOMERS,
            DecisionType.TYPE_1,
            "customers would feel it",
        ),
        (
            Undo.YES,
            LocksIn.NO,
            Affected.TEAM,
            DecisionType.TYPE_2,
            "undone cheaply within weeks and only our team",
        ),
        (Undo.YES, LocksIn.NO, Affected.CUSTOMERS, DecisionType.TYPE_2, "customers would notice"),
        (
            Undo.UNSURE,
            LocksIn.NO,
            Affected.OTHER_TEAMS,
            DecisionType.TYPE_2,
            "nothing is locked in",
        ),
    ],
)
def test_suggestion_and_its_reason(
    undo: Undo, locks_in: LocksIn, affected: Affected, expected: DecisionType, because: str
) -> None:
    suggestion = suggest_type(ClassificationAnswers(undo, locks_in, affected))
    assert suggestion.decision_type is expected
    assert because in suggestion.reason


def test_incomplete_answers_get_no_suggestion() -> None:
    with pytest.raises(ValueError, match="all three questions"):
        suggest_type(ClassificationAnswers(Undo.YES, None, Affected.TEAM))


def test_description_names_the_door() -> None:
    text = describe_suggestion(
        suggest_type(ClassificationAnswers(Undo.YES, LocksIn.NO, Affected.TEAM))
    )
    assert text.startswith("Type 2 (two-way door), because it can be undone cheaply")
