"""The database failing under load: `decisionbot serve` takes commitment clicks and new
decisions while another process holds SQLite's write lock for 1, 5 and 30 s, or, on
PostgreSQL (two processes behind a round-robin balancer), while the server is stopped for 5
and 30 s and started again, and crashes and restarts at once.

Each phase prints its acks (how many, p99, the slowest, how many took longer than Slack's 3 s
deadline, 5xx), how many people were told that their click couldn't be saved, and what
`/healthz` answered meanwhile (polled every 0.2 s) and how long after the fault it said 200
again. Afterwards it checks: everything stored before the faults is still there, every
acknowledged click that nobody was told about was stored (and no one told of a failure had
theirs stored), every recorded decision's card posted once and up to date, nothing owed.

    .venv/bin/python -m bench.database_faults [--rate 10]               # SQLite
    tests/with_postgres.sh .venv/bin/python -m bench.database_faults    # PostgreSQL

The bot runs through `bench.bot_at` with its clock 10 times as fast, so that the minutes its
retries wait pass in seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path

import aiohttp
import psycopg
from sqlmodel import select

from bench.databases import empty_postgres_database
from bench.fuzz_http import record_a_story
from bench.revisit_burst import REVISIT_DAY
from bench.serving import start_bot
from bench.slack_faults import Load, until_slack_shows_the_database
from bot.slack.failures import DATABASE_BUSY, DATABASE_UNREACHABLE
from storage.db import Database, DatabaseNotReady
from storage.models import Commitment, Decision
from tests.conftest import SIGNING_SECRET, start_stand_in
from tests.e2e.test_several_processes import free_port, wait_until_healthy
from tests.slack_stand_in.requests import signed_headers

SPEED = 10.0
HEALTH_EVERY = 0.2
TOLD_FAILED = {DATABASE_BUSY, DATABASE_UNREACHABLE}


@dataclass
class Phase:
    name: str
    fault_seconds: float  # how long the fault lasts from the phase's start; 0 for none
    seconds: float  # how long the phase's load runs
    acks: list[float] = field(default_factory=list)
    server_errors: int = 0
    clicks: list[tuple[int, str]] = field(default_factory=list)  # acknowledged (decision, person)
    health: list[tuple[float, int]] = field(default_factory=list)  # (since the start, status)
    fault_ended: float | None = None  # seconds after the phase began

    def line(self, told_by_person: dict[str, bool], stored: set[tuple[int, str]]) -> str:
        told = sum(1 for _, person in self.clicks if told_by_person.get(person))
        lost = sum(1 for c in self.clicks if not told_by_person.get(c[1]) and c not in stored)
        p99 = statistics.quantiles(self.acks, n=100)[98] if len(self.acks) > 1 else 0.0
        late = sum(1 for ms in self.acks if ms > 3000)
        unhealthy = sum(1 for _, status in self.health if status != 200)
        back = ""
        if self.fault_ended is not None:
            healthy_again = [
                t for t, status in self.health if t >= self.fault_ended and status == 200
            ]
            back = (
                f"  healthy {healthy_again[0] - self.fault_ended:.1f} s after"
                if healthy_again
                else "  never healthy"
            )
        return (
            f"{self.name:<24} {len(self.acks):>4} acks  p99 {p99:>6.0f} ms  "
            f"slowest {max(self.acks, default=0):>6.0f} ms  over 3 s {late:>3}  5xx {self.server_errors}  "
            f"told {told:>3}  lost {lost}  /healthz not 200: {unhealthy:>3} of {len(self.health)}{back}"
        )


Fault = Callable[[], Awaitable[Callable[[], Awaitable[None]]]]  # starts it; returns the end


def sqlite_lock(path: Path) -> Fault:
    """Another process's connection holding SQLite's one write lock."""

    async def begin() -> Callable[[], Awaitable[None]]:
        connection = sqlite3.connect(
            path, isolation_level=None, timeout=10, check_same_thread=False
        )
        await asyncio.to_thread(connection.execute, "BEGIN IMMEDIATE")

        async def end() -> None:
            await asyncio.to_thread(connection.execute, "ROLLBACK")
            connection.close()

        return end

    return begin


def _pg_ctl(*arguments: str) -> None:
    as_server_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data = os.environ["TEST_POSTGRES_DATA"]
    command = [*as_server_user, os.environ["TEST_POSTGRES_CTL"], "-D", data, "-w", *arguments]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _durable(url: str) -> None:
    """The test server runs without fsync and with asynchronous commit (tests don't measure
    durability), so a crash would lose commits it had already acknowledged: not what a
    production server does, and not what this benchmark asks of the bot."""
    with psycopg.connect(url, autocommit=True) as connection:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            connection.execute(f"ALTER SYSTEM SET {setting} = on")
        connection.execute("SELECT pg_reload_conf()")


def postgres_stopped(mode: str) -> Fault:
    """The server stopped (`fast`: connections ended, as an operator's restart does;
    `immediate`: as a crash) and started again when the fault ends."""

    async def stop() -> Callable[[], Awaitable[None]]:
        await asyncio.to_thread(_pg_ctl, "-m", mode, "stop")

        async def start() -> None:
            log = Path(os.environ["TEST_POSTGRES_DATA"]) / "server.log"
            await asyncio.to_thread(_pg_ctl, "-l", str(log), "start")

        return start

    return stop


async def _poll_health(ports: list[int], phase: list[Phase], began: list[float]) -> None:
    """/healthz of each process in turn, every HEALTH_EVERY s, into the running phase."""
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        for port in cycle(ports):
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as answer:
                    status = answer.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            phase[-1].health.append((time.monotonic() - began[-1], status))
            await asyncio.sleep(HEALTH_EVERY)


async def run(rate: int) -> None:
    postgres_server = os.environ.get("TEST_DATABASE_URL", "")
    postgres = (
        empty_postgres_database(postgres_server, "decisionbot_dbfaults")
        if postgres_server.startswith("postgresql")
        else None
    )
    stand_in = await start_stand_in(lenient_triggers=True)
    stand_in.lenient_users = True
    folder = Path(tempfile.mkdtemp(prefix="decisionbot-dbfaults-"))
    url = postgres or f"sqlite:///{folder / 'f.db'}"
    if postgres:
        _durable(postgres)
    db = Database(url)
    await db.upgrade()
    load = Load(await record_a_story(stand_in, db), answers_at=stand_in.base_url)
    if postgres:
        processes = 2
        phases = [
            (Phase("calm", 0, 10), None),
            (Phase("stopped for 5 s", 5, 15), postgres_stopped("fast")),
            (Phase("stopped for 30 s", 30, 45), postgres_stopped("fast")),
            (Phase("crashed, restarted", 0.5, 15), postgres_stopped("immediate")),
            (Phase("recovered", 0, 15), None),
        ]
    else:
        processes = 1
        lock = sqlite_lock(folder / "f.db")
        phases = [
            (Phase("calm", 0, 10), None),
            (Phase("locked for 1 s", 1, 8), lock),
            (Phase("locked for 5 s", 5, 12), lock),
            (Phase("locked for 30 s", 30, 40), lock),
            (Phase("recovered", 0, 15), None),
        ]
    ports = [free_port() for _ in range(processes)]
    log = (folder / "server.log").open("wb")
    clock = (REVISIT_DAY, SPEED, time.time())
    servers = [
        await start_bot(stand_in, url, port, log, clock=clock, SCHEDULER_INTERVAL_SECONDS="1")
        for port in ports
    ]
    await wait_until_healthy(ports)
    stored_before = await _stored(db)
    print(
        f"{'SQLite' if not postgres else 'PostgreSQL'}, {processes} process(es), "
        f"{rate} requests a second; before the faults: {len(stored_before[0])} decisions, "
        f"{len(stored_before[1])} commitments"
    )
    balancer = cycle(ports)
    running: list[Phase] = [phases[0][0]]
    began = [time.monotonic()]
    health = asyncio.ensure_future(_poll_health(ports, running, began))
    following = asyncio.ensure_future(_follow_decisions(db, load))
    async with aiohttp.ClientSession() as http:
        pending: set[asyncio.Task[None]] = set()

        async def send(phase: Phase) -> None:
            body, content_type, click = load.next()
            headers = signed_headers(SIGNING_SECRET, body, content_type=content_type)
            events = f"http://127.0.0.1:{next(balancer)}/slack/events"
            sent = time.perf_counter()
            async with http.post(events, data=body.encode(), headers=headers) as answer:
                text = await answer.text()
            phase.acks.append((time.perf_counter() - sent) * 1000)
            phase.server_errors += answer.status >= 500
            if answer.status == 200 and click is not None:
                load.clicks.append(click)
                phase.clicks.append(click)
            elif answer.status == 200 and click is None and not text:
                load.decisions += 1  # the form closed: recorded

        async def fault_then_end(phase: Phase, fault: Fault) -> None:
            end = await fault()
            await asyncio.sleep(max(0.0, phase.fault_seconds - (time.monotonic() - began[-1])))
            await end()
            phase.fault_ended = time.monotonic() - began[-1]

        for phase, fault in phases:
            running.append(phase)
            began.append(time.monotonic())
            faulting = asyncio.ensure_future(fault_then_end(phase, fault)) if fault else None
            ends = began[-1] + phase.seconds
            while time.monotonic() < ends:
                task = asyncio.ensure_future(send(phase))
                pending.add(task)
                task.add_done_callback(pending.discard)
                await asyncio.sleep(1 / rate)
            await asyncio.gather(*pending)
            if faulting is not None:
                await faulting
    health.cancel()
    following.cancel()

    told_by_person = {
        person: any(r.get("text") in TOLD_FAILED for r in answers)
        for person, answers in stand_in.responses_at.items()
    }
    caught_up_after, problems = await until_slack_shows_the_database(db, stand_in, minutes=5)
    decisions_after, commitments_after = await _stored(db)
    for phase, _ in phases:
        print(phase.line(told_by_person, commitments_after))
    lost_before = stored_before[0] - decisions_after
    lost_commitments_before = stored_before[1] - commitments_after
    not_told = [c for c in load.clicks if not told_by_person.get(c[1])]
    lost = [c for c in not_told if c not in commitments_after]
    told_but_stored = [
        c for c in load.clicks if told_by_person.get(c[1]) and c in commitments_after
    ]
    for server in servers:
        server.terminate()
        await server.wait()
    log.close()
    said = (folder / "server.log").read_text(errors="replace")
    print(
        f"stored before the faults and gone after: {len(lost_before)} decisions, "
        f"{len(lost_commitments_before)} commitments"
    )
    print(
        f"acknowledged clicks {len(load.clicks):,}: told it couldn't be saved "
        f"{len(load.clicks) - len(not_told)}, of those stored anyway {len(told_but_stored)}; "
        f"not told, and not stored (lost): {len(lost)}"
    )
    caught = "; ".join(problems[:5]) or "every card posted once and up to date, nothing owed"
    numbers = sorted(d for d, _ in decisions_after if d is not None)
    print(
        f"decisions recorded {load.decisions} (stored {len(numbers)}, numbered up to "
        f"{numbers[-1] if numbers else 0}); {caught_up_after:.0f} s after the load: {caught}"
    )
    print(f"tracebacks in the servers' log: {said.count('Traceback')}")
    await db.close()
    await stand_in.stop()


async def _follow_decisions(db: Database, load: Load) -> None:
    """Keeps the clicks on decisions that are stored, as people click the cards they see."""
    while True:
        with contextlib.suppress(DatabaseNotReady):
            load.decision_ids = await db.read(
                lambda s: [d.id for d in s.exec(select(Decision)) if d.id is not None]
            )
        await asyncio.sleep(1)


async def _stored(
    db: Database,
) -> tuple[set[tuple[int | None, str]], set[tuple[int, str]]]:
    decisions = await db.read(lambda s: {(d.id, d.title) for d in s.exec(select(Decision))})
    commitments = await db.read(
        lambda s: {(c.decision_id, c.user_id) for c in s.exec(select(Commitment))}
    )
    return decisions, commitments


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=int, default=10, help="requests a second")
    args = parser.parse_args()
    asyncio.run(run(args.rate))


if __name__ == "__main__":
    main()
