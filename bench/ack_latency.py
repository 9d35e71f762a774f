"""How fast decisionbot acknowledges commit clicks, beside a bare Bolt app that only acks.

Starts on loopback: the stand-in Slack, a bare Bolt app, and `decisionbot serve` on SQLite
(one process) and on PostgreSQL (one process, then two behind a round-robin balancer). Then
sends signed commit clicks, each by a new person (so each is a real write), at fixed rates,
open loop: each request goes out at its scheduled time whether or not earlier ones were
answered, and its latency counts from that scheduled time. The targets take turns at each
rate and each climbs until its p99 passes 100 ms. Prints p50 and p99 per rate, the highest
rate held, each bot process's CPU per click, and the goals (a floor, not a race):

- commit clicks on one process hold at least a third of the bare app's rate;
- their p99 is within 3x the bare app's at 100/s and 200/s;
- two processes on PostgreSQL hold at least 1.25x one process.

    make bench     # starts a throwaway PostgreSQL (tests/with_postgres.sh), then runs this
    .venv/bin/python -m bench.ack_latency [--seconds 3]   # PostgreSQL from TEST_DATABASE_URL
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bench.databases import bench_databases
from bot.services.decisions import DecisionDraft, mark_card_posted, record_decision
from bot.ui.card import build_decision_card
from storage.db import Database
from tests.slack_stand_in.requests import FORM, signed_headers

SECRET = "bench-signing-secret"
TOKEN = "xoxb-stand-in-token"
TEAM = "T0BENCH"
CHANNEL = "C0BENCH"
DECISIONS = 50
RATES = [25, 50, 100, 200, 300, 400, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000]
P99_LIMIT_MS = 100.0
ROOT = Path(__file__).resolve().parents[1]
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


@dataclass
class Step:
    rate: int
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us_per_click: list[float] = field(default_factory=list)  # each bot process's

    @property
    def held(self) -> bool:
        return self.errors == 0 and self.p99_ms < P99_LIMIT_MS


@dataclass
class Target:
    name: str
    ports: list[int]
    processes: list[subprocess.Popen[bytes]]
    steps: list[Step] = field(default_factory=list)

    @property
    def climbing(self) -> bool:
        return not self.steps or self.steps[-1].held

    @property
    def highest_held(self) -> int:
        return max((s.rate for s in self.steps if s.held), default=0)

    def at(self, rate: int) -> Step | None:
        return next((s for s in self.steps if s.rate == rate), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(args: list[str], env: dict[str, str], **options: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env}, **options)  # type: ignore[call-overload, no-any-return]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND  # utime + stime


async def wait_healthy(port: int) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"nothing healthy on port {port}")


async def seed(database_url: str, api_url: str, now: datetime | None = None) -> None:
    """Decisions whose cards exist in the stand-in, so commit clicks do the full work."""
    db = Database(database_url)
    await db.upgrade()
    client = AsyncWebClient(token=TOKEN, base_url=api_url)
    now = now or datetime.now(UTC)
    for i in range(DECISIONS):
        draft = DecisionDraft(
            team_id=TEAM,
            channel_id=CHANNEL,
            recorder_id="U0DECIDER",
            decider_id="U0DECIDER",
            title=f"Decision {i}",
            what_and_why="Because the benchmark needs one.",
            stakeholder_ids=[f"U0ASKED{j}" for j in range(5)],
            type_choice="type1",
        )
        record = (await record_decision(db, draft=draft, now=now)).record
        card = build_decision_card(record)
        posted = await client.chat_postMessage(channel=CHANNEL, text=card.text, blocks=card.blocks)
        await mark_card_posted(
            db, team_id=TEAM, decision_id=record.id, message_ts=posted["ts"], now=now
        )
    await db.close()


def commit_clicks(response_url: str) -> Callable[[], str]:
    """A click by a new person each time, across every step."""
    clicks = itertools.count()

    def body() -> str:
        i = next(clicks)
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "bench"},
            "user": {"id": f"U{i:08d}", "username": "u", "name": "u", "team_id": TEAM},
            "api_app_id": "A0BENCH",
            "token": "legacy",
            "trigger_id": f"{i}.bench",
            "container": {"type": "message", "message_ts": "1.1", "channel_id": CHANNEL},
            "channel": {"id": CHANNEL, "name": "bench"},
            "response_url": response_url,
            "actions": [
                {
                    "action_id": "commit_agree",
                    "block_id": "commit_actions",
                    "type": "button",
                    "value": str(i % DECISIONS + 1),
                    "action_ts": "1.1",
                }
            ],
        }
        return urlencode({"payload": json.dumps(payload)})

    return body


async def run_step(target: Target, make_body: Callable[[], str], rate: int, seconds: float) -> Step:
    """Sends rate*seconds clicks on a fixed schedule, round robin over the target's ports."""
    loop = asyncio.get_running_loop()
    count = int(rate * seconds)
    bodies = [make_body() for _ in range(count)]
    headers = [signed_headers(SECRET, body, content_type=FORM) for body in bodies]
    urls = [f"http://127.0.0.1:{port}/slack/events" for port in target.ports]
    latencies: list[float] = []
    errors = 0
    cpu_before = [cpu_seconds(p.pid) for p in target.processes]
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=10)
    ) as session:
        begin = loop.time() + 0.2

        async def one(i: int) -> None:
            nonlocal errors
            scheduled = begin + i / rate
            await asyncio.sleep(max(0.0, scheduled - loop.time()))
            try:
                async with session.post(
                    urls[i % len(urls)], data=bodies[i], headers=headers[i]
                ) as response:
                    await response.read()
                    errors += response.status != 200
            except (aiohttp.ClientError, TimeoutError):
                errors += 1
            latencies.append((loop.time() - scheduled) * 1000)

        await asyncio.gather(*(one(i) for i in range(count)))
    cpu = [
        (cpu_seconds(p.pid) - before) * 1e6 / count * len(target.processes)
        for p, before in zip(target.processes, cpu_before, strict=True)
    ]
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return Step(rate, statistics.median(latencies), p99, errors, cpu)


