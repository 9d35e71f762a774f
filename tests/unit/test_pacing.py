"""Slack's rate limits as budgets shared by every process: a burst goes at once, then calls are
spaced evenly, whichever process makes them."""

from __future__ import annotations

from bot.slack.pacing import Budget, SlackPace
from storage.db import Database


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_burst_goes_at_once_then_calls_are_spaced_by_the_rate(db: Database) -> None:
    pace = SlackPace(db, FakeClock())
    budget = Budget(per_second=2.0, burst=3)
    waits = [await pace.reserve(("chat.postMessage", "T1", "C1"), budget) for _ in range(5)]
    assert waits == [0.0, 0.0, 0.0, 0.5, 1.0]


async def test_time_passing_refills_the_budget_but_never_beyond_the_burst(db: Database) -> None:
    clock = FakeClock()
    pace = SlackPace(db, clock)
    budget = Budget(per_second=1.0, burst=2)
    key = ("chat.update", "T1")
    assert [await pace.reserve(key, budget) for _ in range(3)] == [0.0, 0.0, 1.0]
    clock.now += 60  # a quiet minute earns no more than the burst
    assert [await pace.reserve(key, budget) for _ in range(3)] == [0.0, 0.0, 1.0]


async def test_each_channel_and_workspace_has_its_own_budget(db: Database) -> None:
    pace = SlackPace(db, FakeClock())
    budget = Budget(per_second=1.0, burst=1)
    assert await pace.reserve(("chat.postMessage", "T1", "C1"), budget) == 0.0
    assert await pace.reserve(("chat.postMessage", "T1", "C2"), budget) == 0.0
    assert await pace.reserve(("chat.postMessage", "T2", "C1"), budget) == 0.0
    assert await pace.reserve(("chat.postMessage", "T1", "C1"), budget) == 1.0


async def test_three_processes_together_take_no_more_than_one_budget(db: Database) -> None:
    clock = FakeClock()
    databases = [Database(db.url) for _ in range(3)]  # each process's own connections
    processes = [SlackPace(database, clock) for database in databases]
    budget = Budget(per_second=1.0, burst=2)
    key = ("chat.update", "T1")
    waits = [await processes[i % 3].reserve(key, budget) for i in range(6)]
    assert waits == [0.0, 0.0, 1.0, 2.0, 3.0, 4.0]  # as one process alone would be spaced
    for database in databases:
        await database.close()
