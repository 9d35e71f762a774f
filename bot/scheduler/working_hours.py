"""When a person is at work, in their own Slack time zone: revisits arrive then, not at 3 a.m."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_STARTS = time(9, 0)
DAY_ENDS = time(17, 0)
WEEKEND = (5, 6)  # Saturday, Sunday


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_working_time(now: datetime, time_zone: str | None) -> datetime | None:
    """None if `now` is within working hours there; otherwise when they next begin."""
    local = now.astimezone(zone(time_zone))
    if local.weekday() not in WEEKEND and DAY_STARTS <= local.time() < DAY_ENDS:
        return None
    day = local.date() if local.time() < DAY_STARTS else local.date() + timedelta(days=1)
    while day.weekday() in WEEKEND:
        day += timedelta(days=1)
    start = datetime.combine(day, DAY_STARTS, tzinfo=local.tzinfo)
    return start.astimezone(now.tzinfo)
