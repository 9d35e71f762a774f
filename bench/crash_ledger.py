"""The crash ledger of scheduled sends: bot processes killed with SIGKILL at random moments
while they send a burst of due revisits, then started again, until everything is sent.

Counts, from what the stand-in Slack received: revisits never sent (lost), sent more than
once (doubled), and of those how many the database knew to be in the duplicate window (a
process stopped between Slack taking the message and recording it: DueWork.interrupted_sends).
Thread lines under the cards are counted the same way.

    .venv/bin/python -m bench.crash_ledger [--revisits 500] [--kills 8] [--database-url URL]

Each process is `bench.bot_at` (the real `decisionbot serve`, its clock pinned to a weekday
morning and running 30 times as fast, so that a killed process's leases run out in seconds).
With --processes N, N run at once on the one database and each kill takes one of them
(a new one replaces it). Slack answers each chat.postMessage after 20 ms, and each
kill comes up to 0.3 s after one reached Slack, so that some land while a message is on its
way: the worst moment.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlmodel import col, select

from bench.revisit_burst import REVISIT_DAY, TEAM, decider_of, seed
from bench.serving import start_bot
from storage.db import Database
from storage.models import DueWork, DueWorkKind
from tests.e2e.test_several_processes import free_port
from tests.slack_stand_in.server import SlackStandIn

CHANNELS = 20


@dataclass
class Ledger:
    revisits: int
    kills: int
    processes: int
    lost: int
    doubled: int
    doubled_outside_window: int
    in_window: int  # sends the database marked as interrupted
    lines_lost: int
    lines_doubled: int
    lines_doubled_outside_window: int
    seconds: float

    def lines(self) -> list[str]:
        return [
            f"{self.revisits} due revisits, {self.processes} process(es), {self.kills} SIGKILLs "
            f"mid-sweep, {self.seconds:.0f} s in all",
            f"revisit DMs: lost {self.lost}, doubled {self.doubled} "
            f"({self.doubled_outside_window} outside the measured window; "
            f"{self.in_window} sends marked interrupted)",
            f"thread lines: lost {self.lines_lost}, doubled {self.lines_doubled} "
            f"({self.lines_doubled_outside_window} outside the measured window)",
        ]


# Every process's clock runs this many times as fast, from one moment: a killed process's
# five-minute leases run out in ten seconds, and all the processes agree on the time.
SPEED = 30.0


async def _start_bot(
    database_url: str, stand_in: SlackStandIn, epoch: float, log: IO[bytes]
) -> asyncio.subprocess.Process:
    clock = (REVISIT_DAY, SPEED, epoch)
    return await start_bot(
        stand_in,
        database_url,
        free_port(),
        log,
        clock=clock,
        SCHEDULER_INTERVAL_SECONDS="1",
        LOG_LEVEL="ERROR",
    )


async def _all_sent(db: Database, revisits: int) -> bool:
    """Every revisit and its thread line planned and sent."""
    sent = select(DueWork.id).where(col(DueWork.sent_at).is_not(None))
    unsent = select(DueWork.id).where(col(DueWork.sent_at).is_(None))
    done, waiting = await db.read(lambda s: (s.exec(sent).all(), s.exec(unsent).all()))
    return len(done) >= 2 * revisits and not waiting


async def run_ledger(
    database_url: str,
    *,
    revisits: int,
    kills: int,
    processes: int = 1,
    seed_value: int = 7,
    within: float = 600,
) -> Ledger:
    """Runs the ledger against `database_url` (an empty database) and counts what happened."""
    chance = random.Random(seed_value)
    stand_in = await SlackStandIn(team_id=TEAM).start()
    stand_in.delays["chat.postMessage"] = lambda: 0.02
    db = Database(database_url)
    await db.upgrade()
    # What the bots said, shown if they didn't finish; closed in `finally`.
    log = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        for c in range(CHANNELS):
            stand_in.add_channel(f"C{c:07d}")
        cards = []
        for i in range(1, revisits + 1):
            stand_in.add_user(decider_of(i), tz="UTC")  # 10:00 there on REVISIT_DAY
            channel = f"C{i % CHANNELS:07d}"
            cards.append((channel, stand_in.add_message(channel, f"Decision {i}")))
        await seed(db, cards)

        started, epoch = time.monotonic(), time.time()
        bots = [await _start_bot(database_url, stand_in, epoch, log) for _ in range(processes)]
        for _ in range(kills):
            # Kill one once they are sending: some messages out, more to come.
            kill_at = len(stand_in.calls_to("chat.postMessage")) + chance.randint(1, 40)
            waited = 0
            while len(stand_in.calls_to("chat.postMessage")) < kill_at:
                waited += 1
                if waited % 200 == 0 and await _all_sent(db, revisits):
                    break  # everything went out before this kill
                await asyncio.sleep(0.005)
            await asyncio.sleep(chance.uniform(0, 0.3))  # mid-send, or between sends
            victim = bots.pop(chance.randrange(len(bots)))
            victim.send_signal(signal.SIGKILL)
            await victim.wait()
            bots.append(await _start_bot(database_url, stand_in, epoch, log))
        # The processes do the work: their progress is only in the database.
        for _ in range(int(within * 2)):
            if await _all_sent(db, revisits):
                break
            await asyncio.sleep(0.5)
        for bot in bots:
            bot.terminate()
            await bot.wait()
        seconds = time.monotonic() - started
        if not await _all_sent(db, revisits):
            log.seek(0)
            print(log.read().decode()[-3000:], file=sys.stderr)

        work = await db.read(lambda s: s.exec(select(DueWork)).all())
        flagged = {(w.kind, w.decision_id) for w in work if w.interrupted_sends > 0}
        dms = Counter(
            i
            for i in range(1, revisits + 1)
            for m in stand_in.channel_messages(decider_of(i))
            if "revisit" in str(m.get("text", "")).lower()
        )
        threads = Counter(
            i
            for i, (channel, ts) in enumerate(cards, start=1)
            for _ in stand_in.thread(channel, ts)
        )
        doubled = [i for i, n in dms.items() if n > 1]
        lines_doubled = [i for i, n in threads.items() if n > 1]
        return Ledger(
            revisits=revisits,
            kills=kills,
            processes=processes,
            lost=revisits - len(dms),
            doubled=len(doubled),
            doubled_outside_window=sum(
                1 for i in doubled if (DueWorkKind.REVISIT, i) not in flagged
            ),
            in_window=sum(w.interrupted_sends for w in work),
            lines_lost=revisits - len(threads),
            lines_doubled=len(lines_doubled),
            lines_doubled_outside_window=sum(
                1 for i in lines_doubled if (DueWorkKind.REVISIT_THREAD_LINE, i) not in flagged
            ),
            seconds=seconds,
        )
    finally:
        log.close()
        await db.close()
        await stand_in.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--revisits", type=int, default=500)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument(
        "--database-url",
        help="an empty database (default: a new SQLite file; TEST_DATABASE_URL if set)",
    )
    args = parser.parse_args()
    url = args.database_url or os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='decisionbot-crash-')) / 'c.db'}"
    ledger = asyncio.run(
        run_ledger(url, revisits=args.revisits, kills=args.kills, processes=args.processes)
    )
    print(f"database: {url.split('://')[0]}")
    for line in ledger.lines():
        print(line)


if __name__ == "__main__":
    main()
