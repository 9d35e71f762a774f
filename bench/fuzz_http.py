"""Fuzzed requests against a running `decisionbot serve`: mutated Slack payloads over HTTP,
most signed, one in five unsigned and one in twenty signed five minutes too late.

The seeds are what a real story produces (tests/fuzzing.py): a decision recorded through
/decide on the same database, then its command, form submission, card clicks, shortcut and
Home tab. Counted at the end: responses by status, 5xx, tracebacks in the server's log,
refused requests that got anything but 401, decisions stored before that are gone, and
mention or broadcast sequences from user text in anything the bot posted.

    .venv/bin/python -m bench.fuzz_http [--requests 100000] [--concurrency 16] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

from bench.serving import start_bot
from bot.app import build_app
from bot.deps import Deps
from bot.services.export import export_decisions
from bot.slack.calls import build_web_client, close_web_client
from storage.db import Database
from tests.conftest import SIGNING_SECRET, start_stand_in
from tests.conftest import TEAM as TEAM_ID
from tests.e2e.test_several_processes import free_port, wait_until_healthy
from tests.fuzzing import as_body, mutate, seeds, unescaped_sequences
from tests.harness import BotUnderTest
from tests.slack_stand_in.requests import signed_headers
from tests.slack_stand_in.server import SlackStandIn


async def record_a_story(stand_in: SlackStandIn, db: Database) -> list[tuple[str, dict[str, Any]]]:
    """Records a decision through the real app in this process, and returns the seeds."""
    client = build_web_client(stand_in.token, stand_in.api_url)
    deps = Deps(db=db)
    app = build_app(client=client, deps=deps, signing_secret=SIGNING_SECRET)
    bot = BotUnderTest(stand_in, app, deps, SIGNING_SECRET, TEAM_ID)
    try:
        found = await seeds(bot)
        await bot.settle()
        return found
    finally:
        await close_web_client(client)


async def run(requests: int, concurrency: int, seed: int) -> None:
    stand_in = await start_stand_in(lenient_triggers=True)
    folder = Path(tempfile.mkdtemp(prefix="decisionbot-fuzz-"))
    url = f"sqlite:///{folder / 'f.db'}"
    db = Database(url)
    await db.upgrade()
    population = await record_a_story(stand_in, db)
    before = await export_decisions(db)
    port = free_port()
    log = (folder / "server.log").open("wb")
    server = await start_bot(stand_in, url, port, log, LOG_LEVEL="INFO")
    rng = random.Random(seed)
    statuses: Counter[int] = Counter()
    refused_not_401 = 0
    events = f"http://127.0.0.1:{port}/slack/events"
    async with aiohttp.ClientSession() as http:
        await wait_until_healthy([port])
        work = [(n, *rng.choice(population)) for n in range(requests)]
        started = time.perf_counter()

        async def send(n: int, kind: str, payload: dict[str, Any]) -> None:
            nonlocal refused_not_401
            mutation = random.Random(seed * 1_000_003 + n)  # each request's own, repeatable
            body, content_type = as_body(kind, mutate(payload, mutation))
            unsigned, stale = n % 5 == 0, n % 20 == 1
            headers = signed_headers(
                "not-the-secret" if unsigned else SIGNING_SECRET,
                body,
                content_type=content_type,
                timestamp=int(time.time()) - 301 if stale else None,
            )
            async with http.post(events, data=body.encode(), headers=headers) as answer:
                await answer.read()
                statuses[answer.status] += 1
                if (unsigned or stale) and answer.status != 401:
                    refused_not_401 += 1

        queue = iter(work)

        async def worker() -> None:
            for n, kind, payload in queue:
                await send(n, kind, payload)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    await asyncio.sleep(2)  # follow-ups after the last acks
    server.terminate()
    await server.wait()
    log.close()
    said = (folder / "server.log").read_text(errors="replace")
    after = await export_decisions(db)
    lost = {d["id"] for d in before["decisions"]} - {d["id"] for d in after["decisions"]}
    print(
        f"{requests:,} requests in {elapsed:.0f} s ({requests / elapsed:.0f}/s), {concurrency} at a time"
    )
    print("statuses: " + ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items())))
    print(f"5xx: {sum(n for s, n in statuses.items() if s >= 500)}")
    print(f"tracebacks in the server's log: {said.count('Traceback')}")
    print(f"unsigned or stale requests answered other than 401: {refused_not_401}")
    print(f"decisions stored before that are gone: {len(lost)}")
    print(f"unescaped mention or broadcast sequences posted: {unescaped_sequences(stand_in)}")
    await db.close()
    await stand_in.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(run(args.requests, args.concurrency, args.seed))


if __name__ == "__main__":
    main()
