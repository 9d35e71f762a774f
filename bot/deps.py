"""What every listener needs, handed to it through Bolt's context instead of globals."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.services.digest import DigestSchedule
from bot.slack.calls import AdminDirectory
from bot.slack.cards import Cards
from bot.slack.channel_access import ChannelAccess
from bot.slack.followups import FollowUps
from bot.slack.pacing import SlackPace
from storage.db import Database

DEPS_KEY = "decisionbot"  # where bot/app.py puts Deps in each request's context


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_process_id() -> str:
    """Names this process in leases (due work, card redraws), so that a lease shows who holds it."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Deps:
    db: Database
    followups: FollowUps = field(default_factory=FollowUps)
    clock: Callable[[], datetime] = utc_now
    admins: AdminDirectory = field(default_factory=AdminDirectory)
    digest_schedule: DigestSchedule = field(default_factory=DigestSchedule)
    access: ChannelAccess = field(default_factory=ChannelAccess)
    # Each workspace's URL, for links to cards: from auth.test, the first time one is needed.
    workspace_urls: dict[str, str] = field(default_factory=dict)
    process_id: str = field(default_factory=new_process_id)
    # Seconds for Slack's budgets: the wall clock, which every process shares.
    pace_clock: Callable[[], float] = time.time
    pace: SlackPace = field(init=False)
    cards: Cards = field(init=False)

    def __post_init__(self) -> None:
        self.pace = SlackPace(self.db, self.pace_clock)
        self.cards = Cards(
            self.db, self.pace, self.followups, process_id=self.process_id, now=self.now
        )

    def now(self) -> datetime:
        return self.clock()


def deps_of(context: Any) -> Deps:
    deps = context[DEPS_KEY]
    assert isinstance(deps, Deps)
    return deps
