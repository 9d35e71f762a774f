"""Safe mrkdwn from user text, and the small formats every message shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

SECTION_TEXT_MAX = 3000
ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class Message:
    """A message for chat.postMessage / chat.update: blocks plus the plain `text` fallback."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def block_dicts(blocks: list[Any]) -> list[dict[str, Any]]:
    """slack_sdk blocks as the dicts the Web API takes."""
    return [block.to_dict() for block in blocks]


def escape(text: str) -> str:
    """Escapes Slack's three control characters so user text can't mention or link anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cuts text to `limit` characters, ending with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # Never leave half an escape sequence such as "&am" at the cut.
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def safe_mrkdwn(text: str, limit: int = SECTION_TEXT_MAX) -> str:
    return truncate(escape(text), limit)


def quote(text: str, limit: int) -> str:
    """User text as a mrkdwn block quote, escaped and cut to fit."""
    return "\n".join("&gt;" + line for line in safe_mrkdwn(text, limit).splitlines() or [""])


def quoted_title(title: str, limit: int = 150) -> str:
    """A decision's title in quotation marks, escaped for mrkdwn."""
    return f"\u201c{escape(truncate(title, limit))}\u201d"


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def format_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"
