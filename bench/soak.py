"""A soak: `decisionbot serve` under a steady, realistic mix for minutes on end, watched for
growth that doesn't stop.

The mix, of each 40 requests: commitment clicks by people who haven't committed yet, on
one of the latest five decisions (16), Home tab opens (10), `/decide show` (8), `/decide`
opening the form (5) and a form submission recording a new decision in one of 50 channels
(1), by the 10,000 people of the workspace in turn, each a member of every channel. That is
a decision every 2 s and 8 clicks a second at the default rate: a very busy workspace that
still asks Slack for no more than Slack allows (a post a second per channel, about 50 card
updates a minute per workspace). A load that asks for more measures how many cards wait for
Slack, not the bot: see BENCHMARKS.md. Every minute it prints the server's memory (RSS), the
database's size, acks' p50 and p99, and how long `/healthz` takes (the event loop's lag as
seen from outside: it waits behind whatever the loop is doing), and where the memory is
(`bench.memory_probe`: SQLite's own, glibc's heap in use and kept free, and the blocks
Python's allocator holds), and how many full garbage collections ran in the minute and how
long the longest took (the whole process waits for one); at the end, whether every card was
posted and shows its commitments.

With `--processes N`, N `decisionbot serve` processes share the database and take the
requests in turn, as behind a load balancer; each figure that is per process is printed for
each, separated by ",". `--postgresql` runs on a fresh database on the server named by
TEST_DATABASE_URL (`tests/with_postgres.sh` starts one) instead of a SQLite file.

    .venv/bin/python -m bench.soak [--minutes 10] [--rate 20] [--processes 1]
    tests/with_postgres.sh .venv/bin/python -m bench.soak --postgresql --processes 3
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlmodel import col, select

from bench.databases import empty_postgres_database
from bench.fuzz_http import record_a_story
from bench.serving import start_bot
from bot.ids import Action
from storage.db import Database
from storage.models import CardDraw, Decision
from tests.conftest import SIGNING_SECRET, start_stand_in
from tests.e2e.test_several_processes import free_port, wait_until_healthy
from tests.fuzzing import as_body
from tests.slack_stand_in.requests import signed_headers

# Of each 40 requests: what they are (see above).
MIX = ("click",) * 16 + ("home",) * 10 + ("show",) * 8 + ("decide",) * 5 + ("submit",)
CHANNELS = [f"CSOAK{n:03d}" for n in range(50)]
ACTIVE = 5  # the latest decisions, the ones people are committing to
# People take turns, so a decision's few seconds among the latest five see no one twice. A
# workspace has only so many people: with a new person for every request, each channel's members
# (which the bot reads from Slack and keeps for a minute) grew by tens of thousands an hour.
PEOPLE = 10_000


def _database_url(folder: Path, postgresql: bool) -> str:
    if not postgresql:
        return f"sqlite:///{folder / 's.db'}"
    server = os.environ.get("TEST_DATABASE_URL", "")
    if not server.startswith("postgresql"):
        raise SystemExit("--postgresql needs TEST_DATABASE_URL: run under tests/with_postgres.sh")
    return empty_postgres_database(server, "decisionbot_soak")


async def _size_mb(db: Database, folder: Path) -> float:
    if db.dialect == "postgresql":
        size = await db.read(
            lambda s: s.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        )
        return float(size) / 1024 / 1024
    return _files_mb(folder)


def _files_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.glob("s.db*")) / 1024 / 1024


def _this_minute(memory: Path, seen: dict[Path, int]) -> dict[str, float]:
    """The process's latest memory sample, with its full collections counted since the
    minute before (and the longest of them)."""
    lines = memory.read_text().splitlines()
    samples = [json.loads(line) for line in lines[seen.get(memory, 0) :]]
    seen[memory] = len(lines)
    return {
        **samples[-1],
        "full_gcs": sum(sample["full_gcs"] for sample in samples),
        "full_gc_ms": max(sample["full_gc_ms"] for sample in samples),
    }


def _each(samples: list[dict[str, float]], figure: str) -> str:
    """`figure` formatted with each process's memory sample, "," between processes."""
    return ",".join(figure.format(**sample) for sample in samples)


