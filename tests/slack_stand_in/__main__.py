"""Runs the stand-in Slack on its own, for benchmarks: `python -m tests.slack_stand_in`.

Prints its base URL on the first line, then serves until stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from tests.slack_stand_in.server import SlackStandIn


async def serve(args: argparse.Namespace) -> None:
    stand_in = SlackStandIn(
        token=args.token,
        lenient_triggers=args.lenient_triggers,
        lenient_users=args.lenient_users,
    )
    for channel in args.channel:
        stand_in.add_channel(channel)
    await stand_in.start()
    print(stand_in.base_url, flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    with contextlib.suppress(asyncio.CancelledError):
        await stop.wait()
    await stand_in.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--token", default="xoxb-stand-in-token")
    parser.add_argument("--channel", action="append", default=[])
    parser.add_argument(
        "--lenient-triggers",
        action="store_true",
        help="accept any trigger_id (a load generator can't ask for real ones)",
    )
    parser.add_argument(
        "--lenient-users",
        action="store_true",
        help="treat any U... id as a person (a benchmark seeds thousands of deciders)",
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
