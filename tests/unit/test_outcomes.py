"""Calibration and doors called right, worked out by hand."""

from __future__ import annotations

import pytest

from bot.services.outcomes import calibrate, door_rates
from bot.ui.stats import calibration_reading
from storage.models import DecisionType, Outcome
from storage.outcomes import LookBack

T1, T2 = DecisionType.TYPE_1, DecisionType.TYPE_2


def look(confidence: int | None, outcome: Outcome | None, door: bool | None = None) -> LookBack:
    return LookBack(T2, confidence, outcome, door)


def test_partly_counts_half_and_the_brier_score_is_the_mean_squared_miss() -> None:
    looks = [look(80, Outcome.RIGHT), look(80, Outcome.PARTLY), look(80, Outcome.WRONG)]
    calibration = calibrate([80, 80, 80, 60], looks)
    level = next(lv for lv in calibration.levels if lv.confidence == 80)
    assert (level.decisions, level.scored, level.right_share) == (3, 3, pytest.approx(0.5))
    # ((0.8 - 1)² + (0.8 - 0.5)² + (0.8 - 0)²) / 3 = (0.04 + 0.09 + 0.64) / 3
    assert calibration.brier == pytest.approx(0.77 / 3)
    sixty = next(lv for lv in calibration.levels if lv.confidence == 60)
    assert (sixty.decisions, sixty.scored, sixty.right_share) == (1, 0, None)


def test_looks_back_without_a_confidence_or_an_outcome_score_nothing() -> None:
    calibration = calibrate(
        [], [look(None, Outcome.RIGHT), look(90, None), look(90, Outcome.RIGHT)]
    )
    assert calibration.scored == 1 and calibration.brier is None  # too few for a score


@pytest.mark.parametrize(
    ("outcomes", "reading"),
    [
        ([Outcome.RIGHT] * 3, "You are under-confident at 50%: right 100% of the time."),
        ([Outcome.RIGHT, Outcome.WRONG, Outcome.PARTLY], "You are well calibrated"),
        ([Outcome.RIGHT, Outcome.RIGHT], "Too few looks back to read your calibration yet"),
    ],
)
def test_the_reading_names_the_level_that_misses_most(
    outcomes: list[Outcome], reading: str
) -> None:
    calibration = calibrate([], [look(50, o) for o in outcomes])
    assert calibration_reading(calibration, subject="you are", whose="your").startswith(reading)


def test_doors_called_right_by_type_say_too_few_under_three() -> None:
    looks = [
        LookBack(T2, None, None, True),
        LookBack(T2, None, None, True),
        LookBack(T2, None, None, False),
        LookBack(T1, None, None, True),
        LookBack(T1, None, None, None),
    ]
    one_way, two_way = door_rates(looks)
    assert (one_way.answered, one_way.called_right, one_way.share) == (1, 1, None)
    assert (two_way.answered, two_way.called_right) == (2 + 1, 2)
    assert two_way.share == pytest.approx(2 / 3)
