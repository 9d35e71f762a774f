"""Reading numbers and dates from what Slack sent, strictly: as Slack and our own buttons,
forms and metadata write them, and nothing else.

`int()` and `str.isdigit()` accept "١" (Arabic-Indic one) and "²", and any number of digits;
decision 1 was read from the first, and ids past 2^63 overflowed the database. Here a number is
1 to 9 ASCII digits, which every id column holds on both databases, and a date is a real
YYYY-MM-DD.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, TypeGuard

NUMBER = re.compile(r"[0-9]{1,9}")
# Slack's ids: a letter for the kind, then capital letters and digits.
USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{2,20}")
TEAM_ID = re.compile(r"[TE][A-Z0-9]{2,20}")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
NUMBER_MAX = 999_999_999


class UnreadablePayload(Exception):
    """A field Slack always sends, missing or malformed: this payload isn't one Slack sent.

    Answered with a quiet acknowledgement and one warning in the log, and changes nothing."""


def is_user_id(value: object) -> TypeGuard[str]:
    """Whether this is a Slack user id, so that it can be stored and shown as <@id>: one
    like "U1> <!channel" would have pinged the whole channel from a card."""
    return isinstance(value, str) and USER_ID.fullmatch(value) is not None


def is_channel_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and CHANNEL_ID.fullmatch(value) is not None


def is_team_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and TEAM_ID.fullmatch(value) is not None


def read_number(text: object) -> int | None:
    """The number written in `text` (ASCII digits only), or None."""
    if isinstance(text, str) and NUMBER.fullmatch(text):
        return int(text)
    return None


def is_number(value: object) -> bool:
    """Whether a JSON value is a number we wrote (not a bool, not out of range)."""
    return type(value) is int and 0 <= value <= NUMBER_MAX


def read_day(text: object) -> date | None:
    """The date written as YYYY-MM-DD in `text`, or None (also for 2026-13-45)."""
    if not (isinstance(text, str) and DAY.fullmatch(text)):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def require_day(text: object, what: str) -> date:
    day = read_day(text)
    if day is None:
        raise UnreadablePayload(f"{what} is not a date: {str(text)[:40]!r}")
    return day


def read_metadata(metadata: object, what: str) -> dict[str, Any]:
    """The JSON object we wrote into a view's private_metadata ("" for none)."""
    try:
        data = json.loads(metadata) if isinstance(metadata, str) and metadata else {}
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise UnreadablePayload(f"{what}'s private_metadata is not what we wrote")
    return data
