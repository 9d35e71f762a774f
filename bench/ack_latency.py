"""How fast decisionbot acknowledges Slack, beside a bare Bolt app that only acks.

Starts three processes on loopback: the stand-in Slack, `decisionbot serve` (SQLite) and
the bare app. Then sends signed requests at fixed rates, open loop: each request goes out
at its scheduled time whether or not earlier ones were answered, and its latency counts
from that scheduled time. Prints p50 and p99 per rate and the highest rate held with
p99 under 100 ms.

    make bench            # or: .venv/bin/python -m bench.ack_latency [--seconds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.decisions import DecisionDraft, mark_card_posted, record_decision
from bot.ui.card import build_decision_card
from storage.db import Database
from tests.slack_stand_in.requests import FORM, signed_headers

SECRET = "bench-signing-secret"
TOKEN = "xoxb-stand-in-token"
TEAM = "T0BENCH"
CHANNEL = "C0BENCH"
DECISIONS = 50
RATES = [
    25,
    50,
    100,
    200,
    400,
    600,
    800,
    1000,
    1100,
    1200,
    1300,
    1400,
    1500,
    1750,
    2000,
    2250,
    2500,
    2750,
    3000,
    3500,
]
P99_LIMIT_MS = 100.0
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Step:
    target: str
    rate: int
    p50_ms: float
    p99_ms: float
    errors: int
    sent: int
    p99_each_ms: tuple[float, ...] = ()  # each pass's p99, when this is their median

    @property
    def held(self) -> bool:
        return self.errors == 0 and self.p99_ms < P99_LIMIT_MS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    args: list[str], env: dict[str, str], *, stdout: int | None = None
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env}, stdout=stdout)


async def wait_healthy(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


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


def commit_click(response_url: str) -> Callable[[int], str]:
    """A click by a new person each time, across every step (so each is a real write)."""
    clicks = itertools.count()

    def body(_i: int) -> str:
        i = next(clicks)
        decision_id = i % DECISIONS + 1
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "bench"},
            "user": {"id": f"U{i:08d}", "username": "u", "name": "u", "team_id": TEAM},
            "api_app_id": "A0BENCH",
            "token": "legacy",
            "trigger_id": f"{i}.bench",
            "container": {
                "type": "message",
                "message_ts": "1.1",
                "channel_id": CHANNEL,
                "is_ephemeral": False,
            },
            "channel": {"id": CHANNEL, "name": "bench"},
            "response_url": response_url,
            "actions": [
                {
                    "action_id": "commit_agree",
                    "block_id": "commit_actions",
                    "type": "button",
                    "value": str(decision_id),
                    "action_ts": "1.1",
                }
            ],
        }
        return urlencode({"payload": json.dumps(payload)})

    return body


def decide_command(response_url: str) -> Callable[[int], str]:
    def body(i: int) -> str:
        return urlencode(
            {
                "token": "legacy",
                "team_id": TEAM,
                "team_domain": "bench",
                "channel_id": CHANNEL,
                "channel_name": "bench",
                "user_id": f"U{i:08d}",
                "user_name": "u",
                "command": "/decide",
                "text": f"Decision {i}",
                "api_app_id": "A0BENCH",
                "response_url": response_url,
                "trigger_id": f"{i}.bench",
            }
        )

    return body


@contextmanager
def no_collector_pauses() -> Iterator[None]:
    """The load generator's own garbage collection off while it sends, so that its pauses
    (40-50 ms for a full collection, measured) are not counted as the server's latency."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def run_step(
    url: str, make_body: Callable[[int], str], rate: int, seconds: float, target: str
) -> Step:
    """Sends rate*seconds requests on a fixed schedule; latency counts from the scheduled time.

    Bodies are built and signed beforehand, so the load generator's CPU during the step (on a
    machine the server shares) goes to sending and reading only.
    """
    loop = asyncio.get_running_loop()
    count = int(rate * seconds)
    bodies = [make_body(i) for i in range(count)]
    headers = [signed_headers(SECRET, body, content_type=FORM) for body in bodies]
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        begin = loop.time() + 0.2

        async def one(i: int) -> None:
            nonlocal errors
            scheduled = begin + i / rate
            await asyncio.sleep(max(0.0, scheduled - loop.time()))
            try:
                async with session.post(url, data=bodies[i], headers=headers[i]) as r:
                    await r.read()
                    if r.status != 200:
                        errors += 1
            except (aiohttp.ClientError, TimeoutError):
                errors += 1
            latencies.append((loop.time() - scheduled) * 1000)

        with no_collector_pauses():
            await asyncio.gather(*(one(i) for i in range(count)))
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return Step(target, rate, statistics.median(latencies), p99, errors, count)


