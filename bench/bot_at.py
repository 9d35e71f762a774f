"""`decisionbot serve` with its clock starting at a given moment, for benchmarks of due work.

    python -m bench.bot_at 2026-12-23T10:00:00+00:00 [SPEED [EPOCH]]

Settings come from the environment, as for `decisionbot serve`. The clock runs on from the
given moment at real speed, so leases and retries behave as they would; or SPEED times as
fast, from EPOCH (seconds since 1970 by the wall clock), so that several processes started
at different times share one clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from datetime import datetime, timedelta

from bot.cli import configure_logging, run_bot
from bot.config import Mode, load_settings


def main() -> None:
    start_at = datetime.fromisoformat(sys.argv[1])
    speed = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    epoch = float(sys.argv[3]) if len(sys.argv) > 3 else time.time()
    settings = load_settings(mode=Mode.HTTP)
    configure_logging(settings)

    def clock() -> datetime:
        return start_at + timedelta(seconds=speed * (time.time() - epoch))

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_bot(settings, Mode.HTTP, clock=clock))


if __name__ == "__main__":
    main()