def describe(step: Step) -> str:
    cpu = " + ".join(f"{us:.0f}" for us in step.cpu_us_per_click)
    return f"p50 {step.p50_ms:7.1f} ms  p99 {step.p99_ms:7.1f} ms  errors {step.errors:>4}" + (
        f"  CPU {cpu} µs/click" if cpu else ""
    )


def verdicts(targets: dict[str, Target]) -> list[str]:
    bare = targets["bare Bolt app, ack only"]
    lines = []
    for name in ("SQLite, 1 process", "PostgreSQL, 1 process"):
        if name not in targets:
            continue
        clicks = targets[name]
        third = clicks.highest_held * 3 >= bare.highest_held
        lines.append(
            f"{name}: holds {clicks.highest_held}/s against the bare app's "
            f"{bare.highest_held}/s ({clicks.highest_held / max(bare.highest_held, 1):.0%}); "
            f"a third or more: {'met' if third else 'NOT met'}"
        )
        for rate in (100, 200):
            ours, theirs = clicks.at(rate), bare.at(rate)
            if ours is None or theirs is None:
                lines.append(f"{name}: no step at {rate}/s: NOT met")
                continue
            ratio = ours.p99_ms / theirs.p99_ms
            lines.append(
                f"{name}: p99 at {rate}/s {ours.p99_ms:.1f} ms against {theirs.p99_ms:.1f} ms "
                f"({ratio:.2f}x); within 3x: {'met' if ours.held and ratio <= 3 else 'NOT met'}"
            )
    one, two = targets.get("PostgreSQL, 1 process"), targets.get("PostgreSQL, 2 processes")
    if one and two:
        gain = two.highest_held / max(one.highest_held, 1)
        lines.append(
            f"PostgreSQL: 2 processes hold {two.highest_held}/s, 1 holds {one.highest_held}/s "
            f"({gain:.2f}x); 1.25x or more: {'met' if gain >= 1.25 else 'NOT met'}"
        )
    return lines


async def main_async(seconds: float) -> None:
    stand_in = start(
        [
            sys.executable,
            "-m",
            "tests.slack_stand_in",
            "--token",
            TOKEN,
            "--channel",
            CHANNEL,
            "--lenient-triggers",
        ],
        {},
        stdout=subprocess.PIPE,
    )
    assert stand_in.stdout is not None
    base_url = stand_in.stdout.readline().decode().strip()
    api_url = base_url + "/api/"
    common = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "LOG_LEVEL": "WARNING",
    }
    databases = bench_databases("ack")

    targets: dict[str, Target] = {}
    port = free_port()
    bare = start([sys.executable, "-m", "bench.bare_app"], {**common, "PORT": str(port)})
    targets["bare Bolt app, ack only"] = Target("bare Bolt app, ack only", [port], [bare])
    layouts = [("SQLite", 1), ("PostgreSQL", 1), ("PostgreSQL", 2)]
    for database, count in layouts:
        if database not in databases:
            continue
        if count == 1:  # the two-process target shares the one-process target's database
            await seed(databases[database], api_url)
        ports = [free_port() for _ in range(count)]
        bots = [
            start(
                [sys.executable, "-m", "bot", "serve"],
                {**common, "PORT": str(p), "DATABASE_URL": databases[database]},
            )
            for p in ports
        ]
        name = f"{database}, {count} process{'es' if count > 1 else ''}"
        targets[name] = Target(name, ports, bots)
    everyone = [p for t in targets.values() for p in t.processes]
    try:
        for target in targets.values():
            for p in target.ports:
                await wait_healthy(p)
        click = commit_clicks(base_url + "/response/bench")
        print(f"Open loop, {seconds:g} s per rate, p99 limit {P99_LIMIT_MS:g} ms")
        for rate in RATES:
            climbing = [t for t in targets.values() if t.climbing]
            if not climbing:
                break
            for target in climbing:
                step = await run_step(target, click, rate, seconds)
                target.steps.append(step)
                print(f"  {target.name:<26} {rate:>5}/s  {describe(step)}", flush=True)
                await asyncio.sleep(1.0)  # let the card redraws of the step go out
        print("\nHighest rate held with p99 under 100 ms and no errors:")
        for target in targets.values():
            print(f"  {target.name:<26} {target.highest_held:>5}/s")
        print("\nGoals (a floor, not a race):")
        for line in verdicts(targets):
            print(f"  {line}")
    finally:
        for process in everyone:
            process.terminate()
        for process in everyone:
            process.wait(timeout=30)
        stand_in.terminate()
        stand_in.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="how long each rate is held")
    args = parser.parse_args()
    asyncio.run(main_async(args.seconds))


if __name__ == "__main__":
    main()
