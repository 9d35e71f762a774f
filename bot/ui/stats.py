"""`/decide stats`: calibration, doors called right and dissent that proved right, privately."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.services.outcomes import (
    CALIBRATED_WITHIN,
    TOO_FEW,
    Calibration,
    DoorRate,
    ScopeStats,
    Stats,
)
from bot.ui.text import Message, block_dicts, mention, quoted_title
from storage.models import DecisionType
from storage.outcomes import DissentRecord

DOOR_NAME = {DecisionType.TYPE_1: "Type 1 (one-way)", DecisionType.TYPE_2: "Type 2 (two-way)"}
PROVED_RIGHT_SHOWN = 5


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _level_lines(calibration: Calibration) -> list[str]:
    lines = []
    for level in calibration.levels:
        if not level.decisions and not level.scored:
            continue
        stated = f"*{level.confidence}%* ({_plural(level.decisions, 'decision')})"
        if level.right_share is None:
            result = f"too few looks back ({level.scored} of {TOO_FEW})"
        else:
            result = f"right {level.right_share:.0%} of the time, over {level.scored} looks back"
        lines.append(f"• {stated}: {result}")
    return lines or ["No decision in these weeks said how sure its decider was."]


def calibration_reading(calibration: Calibration, *, subject: str, whose: str) -> str:
    """One line: over- or under-confident at the level that misses most, or calibrated."""
    miss = calibration.worst_miss()
    if miss is None:
        return (
            f"Too few looks back to read {whose} calibration yet: it takes {TOO_FEW} at one level."
        )
    level, gap = miss
    if abs(gap) <= CALIBRATED_WITHIN:
        return f"{subject.capitalize()} well calibrated: right about as often as {whose} confidence said."
    how = "over" if gap < 0 else "under"
    assert level.right_share is not None
    return (
        f"{subject.capitalize()} {how}-confident at {level.confidence}%: "
        f"right {level.right_share:.0%} of the time."
    )


def _brier_line(calibration: Calibration) -> str:
    if calibration.brier is None:
        return f"Brier score: too few looks back ({calibration.scored} of {TOO_FEW})."
    return (
        f"Brier score: {calibration.brier:.2f} over {_plural(calibration.scored, 'look')} back "
        "(0 is perfect; always saying 50% scores 0.25)."
    )


def describe_door_rate(rate: DoorRate) -> str:
    name = DOOR_NAME[rate.decision_type]
    if rate.share is None:
        return f"{name}: too few answers ({rate.answered} of {TOO_FEW})"
    return f"{name}: {rate.called_right} of {rate.answered} ({rate.share:.0%})"


def _proved_right_line(scope: ScopeStats) -> str:
    if not scope.proved_right:
        return "No dissent was called as having proved right."
    named = [
        f"{mention(dissent.user_id)} on {quoted_title(title)}"
        for dissent, title in scope.proved_right[:PROVED_RIGHT_SHOWN]
    ]
    more = len(scope.proved_right) - len(named)
    tail = f", and {more} more" if more > 0 else ""
    return f":dart: {_plural(len(scope.proved_right), 'dissent')} proved right: {', '.join(named)}{tail}."


def _scope_text(heading: str, scope: ScopeStats, *, subject: str, whose: str) -> str:
    lines = [
        f"*{heading}*",
        *_level_lines(scope.calibration),
        _brier_line(scope.calibration),
        calibration_reading(scope.calibration, subject=subject, whose=whose),
        "Doors called right: " + " · ".join(describe_door_rate(r) for r in scope.doors) + ".",
        _proved_right_line(scope),
    ]
    return "\n".join(lines)


def describe_dissent_record(record: DissentRecord) -> str:
    if not record.voiced:
        return "You haven't voiced dissent yet."
    return (
        f"{record.proved_right} of your dissents proved right "
        f"({record.called} called at a look back, {record.voiced} voiced)."
    )


def build_stats(stats: Stats, channel_id: str) -> Message:
    """For the person who asked: the channel's figures (if they may see it), then their own."""
    heading = f"Decision stats for the last {_plural(stats.weeks, 'week')}"
    blocks: list[Block] = [HeaderBlock(text=heading)]
    if stats.channel is not None:
        text = _scope_text(
            f"Decisions in <#{channel_id}>", stats.channel, subject="this channel is", whose="its"
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text[:3000])))
    text = _scope_text("Decisions you own", stats.person, subject="you are", whose="your")
    blocks.append(SectionBlock(text=MarkdownTextObject(text=text[:3000])))
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text=describe_dissent_record(stats.dissent))])
    )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Each revisit and outcome review that says whether a decision was right "
                    "scores its decider's confidence: right counts 1, partly ½, wrong 0. "
                    "`/decide stats 26` looks back 26 weeks."
                )
            ]
        )
    )
    return Message(text=heading, blocks=block_dicts(blocks))