async def measure(
    target: str, url: str, make_body: Callable[[int], str], seconds: float
) -> list[Step]:
    steps: list[Step] = []
    for rate in RATES:
        step = await run_step(url, make_body, rate, seconds, target)
        steps.append(step)
        print(f"  {target:<34} {rate:>6}/s  {describe(step)}", flush=True)
        await asyncio.sleep(1.0)  # let follow-ups finish before the next step
        if not step.held:
            break
    return steps


def median_of(steps: list[Step], passes: int) -> Step:
    """One figure for a rate's passes: the median p50 and p99, every error counted.

    A pass that stopped below this rate counts as one that did not hold it.
    """
    missed = passes - len(steps)
    p99s = sorted([s.p99_ms for s in steps] + [math.inf] * missed)
    p50s = sorted([s.p50_ms for s in steps] + [math.inf] * missed)
    return Step(
        steps[0].target,
        steps[0].rate,
        statistics.median(p50s),
        statistics.median(p99s),
        sum(s.errors for s in steps),
        sum(s.sent for s in steps),
        tuple(s.p99_ms for s in steps),
    )


def spread(step: Step) -> str:
    each = step.p99_each_ms
    return f"(passes {min(each):.1f}–{max(each):.1f})" if len(each) > 1 else ""


async def measure_in_passes(
    targets: dict[str, tuple[str, Callable[[int], str]]], seconds: float, passes: int
) -> dict[str, list[Step]]:
    """The targets take turns at each rate, rising until each fails two rates in a row; all of
    it `passes` times over. Each rate's figure is the median of its passes, and a target's
    results end at the first rate whose median did not hold.

    Passes, not repeats back to back, because this machine has slow spells of several seconds:
    three repeats in a row could all fall in one, and decide a rate's median. Two failures in a
    row, because one can be such a spell; past its highest rate a target fails every rate.
    """
    runs: dict[str, dict[int, list[Step]]] = {target: {} for target in targets}
    for number in range(1, passes + 1):
        print(f"pass {number} of {passes}", flush=True)
        failed_last = {target: False for target in targets}
        for rate in RATES:
            for target in list(failed_last):
                url, make_body = targets[target]
                step = await run_step(url, make_body, rate, seconds, target)
                runs[target].setdefault(rate, []).append(step)
                print(f"  {target:<34} {rate:>6}/s  {describe(step)}", flush=True)
                await asyncio.sleep(1.0)  # let follow-ups finish before the next step
                if step.held:
                    failed_last[target] = False
                elif failed_last[target]:
                    del failed_last[target]  # the second failure in a row: it stops rising
                else:
                    failed_last[target] = True
            if not failed_last:
                break
    results: dict[str, list[Step]] = {}
    for target, by_rate in runs.items():
        results[target] = []
        for rate in RATES:
            if rate not in by_rate:
                break
            step = median_of(by_rate[rate], passes)
            results[target].append(step)
            if not step.held:
                break
    return results


def describe(step: Step) -> str:
    return (
        f"p50 {step.p50_ms:7.1f} ms  p99 {step.p99_ms:7.1f} ms  errors {step.errors}"
        f"  {spread(step)}"
    )


