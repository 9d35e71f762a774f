"""Every event delivered four times (the first delivery and Slack's three retries, marked
`X-Slack-Retry-Num`), shuffled out of order and spread over three `decisionbot serve`
processes round robin, as a load balancer would: does each take effect once?

The events: workflow runs of the "Record a decision" step (`function_executed`), Home tab
opens (`app_home_opened`) and, last, the workspace uninstalling the app (`app_uninstalled`).
It counts the requests answered other than 200, the decisions recorded and cards posted per
workflow run (one each), the runs completed (each once, with its own decision), the Home
tabs drawn, whether the uninstall was recorded, and tracebacks in the servers' logs.

    .venv/bin/python -m bench.event_retries [--runs 300] [--homes 300]             # SQLite
    tests/with_postgres.sh .venv/bin/python -m bench.event_retries                 # PostgreSQL
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from collections import Counter
from itertools import cycle
from pathlib import Path

import aiohttp
from sqlmodel import select

from bench.databases import empty_postgres_database
from bench.serving import start_bot
from bot.listeners.workflow_step import RECORD_A_DECISION
from storage.db import Database
from storage.models import Decision, Installation
from tests.conftest import SIGNING_SECRET, TEAM, start_stand_in
from tests.e2e.test_several_processes import free_port, wait_until_healthy
from tests.e2e.test_workflow_step import INPUTS
from tests.slack_stand_in.requests import (
    app_home_opened_body,
    function_executed_body,
    signed_headers,
    workspace_event_body,
)

PROCESSES = 3
CHANNELS = 50  # Slack takes about a message a second in a channel: the cards are spread out
CONCURRENCY = 16
JSON = "application/json"


async def run(runs: int, homes: int) -> None:
    server_url = os.environ.get("TEST_DATABASE_URL", "")
    postgres = (
        empty_postgres_database(server_url, "decisionbot_retries")
        if server_url.startswith("postgresql")
        else None
    )
    stand_in = await start_stand_in()
    stand_in.lenient_users = True
    channels = [f"CRETRY{n:03d}" for n in range(CHANNELS)]
    for channel in channels:
        stand_in.add_channel(channel)
    folder = Path(tempfile.mkdtemp(prefix="decisionbot-retries-"))
    url = postgres or f"sqlite:///{folder / 'r.db'}"
    db = Database(url)
    await db.upgrade()

    executions = [stand_in.start_execution() for _ in range(runs)]
    events = [
        function_executed_body(
            team_id=TEAM,
            callback_id=RECORD_A_DECISION,
            inputs={**INPUTS, "channel": channels[n % CHANNELS], "title": f"Run {n}"},
            function_execution_id=execution_id,
            bot_access_token=token,
        )
        for n, (execution_id, token) in enumerate(executions)
    ]
    events += [app_home_opened_body(team_id=TEAM, user_id=f"UHOME{n:05d}") for n in range(homes)]
    deliveries = [(body, retry) for body in events for retry in range(4)]
    random.Random(19).shuffle(deliveries)

    ports = [free_port() for _ in range(PROCESSES)]
    log = (folder / "server.log").open("wb")
    servers = [await start_bot(stand_in, url, port, log) for port in ports]
    await wait_until_healthy(ports)
    print(
        f"{'PostgreSQL' if postgres else 'SQLite'}, {PROCESSES} processes: {runs} workflow runs "
        f"and {homes} Home tab opens, each delivered 4 times ({len(deliveries):,} requests)"
    )
    statuses: Counter[int] = Counter()
    balancer = cycle(ports)
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def deliver(body: str, retry: int) -> None:
            headers = signed_headers(SIGNING_SECRET, body, content_type=JSON)
            if retry:
                headers |= {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"}
            async with (
                gate,
                http.post(
                    f"http://127.0.0.1:{next(balancer)}/slack/events",
                    data=body.encode(),
                    headers=headers,
                ) as answer,
            ):
                statuses[answer.status] += 1

        await asyncio.gather(*(deliver(body, retry) for body, retry in deliveries))
        sent_in = time.monotonic() - started
        for _ in range(600):  # the cards go out at Slack's pace; each run completes after its card
            if len(stand_in.completions) >= runs and len(stand_in.home_tabs) >= homes:
                break
            await asyncio.sleep(0.5)
        done_in = time.monotonic() - started

        # Last, the workspace removes the app: the same event four times, to every process.
        uninstalled = workspace_event_body(team_id=TEAM, event={"type": "app_uninstalled"})
        await asyncio.gather(*(deliver(uninstalled, retry) for retry in (2, 0, 3, 1)))

    titles = Counter(await db.read(lambda s: list(s.exec(select(Decision.title)))))
    installation = await db.read(lambda s: s.get(Installation, TEAM))
    for server in servers:
        server.terminate()
        await server.wait()
    log.close()
    said = (folder / "server.log").read_text(errors="replace")

    completed = [stand_in.completions.get(execution_id) for execution_id, _ in executions]
    succeeded = [how for how in completed if how and "outputs" in how]
    numbers = {how["outputs"]["decision_number"] for how in succeeded}
    cards = Counter(
        message["text"] for channel in channels for message in stand_in.channel_messages(channel)
    )
    print(
        f"sent in {sent_in:.1f} s; every run completed and Home drawn {done_in:.1f} s after the start"
    )
    print(f"answers: {dict(sorted(statuses.items()))}")
    print(
        f"workflow runs: {len(succeeded)} of {runs} completed with a decision of their own "
        f"({len(numbers)} different numbers); decisions recorded {sum(titles.values())}, "
        f"recorded twice {sum(1 for n in titles.values() if n > 1)}; cards posted "
        f"{sum(cards.values())}, posted twice {sum(1 for n in cards.values() if n > 1)}; "
        f"second completions attempted "
        f"{len(stand_in.calls_to('functions.completeSuccess')) - len(succeeded)}"
    )
    print(
        f"Home tabs drawn: {len(stand_in.home_tabs)} of {homes} people "
        f"({len(stand_in.calls_to('views.publish'))} publishes for {homes * 4} deliveries)"
    )
    marked = installation is not None and installation.uninstalled_at is not None
    print(f"uninstall recorded: {'yes' if marked else 'NO'}")
    print(f"tracebacks in the servers' logs: {said.count('Traceback')}")
    await db.close()
    await stand_in.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=300, help="workflow runs")
    parser.add_argument("--homes", type=int, default=300, help="Home tab opens")
    args = parser.parse_args()
    asyncio.run(run(args.runs, args.homes))


if __name__ == "__main__":
    main()
