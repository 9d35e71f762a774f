"""Slack having a bad time under load: `decisionbot serve` takes commitment clicks and new
decisions while the stand-in Slack answers a share of every call with 429 (Retry-After),
500 or 503, or answers only after 10 seconds; then Slack recovers.

Each phase prints its acks: how many, their p99, how many took longer than Slack's 3 s
deadline, and 5xx. After recovery it checks what the database and Slack ended with: every
acknowledged click stored, every recorded decision's card posted once and showing its
commitments as stored, nothing owed.

    .venv/bin/python -m bench.slack_faults [--rate 6]

The bot runs through `bench.bot_at` with its clock 10 times as fast, so that the minutes its
retries wait pass in seconds; Slack's pacing still runs on real time.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
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
from bench.revisit_burst import REVISIT_DAY
from bench.serving import start_bot
from bot.ids import Action
from storage.db import Database
from storage.models import CardDraw, Commitment, Decision
from tests.conftest import CHANNEL, SIGNING_SECRET, start_stand_in
from tests.e2e.test_several_processes import free_port, wait_until_healthy
from tests.fuzzing import as_body
from tests.harness import blocks_text
from tests.slack_stand_in.requests import signed_headers
from tests.slack_stand_in.server import Faults, SlackStandIn

SPEED = 10.0
PHASES: list[tuple[str, Faults | None, float]] = [
    ("calm", None, 15),
    ("429 on 10% of calls", Faults(0.1, 429, "ratelimited", retry_after=1), 20),
    ("500 on 10%", Faults(0.1, 500, "internal_error"), 20),
    ("10 s delays on 10%", Faults(0.1, delay=10), 20),
    ("503 on 100%", Faults(1.0, 503, "service_unavailable"), 20),
    ("429 on 100%", Faults(1.0, 429, "ratelimited", retry_after=2), 15),
    ("recovered", None, 60),
]


@dataclass
class Phase:
    name: str
    acks: list[float] = field(default_factory=list)
    server_errors: int = 0

    def line(self) -> str:
        p99 = statistics.quantiles(self.acks, n=100)[98] if len(self.acks) > 1 else 0.0
        late = sum(1 for ms in self.acks if ms > 3000)
        return (
            f"{self.name:<22} {len(self.acks):>5} acks  p99 {p99:>7.0f} ms  "
            f"over 3 s {late:>3}  5xx {self.server_errors}"
        )


@dataclass
class Load:
    """Clicks by new people on decisions that exist; a new decision every few requests."""

    seeds: list[tuple[str, dict[str, Any]]]
    decisions: int = 1  # the story's; each acknowledged submission records one more
    clicks: list[tuple[int, str]] = field(default_factory=list)  # acknowledged: decision, person
    answers_at: str | None = None  # with it, each click names a response_url of its own
    # With it, clicks go to these decisions (the bench keeps it to what is stored), not to
    # 1..decisions: PostgreSQL's sequences skip numbers after a crash.
    decision_ids: list[int] | None = None
    n: int = 0
    chance: random.Random = field(default_factory=lambda: random.Random(3))

    def _payload(self, kind: str) -> dict[str, Any]:
        for _, payload in self.seeds:
            if payload.get("type") == kind and (
                kind != "block_actions" or payload["actions"][0]["action_id"] == Action.COMMIT_AGREE
            ):
                return copy.deepcopy(payload)
        raise LookupError(kind)

    def next(self) -> tuple[str, str, tuple[int, str] | None]:
        """(body, content type, the click it is, if one)."""
        self.n += 1
        if self.n % 6 == 0:
            payload = self._payload("view_submission")
            payload["view"]["id"] = f"VFAULT{self.n:08d}"
            body, content_type = as_body("interactive", payload)
            return body, content_type, None
        person = f"U{self.n:09d}"
        if self.decision_ids:
            decision = self.chance.choice(self.decision_ids)
        else:
            decision = self.chance.randint(1, self.decisions)
        payload = self._payload("block_actions")
        payload["user"]["id"] = person
        payload["actions"][0]["value"] = str(decision)
        if self.answers_at is not None:
            payload["response_url"] = f"{self.answers_at}/response/{person}"
        body, content_type = as_body("interactive", payload)
        return body, content_type, (decision, person)


async def what_slack_shows(db: Database, stand_in: SlackStandIn) -> list[str]:
    """Where the end state differs from the database: the problems, as sentences."""
    decisions = await db.read(lambda s: s.exec(select(Decision)).all())
    commitments = await db.read(lambda s: s.exec(select(Commitment)).all())
    owed = await db.read(
        lambda s: s.exec(select(CardDraw).where(col(CardDraw.drawn) < col(CardDraw.wanted))).all()
    )
    problems = [f"{len(owed)} cards still owe a redraw"] if owed else []
    cards = stand_in.channel_messages(CHANNEL)
    if len(cards) != len(decisions):
        problems.append(f"{len(cards)} cards in the channel for {len(decisions)} decisions")
    for decision in decisions:
        if decision.message_ts is None:
            problems.append(f"decision {decision.id} has no card")
            continue
        count = sum(1 for c in commitments if c.decision_id == decision.id)
        shown = blocks_text(stand_in.message(CHANNEL, decision.message_ts)["blocks"])
        if count and f"{count} more committed" not in shown:
            problems.append(f"the card of decision {decision.id} doesn't show {count} commitments")
    return problems


async def until_slack_shows_the_database(
    db: Database, stand_in: SlackStandIn, *, minutes: float
) -> tuple[float, list[str]]:
    """Waits (up to `minutes`) for Slack to show what the database holds; returns how long it
    waited and what still differs."""
    started = time.monotonic()
    problems = await what_slack_shows(db, stand_in)
    while problems and time.monotonic() - started < minutes * 60:
        await asyncio.sleep(2)
        problems = await what_slack_shows(db, stand_in)
    return time.monotonic() - started, problems


async def run(rate: int) -> None:
    stand_in = await start_stand_in(lenient_triggers=True)
    stand_in.lenient_users = True
    folder = Path(tempfile.mkdtemp(prefix="decisionbot-faults-"))
    url = f"sqlite:///{folder / 'f.db'}"
    db = Database(url)
    await db.upgrade()
    load = Load(await record_a_story(stand_in, db))
    port = free_port()
    log = (folder / "server.log").open("wb")
    clock = (REVISIT_DAY, SPEED, time.time())
    server = await start_bot(stand_in, url, port, log, clock=clock, SCHEDULER_INTERVAL_SECONDS="1")
    await wait_until_healthy([port])
    events = f"http://127.0.0.1:{port}/slack/events"
    phases: list[Phase] = []
    async with aiohttp.ClientSession() as http:
        pending: set[asyncio.Task[None]] = set()

        async def send(phase: Phase) -> None:
            body, content_type, click = load.next()
            headers = signed_headers(SIGNING_SECRET, body, content_type=content_type)
            sent = time.perf_counter()
            async with http.post(events, data=body.encode(), headers=headers) as answer:
                text = await answer.text()
            phase.acks.append((time.perf_counter() - sent) * 1000)
            phase.server_errors += answer.status >= 500
            if answer.status == 200 and click is not None:
                load.clicks.append(click)
            elif answer.status == 200 and click is None and not text:
                load.decisions += 1  # the form closed: recorded

        for name, faults, seconds in PHASES:
            stand_in.faults = faults
            phase = Phase(name)
            phases.append(phase)
            ends = time.monotonic() + seconds
            while time.monotonic() < ends:
                task = asyncio.ensure_future(send(phase))
                pending.add(task)
                task.add_done_callback(pending.discard)
                await asyncio.sleep(1 / rate)
            if faults is not None and faults.delay:
                await asyncio.gather(*pending)
        await asyncio.gather(*pending)
    for phase in phases:
        print(phase.line())
    # Slack is well again: the sweeps catch up, at Slack's pace for card posts and updates
    # (about one a second in a channel, and per workspace).
    waited, problems = await until_slack_shows_the_database(db, stand_in, minutes=10)
    print(f"caught up {waited:.0f} s after the load stopped")
    stored = await db.read(
        lambda s: {(c.decision_id, c.user_id) for c in s.exec(select(Commitment)).all()}
    )
    lost = [click for click in load.clicks if click not in stored]
    server.terminate()
    await server.wait()
    log.close()
    said = (folder / "server.log").read_text(errors="replace")
    print(f"acknowledged clicks {len(load.clicks):,}, of them not stored: {len(lost)}")
    caught_up = "; ".join(problems[:5]) or "every card posted once and up to date, nothing owed"
    print(f"decisions recorded {load.decisions}; after recovery: {caught_up}")
    print(f"tracebacks in the server's log: {said.count('Traceback')}")
    await db.close()
    await stand_in.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=int, default=6, help="requests a second")
    args = parser.parse_args()
    asyncio.run(run(args.rate))


if __name__ == "__main__":
    main()