def highest_held(steps: list[Step]) -> int:
    held = [s.rate for s in steps if s.held]
    return max(held) if held else 0


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def main_async(seconds: float, passes: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="decisionbot-bench-"))
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
    database_url = f"sqlite:///{workdir / 'bench.db'}"
    await seed(database_url, api_url)

    bot_port, bare_port = free_port(), free_port()
    common = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "LOG_LEVEL": "WARNING",
    }
    bot = start(
        [sys.executable, "-m", "bot", "serve"],
        {**common, "PORT": str(bot_port), "DATABASE_URL": database_url},
    )
    bare = start([sys.executable, "-m", "bench.bare_app"], {**common, "PORT": str(bare_port)})
    try:
        await wait_healthy(f"http://127.0.0.1:{bot_port}/healthz")
        await wait_healthy(f"http://127.0.0.1:{bare_port}/healthz")
        response_url = base_url + "/response/bench"
        print(
            f"Open loop, {seconds:g} s per rate, p99 limit {P99_LIMIT_MS:g} ms, SQLite at {workdir}"
        )
        bot_url = f"http://127.0.0.1:{bot_port}/slack/events"
        # Before the clicks, whose paced card redraws go on for a minute after them.
        decide_steps = await measure(
            "decisionbot /decide", bot_url, decide_command(response_url), seconds
        )
        print(f"\nCommit clicks and the bare app in turns, {passes} passes:")
        results = await measure_in_passes(
            {
                "bare Bolt app, ack only": (
                    f"http://127.0.0.1:{bare_port}/slack/events",
                    commit_click(response_url),
                ),
                "decisionbot commit click": (bot_url, commit_click(response_url)),
            },
            seconds,
            passes,
        )
        print(f"\nMedians of the {passes} passes:")
        for target, steps in results.items():
            for step in steps:
                print(f"  {target:<34} {step.rate:>6}/s  {describe(step)}")
        results["decisionbot /decide"] = decide_steps
        print("\nHighest rate held with p99 under 100 ms (no errors):")
        for target, steps in results.items():
            print(f"  {target:<34} {highest_held(steps):>6}/s")
        bare_steps = {s.rate: s for s in results["bare Bolt app, ack only"]}
        bare_held = highest_held(results["bare Bolt app, ack only"])
        commit_held = highest_held(results["decisionbot commit click"])
        print(
            f"\ngoal, commit clicks hold at least half the bare app's rate: "
            f"{commit_held}/s against {bare_held}/s ({commit_held / max(bare_held, 1):.0%}), "
            f"{'met' if commit_held * 2 >= bare_held else 'NOT met'}"
        )
        print("\ncommit click p99 / bare p99 at the same rate (medians):")
        within_up_to = 0  # the highest rate with the clicks' p99 within 3x, there and below
        still_within = True
        for step in results["decisionbot commit click"]:
            if step.rate in bare_steps and step.held and bare_steps[step.rate].held:
                ratio = step.p99_ms / bare_steps[step.rate].p99_ms
                still_within = still_within and ratio <= 3
                if still_within:
                    within_up_to = step.rate
                print(f"  {step.rate:>6}/s  {ratio:5.2f}x")
        print(
            "goal, commit clicks hold half the bare app's rate with p99 within 3x its p99: "
            f"within 3x up to {within_up_to}/s, half the bare app's rate is {bare_held / 2:g}/s, "
            f"{'met' if within_up_to * 2 >= bare_held else 'NOT met'}"
        )
        print(
            f"\npeak memory: decisionbot {peak_rss_mb(bot.pid):.0f} MB, bare app {peak_rss_mb(bare.pid):.0f} MB"
        )
    finally:
        # Slack (the stand-in) goes last, so the bot can finish or cut short its follow-ups.
        for process in (bot, bare):
            process.terminate()
        for process in (bot, bare):
            process.wait(timeout=30)
        stand_in.terminate()
        stand_in.wait(timeout=15)


async def clicks_at(rate: int, seconds: float, repeat: int) -> None:
    """Commit clicks at one rate, step after step, on one bot: the spread of p99 across runs."""
    workdir = Path(tempfile.mkdtemp(prefix="decisionbot-bench-"))
    stand_in = start(
        [sys.executable, "-m", "tests.slack_stand_in", "--token", TOKEN, "--channel", CHANNEL],
        {},
        stdout=subprocess.PIPE,
    )
    assert stand_in.stdout is not None
    base_url = stand_in.stdout.readline().decode().strip()
    database_url = f"sqlite:///{workdir / 'bench.db'}"
    await seed(database_url, base_url + "/api/")
    port = free_port()
    env = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": base_url + "/api/",
        "LOG_LEVEL": "WARNING",
        "PORT": str(port),
        "DATABASE_URL": database_url,
    }
    bot = start([sys.executable, "-m", "bot", "serve"], env)
    try:
        await wait_healthy(f"http://127.0.0.1:{port}/healthz")
        url = f"http://127.0.0.1:{port}/slack/events"
        click = commit_click(base_url + "/response/bench")
        await run_step(url, click, 200, 2, "warm-up")
        for _ in range(repeat):
            await asyncio.sleep(1.0)
            step = await run_step(url, click, rate, seconds, "commit click")
            print(f"  commit click {rate}/s  p50 {step.p50_ms:6.1f} ms  p99 {step.p99_ms:6.1f} ms")
    finally:
        bot.terminate()
        bot.wait(timeout=30)
        stand_in.terminate()
        stand_in.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="how long each rate is held")
    parser.add_argument(
        "--clicks-at",
        type=int,
        metavar="RATE",
        help="only decisionbot's commit clicks, at this one rate, --repeat times (to see how runs vary)",
    )
    parser.add_argument("--repeat", type=int, default=6, help="steps at --clicks-at")
    parser.add_argument(
        "--passes",
        type=int,
        default=3,
        help="climbs through the rates (each rate's median is reported)",
    )
    args = parser.parse_args()
    if args.clicks_at:
        asyncio.run(clicks_at(args.clicks_at, args.seconds, args.repeat))
    else:
        asyncio.run(main_async(args.seconds, args.passes))


if __name__ == "__main__":
    main()