@dataclass
class Minute:
    acks: list[float] = field(default_factory=list)  # ms from sending to the answer
    lag: list[float] = field(default_factory=list)  # ms /healthz took
    errors: int = 0

    def p99(self) -> float:
        return statistics.quantiles(self.acks, n=100)[98] if len(self.acks) > 1 else 0.0


class Mix:
    """Bodies for each kind of request, the workspace's people in turn (and each form a new
    one), so each click is a real write."""

    def __init__(self, seeds: list[tuple[str, dict[str, Any]]]) -> None:
        self._seeds = seeds
        self._n = 0
        self._submitted = 0
        self._rng = random.Random(1)

    def _payload(self, test: Any) -> dict[str, Any]:
        return copy.deepcopy(next(payload for kind, payload in self._seeds if test(kind, payload)))

    def body(self, kind: str) -> tuple[str, str]:
        self._n += 1
        person = f"U{self._n % PEOPLE:09d}"
        if kind == "click":
            payload = self._payload(
                lambda k, p: (
                    p.get("type") == "block_actions"
                    and p["actions"][0]["action_id"] == Action.COMMIT_AGREE
                )
            )
            payload["user"]["id"] = person
            # On one of the latest decisions (the seed's, then the submissions'), as people
            # commit to what was just decided rather than thousands to one.
            newest = max(1, self._submitted)  # the one submitted last may not be stored yet
            decision = str(self._rng.randint(max(1, newest - ACTIVE + 1), newest))
            payload["actions"][0]["value"] = decision
            return as_body("interactive", payload)
        if kind == "submit":
            self._submitted += 1
            payload = self._payload(lambda k, p: p.get("type") == "view_submission")
            payload["view"]["id"] = f"VSOAK{self._n:08d}"  # a new form each time
            origin = json.loads(payload["view"]["private_metadata"])
            origin["channel_id"] = CHANNELS[self._submitted % len(CHANNELS)]
            payload["view"]["private_metadata"] = json.dumps(origin)
            return as_body("interactive", payload)
        if kind == "home":
            payload = self._payload(lambda k, p: k == "event")
            payload["event"]["user"] = person
            return as_body("event", payload)
        payload = self._payload(lambda k, p: k == "command")
        payload["text"] = "show 1" if kind == "show" else ""
        payload["user_id"] = person
        return as_body("command", payload)


