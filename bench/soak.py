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
Python's allocator holds); at the end, whether every card was posted and shows its
commitments.

    .venv/bin/python -m bench.soak [--minutes 10] [--rate 20]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlmodel import col, select

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


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.glob("s.db*")) / 1024 / 1024


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


async def run(minutes: float, rate: int) -> None:
    stand_in = await start_stand_in(lenient_triggers=True)
    stand_in.lenient_users = True
    for channel in CHANNELS:
        stand_in.add_channel(channel)
    folder = Path(tempfile.mkdtemp(prefix="decisionbot-soak-"))
    url = f"sqlite:///{folder / 's.db'}"
    db = Database(url)
    await db.upgrade()
    mix = Mix(await record_a_story(stand_in, db))
    await db.close()
    port = free_port()
    log = (folder / "server.log").open("wb")
    memory = folder / "memory.jsonl"
    server = await start_bot(stand_in, url, port, log, memory_to=memory)
    events = f"http://127.0.0.1:{port}/slack/events"
    await wait_until_healthy([port])
    print(f"{rate} requests a second for {minutes:g} minutes; mix {', '.join(sorted(set(MIX)))}")
    print(
        "minute  RSS MB  DB MB  ack p50 ms  ack p99 ms  healthz ms  errors"
        "  SQLite MB  malloc MB used/free  Python k blocks"
    )
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        pending: set[asyncio.Task[None]] = set()

        async def send(kind: str, into: Minute) -> None:
            body, content_type = mix.body(kind)
            headers = signed_headers(SIGNING_SECRET, body, content_type=content_type)
            sent = time.perf_counter()
            async with http.post(events, data=body.encode(), headers=headers) as answer:
                await answer.read()
                into.acks.append((time.perf_counter() - sent) * 1000)
                into.errors += answer.status >= 400

        async def health(into: Minute) -> None:
            sent = time.perf_counter()
            async with http.get(f"http://127.0.0.1:{port}/healthz") as answer:
                await answer.read()
            into.lag.append((time.perf_counter() - sent) * 1000)

        n = 0
        for minute in range(1, int(minutes) + 1):
            this = Minute()
            while time.monotonic() < started + minute * 60:
                for _ in range(rate):  # open loop: a second's requests go out, answered or not
                    task = asyncio.ensure_future(send(MIX[n % len(MIX)], this))
                    pending.add(task)
                    task.add_done_callback(pending.discard)
                    n += 1
                    await asyncio.sleep(1 / rate)
                await health(this)
            await asyncio.gather(*pending)
            where = json.loads(memory.read_text().splitlines()[-1])
            print(
                f"{minute:>6}  {where['rss']:>6.0f}  {_size_mb(folder):>5.1f}  "
                f"{statistics.median(this.acks):>10.1f}  {this.p99():>10.1f}  "
                f"{max(this.lag):>10.1f}  {this.errors:>6}  {where['sqlite']:>9.1f}  "
                f"{where['malloc_in_use']:>10.1f}/{where['malloc_free']:<7.1f}  "
                f"{where['python_blocks']:>15.0f}",
                flush=True,
            )
    behind, waited = await _cards_behind(url)
    print(f"{waited:.0f} s after the load: {behind or 'every card posted and up to date'}")
    server.terminate()
    await server.wait()
    log.close()
    said = (folder / "server.log").read_text(errors="replace")
    print(f"tracebacks in the server's log: {said.count('Traceback')}")
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
    args = parser.parse_args()
    asyncio.run(run(args.minutes, args.rate))


if __name__ == "__main__":
    main()
