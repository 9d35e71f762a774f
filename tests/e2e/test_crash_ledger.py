"""The crash ledger's short form (bench/crash_ledger.py has the full one): real bot processes
killed with SIGKILL while they send due revisits, on this run's database, two at a time."""

from __future__ import annotations

from pathlib import Path

from bench.crash_ledger import run_ledger
from tests.databases import new_database_url


async def test_killed_mid_sweep_nothing_is_lost_and_every_double_is_in_the_measured_window(
    tmp_path: Path,
) -> None:
    url = new_database_url(tmp_path, "crash")
    ledger = await run_ledger(url, revisits=60, kills=3, processes=2, within=120)

    assert (ledger.lost, ledger.lines_lost) == (0, 0), ledger.lines()
    assert ledger.doubled_outside_window == 0, ledger.lines()
    assert ledger.lines_doubled_outside_window == 0, ledger.lines()
    assert ledger.doubled + ledger.lines_doubled <= ledger.in_window, ledger.lines()