async def run(minutes: float, rate: int, processes: int, postgresql: bool) -> None:
    stand_in = await start_stand_in(lenient_triggers=True)
    stand_in.lenient_users = True
    for channel in CHANNELS:
        stand_in.add_channel(channel)
    folder = Path(tempfile.mkdtemp(prefix="decisionbot-soak-"))
    url = _database_url(folder, postgresql)
    db = Database(url)
    await db.upgrade()
    mix = Mix(await record_a_story(stand_in, db))
    ports = [free_port() for _ in range(processes)]
    logs = [(folder / f"server{i}.log").open("wb") for i in range(processes)]
    memories = [folder / f"memory{i}.jsonl" for i in range(processes)]
    servers = [
        await start_bot(stand_in, url, port, log, memory_to=memory)
        for port, log, memory in zip(ports, logs, memories, strict=True)
    ]
    events = [f"http://127.0.0.1:{port}/slack/events" for port in ports]
    await wait_until_healthy(ports)
    print(
        f"{rate} requests a second for {minutes:g} minutes on {db.dialect}, "
        f"{processes} process{'es' if processes > 1 else ''}; mix {', '.join(sorted(set(MIX)))}"
    )
    print(
        "minute  RSS MB  DB MB  ack p50 ms  ack p99 ms  healthz ms  errors"
        "  SQLite MB  malloc MB used/free  Python k blocks  full GCs/ms"
    )
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        pending: set[asyncio.Task[None]] = set()

        async def send(kind: str, to: str, into: Minute) -> None:
            body, content_type = mix.body(kind)
            headers = signed_headers(SIGNING_SECRET, body, content_type=content_type)
            sent = time.perf_counter()
            async with http.post(to, data=body.encode(), headers=headers) as answer:
                await answer.read()
                into.acks.append((time.perf_counter() - sent) * 1000)
                into.errors += answer.status >= 400

        async def health(port: int, into: Minute) -> None:
            sent = time.perf_counter()
            async with http.get(f"http://127.0.0.1:{port}/healthz") as answer:
                await answer.read()
            into.lag.append((time.perf_counter() - sent) * 1000)

        n = 0
        seen: dict[Path, int] = {}  # memory samples read so far, per process
        for minute in range(1, int(minutes) + 1):
            this = Minute()
            while time.monotonic() < started + minute * 60:
                for _ in range(rate):  # open loop: a second's requests go out, answered or not
                    to = events[n % len(events)]  # round robin, as a load balancer would
                    task = asyncio.ensure_future(send(MIX[n % len(MIX)], to, this))
                    pending.add(task)
                    task.add_done_callback(pending.discard)
                    n += 1
                    await asyncio.sleep(1 / rate)
                for port in ports:
                    await health(port, this)
            await asyncio.gather(*pending)
            where = [_this_minute(m, seen) for m in memories]
            print(
                f"{minute:>6}  {_each(where, '{rss:.0f}'):>6}  "
                f"{await _size_mb(db, folder):>5.1f}  "
                f"{statistics.median(this.acks):>10.1f}  {this.p99():>10.1f}  "
                f"{max(this.lag):>10.1f}  {this.errors:>6}  {_each(where, '{sqlite:.1f}'):>9}  "
                f"{_each(where, '{malloc_in_use:.1f}/{malloc_free:.1f}'):>18}  "
                f"{_each(where, '{python_blocks:.0f}'):>15}  "
                f"{_each(where, '{full_gcs}/{full_gc_ms:.0f}'):>12}",
                flush=True,
            )
    await db.close()
    behind, waited = await _cards_behind(url)
    print(f"{waited:.0f} s after the load: {behind or 'every card posted and up to date'}")
    for server in servers:
        server.terminate()
        await server.wait()
    tracebacks = 0
    for i, log in enumerate(logs):
        log.close()
        tracebacks += (folder / f"server{i}.log").read_text(errors="replace").count("Traceback")
    print(f"tracebacks in the servers' logs: {tracebacks}")
    await stand_in.stop()


async def _cards_behind(url: str) -> tuple[str, float]:
    """Waits (up to 3 minutes) for every card to be posted and drawn as stored."""
    db = Database(url)
    started = time.monotonic()
    try:
        for _ in range(90):
            unposted = await db.read(
                lambda s: len(
                    s.exec(select(Decision).where(col(Decision.message_ts).is_(None))).all()
                )
            )
            owed = await db.read(
                lambda s: len(
                    s.exec(select(CardDraw).where(col(CardDraw.drawn) < col(CardDraw.wanted))).all()
                )
            )
            if not unposted and not owed:
                return "", time.monotonic() - started
            await asyncio.sleep(2)
        return f"{unposted} cards not posted, {owed} behind", time.monotonic() - started
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=int, default=20)
    parser.add_argument("--processes", type=int, default=1, help="bot processes, in turn")
    parser.add_argument(
        "--postgresql", action="store_true", help="on TEST_DATABASE_URL's server, not SQLite"
    )
    args = parser.parse_args()
    asyncio.run(run(args.minutes, args.rate, args.processes, args.postgresql))


if __name__ == "__main__":
    main()
