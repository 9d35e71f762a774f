"""The weekly digest message: what was decided, what waits on whom, and the input metrics."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.services.classification import TYPE_LABEL
from bot.services.digest import LIST_MAX, DigestData, Metrics
from bot.ui.card import describe_status
from bot.ui.credit import called_it
from bot.ui.revisits import DISPOSITION_DONE, OUTCOME_LABEL
from bot.ui.text import Message, block_dicts, format_date, mention, quoted_title
from storage.models import Decision, DecisionType

TITLE_SHOWN = 80  # a digest lists many; each title is cut to this


def _title(decision: Decision) -> str:
    return quoted_title(decision.title, TITLE_SHOWN)


def _listed(lines: list[str], total: int) -> str:
    shown = lines[:LIST_MAX]
    if total > len(shown):
        shown.append(f"…and {total - len(shown)} more")
    return "\n".join(f"• {line}" for line in shown)


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} days"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _metric_lines(now: Metrics, before: Metrics) -> str:
    rows = [
        (
            "Median time from recording to full commitment (Type 1)",
            _days(now.median_days_to_full_commitment),
            _days(before.median_days_to_full_commitment),
        ),
        (
            "Dissent answered within 24 hours",
            _percent(now.dissent_answered_within_a_day),
            _percent(before.dissent_answered_within_a_day),
        ),
        (
            "Revisits handled on time",
            _percent(now.revisits_handled_on_time),
            _percent(before.revisits_handled_on_time),
        ),
        (
            "Type 2 decisions decided the day they were raised",
            _percent(now.type2_decided_same_day),
            _percent(before.type2_decided_same_day),
        ),
        (
            "Doors called right, at the looks back that said",
            _percent(now.doors_called_right),
            _percent(before.doors_called_right),
        ),
    ]
    return "\n".join(f"• {name}: *{this}* (last week {last})" for name, this, last in rows)


def build_digest(data: DigestData) -> Message:
    """One message for a channel's week; sections with nothing in them are left out."""
    week = data.week
    span = f"{format_date(week.start.date())} – {format_date((week.end).date())}"
    by_type = {
        kind: [d for d in data.recorded if d.decision_type is kind]
        for kind in (DecisionType.TYPE_1, DecisionType.TYPE_2)
    }
    # (heading, lines, how many there are in all: more than the lines when only the first are loaded)
    sections: list[tuple[str, list[str], int | None]] = [
        (
            f"Recorded this week: {len(by_type[DecisionType.TYPE_1])} {TYPE_LABEL[DecisionType.TYPE_1]}, "
            f"{len(by_type[DecisionType.TYPE_2])} {TYPE_LABEL[DecisionType.TYPE_2]}",
            [f"{_title(d)} ({TYPE_LABEL[d.decision_type]})" for d in data.recorded],
            None,
        ),
        (
            "Waiting for commitment",
            [
                f"{_title(d)}: waiting on {', '.join(mention(u) for u in users)}"
                for d, users in data.waiting
            ],
            None,
        ),
        (
            "Dissent waiting for the decider's answer",
            [
                f"{mention(dissent.user_id)} on {quoted_title(title, TITLE_SHOWN)}"
                for dissent, title in data.unanswered
            ],
            None,
        ),
        (
            "Revisits due this week",
            [
                f"{_title(d)} on {format_date(d.revisit_on)}"
                for d in data.revisits_due
                if d.revisit_on
            ],
            None,
        ),
        (
            "Revisits overdue",
            [
                f"{_title(d)}, due {format_date(d.revisit_on)}"
                for d in data.revisits_overdue
                if d.revisit_on
            ],
            data.revisits_overdue_count,
        ),
        (
            "Withdrawn or superseded",
            [f"{_title(d)}: {describe_status(d)}" for d in data.no_longer_standing],
            None,
        ),
        (
            "Revisited",
            [
                f"{quoted_title(title, TITLE_SHOWN)}: {mention(r.recorded_by)} {DISPOSITION_DONE[r.disposition]}"
                + (f"; {OUTCOME_LABEL[r.outcome].split(':')[0].lower()}" if r.outcome else "")
                for r, title in data.reviews
            ],
            None,
        ),
        (
            "Dissent that proved right",
            [
                f"{called_it(dissent)} on {quoted_title(title, TITLE_SHOWN)}"
                for dissent, title in data.proved_right
            ],
            None,
        ),
    ]
    blocks: list[Block] = [
        HeaderBlock(text="Decisions this week"),
        ContextBlock(elements=[MarkdownTextObject(text=span)]),
    ]
    summary: list[str] = []
    for heading, lines, total in sections:
        if not lines:
            continue
        count = len(lines) if total is None else total
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f"*{heading}*\n{_listed(lines, count)}"))
        )
        summary.append(f"{heading}: {count}")
    if data.metrics and data.metrics_last_week:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="*Input metrics*\n" + _metric_lines(data.metrics, data.metrics_last_week)
                )
            )
        )
    text = f"Decisions this week ({span}). " + ("; ".join(summary) or "Nothing new.")
    return Message(text=text, blocks=block_dicts(blocks))
