"""The decision log canvas: a table of the channel's decisions, newest first, in the markdown
Slack's canvases take (a person is `![](@U123)` there)."""

from __future__ import annotations

import re

from bot.services.canvas import CanvasContent
from bot.services.classification import TYPE_LABEL
from bot.ui.card import ENDING_NAME, next_look_name
from bot.ui.finding import Linker
from bot.ui.text import format_date
from storage.models import Decision, DecisionStatus, Ending

CANVAS_TITLE = "Decision log"


def _cell(text: str) -> str:
    """Text that stays inside its table cell and reads as text, not markup."""
    flat = " ".join(text.split())
    return re.sub(r"([\\|\[\]*_`~<>#!])", r"\\\1", flat)


def _status(decision: Decision) -> str:
    if decision.status is DecisionStatus.OPEN:
        return "Open for input"
    if decision.status is DecisionStatus.DECIDED:
        return "Decided"
    if decision.ended_as is Ending.SUPERSEDED and decision.superseded_by_id:
        return f"Superseded by #{decision.superseded_by_id}"
    return ENDING_NAME[decision.ended_as or Ending.CLOSED]


def _next_date(decision: Decision) -> str:
    if decision.status is DecisionStatus.OPEN and decision.commit_by:
        return f"Commit by {format_date(decision.commit_by)}"
    if decision.status is DecisionStatus.DECIDED and decision.revisit_on:
        return f"{next_look_name(decision).capitalize()} {format_date(decision.revisit_on)}"
    return "\u2013"


def build_canvas(content: CanvasContent, link: Linker) -> str:
    decisions, commitments, total = content.decisions, content.commitments, content.total
    lines = [
        f"# {CANVAS_TITLE}",
        "",
        "This channel's decisions, newest first. decisionbot keeps this canvas current as "
        "decisions are recorded, committed to, revisited, withdrawn or superseded; what is "
        "typed here is replaced at the next change. `/decide canvas off` stops it.",
        "",
    ]
    if not decisions:
        return "\n".join([*lines, "No decisions yet: `/decide` records one."]) + "\n"
    lines += [
        "| # | Decision | Status | Type | Decider | Commitments | Next |",
        "|---|---|---|---|---|---|---|",
    ]
    for decision in decisions:
        assert decision.id is not None
        url = link(decision)
        title = _cell(decision.title)
        named = f"[{title}]({url})" if url else title
        lines.append(
            f"| {decision.id} | {named} | {_status(decision)} | "
            f"{TYPE_LABEL[decision.decision_type]} | ![](@{decision.decider_id}) | "
            f"{commitments.get(decision.id, 0)} | {_next_date(decision)} |"
        )
    if total > len(decisions):
        lines += ["", f"The newest {len(decisions)} of {total}; `/decide list` shows them all."]
    return "\n".join(lines) + "\n"
