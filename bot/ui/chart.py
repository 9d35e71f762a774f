"""The chart of a channel's input metrics over the last weeks: a small PNG of one panel per
metric, and the same figures as text (the image's alt text, and beside it for screen readers
and notifications)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from bot.services.digest import WeekFigures
from bot.ui.text import format_date

ALT_TEXT_MAX = 2000  # an image block's alt_text
WIDTH, HEIGHT = 960, 440
COLUMNS, ROWS = 3, 2
INK, FAINT, BAR, EMPTY = (29, 53, 87), (120, 130, 140), (69, 123, 157), (220, 224, 228)


@dataclass(frozen=True)
class Series:
    name: str
    value: Callable[[WeekFigures], float | None]
    unit: str  # "%" (a share, 0..1), "days" or "" (a count)

    def said(self, value: float | None) -> str:
        if value is None:
            return "\u2013"
        if self.unit == "%":
            return f"{value:.0%}"
        if self.unit == "days":
            return f"{value:.1f} d"
        return str(int(value))


SERIES = [
    Series("Dissent answered within 24 h", lambda f: f.metrics.dissent_answered_within_a_day, "%"),
    Series("Revisits handled on time", lambda f: f.metrics.revisits_handled_on_time, "%"),
    Series("Type 2 decided the day raised", lambda f: f.metrics.type2_decided_same_day, "%"),
    Series("Doors called right", lambda f: f.metrics.doors_called_right, "%"),
    Series(
        "Days to full commitment (Type 1)",
        lambda f: f.metrics.median_days_to_full_commitment,
        "days",
    ),
    Series("Dissent that proved right", lambda f: float(f.dissent_proved_right), ""),
]


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (OSError, TypeError):  # a Pillow built without FreeType has one bitmap size
        return ImageFont.load_default()


def render_chart(trend: list[WeekFigures]) -> bytes:
    """A PNG: a panel per metric, a bar per week (oldest on the left), the latest figure on top."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    title, small = _font(15), _font(12)
    panel_w, panel_h = WIDTH // COLUMNS, HEIGHT // ROWS
    for index, series in enumerate(SERIES):
        left, top = (index % COLUMNS) * panel_w + 16, (index // COLUMNS) * panel_h + 12
        values = [series.value(f) for f in trend]
        latest = next((v for v in reversed(values) if v is not None), None)
        draw.text((left, top), series.name, fill=INK, font=title)
        draw.text((left, top + 20), f"latest: {series.said(latest)}", fill=FAINT, font=small)
        known = [v for v in values if v is not None]
        top_value = 1.0 if series.unit == "%" else max([*known, 1.0])
        base, height = top + panel_h - 40, panel_h - 86
        bar_w = (panel_w - 40) // max(len(values), 1)
        draw.line((left, base, left + bar_w * len(values), base), fill=FAINT)
        for n, value in enumerate(values):
            x = left + n * bar_w + 2
            if value is None:
                draw.rectangle((x, base - 2, x + bar_w - 5, base), fill=EMPTY)
                continue
            bar = max(2, round(height * min(value / top_value, 1.0)))
            draw.rectangle((x, base - bar, x + bar_w - 5, base), fill=BAR)
        if trend:
            first, last = trend[0].week.start.date(), trend[-1].week.end.date()
            draw.text((left, base + 6), format_date(first), fill=FAINT, font=small)
            right = left + bar_w * len(values)
            last_label = format_date(last)
            draw.text(
                (right - draw.textlength(last_label, font=small), base + 6),
                last_label,
                fill=FAINT,
                font=small,
            )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def describe_trend(trend: list[WeekFigures]) -> str:
    """The chart's figures as text, oldest week first."""
    if not trend:
        return "No weeks to show."
    end = format_date(trend[-1].week.end.date())
    lines = [f"Input metrics for the {len(trend)} weeks to {end}, oldest first."]
    for series in SERIES:
        lines.append(f"{series.name}: {', '.join(series.said(series.value(f)) for f in trend)}.")
    return " ".join(lines)


def chart_blocks(file_id: str, figures: str) -> list[dict[str, Any]]:
    """The uploaded chart in a message, with its figures as alt text and as text beside it."""
    return [
        {
            "type": "image",
            "slack_file": {"id": file_id},
            "alt_text": figures[:ALT_TEXT_MAX],
            "title": {"type": "plain_text", "text": "Input metrics, week by week"},
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": figures[:3000]}]},
    ]
