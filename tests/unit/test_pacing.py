"""Slack's rate limits as budgets: a burst goes at once, then calls are spaced evenly."""

from __future__ import annotations

from bot.pacing import Budget, SlackPace


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_goes_at_once_then_calls_are_spaced_by_the_rate() -> None:
    clock = FakeClock()
    pace = SlackPace(clock)
    budget = Budget(per_second=2.0, burst=3)
    waits = [pace.reserve(("chat.postMessage", "T1", "C1"), budget) for _ in range(5)]
    assert waits == [0.0, 0.0, 0.0, 0.5, 1.0]


def test_time_passing_refills_the_budget_but_never_beyond_the_burst() -> None:
    clock = FakeClock()
    pace = SlackPace(clock)
    budget = Budget(per_second=1.0, burst=2)
    key = ("chat.update", "T1")
    assert [pace.reserve(key, budget) for _ in range(3)] == [0.0, 0.0, 1.0]
    clock.now += 60  # a quiet minute earns no more than the burst
    assert [pace.reserve(key, budget) for _ in range(3)] == [0.0, 0.0, 1.0]


def test_each_channel_and_workspace_has_its_own_budget() -> None:
    pace = SlackPace(FakeClock())
    budget = Budget(per_second=1.0, burst=1)
    assert pace.reserve(("chat.postMessage", "T1", "C1"), budget) == 0.0
    assert pace.reserve(("chat.postMessage", "T1", "C2"), budget) == 0.0
    assert pace.reserve(("chat.postMessage", "T2", "C1"), budget) == 0.0
    assert pace.reserve(("chat.postMessage", "T1", "C1"), budget) == 1.0
