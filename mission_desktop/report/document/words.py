"""The one place the report takes its wording and number formats from: the shared formatter
(:mod:`mission_desktop.report.format`) and the app's own "where did the pressure go" wording
(:mod:`mission_desktop.report.summary`), so the report and the screen say the same thing."""

from __future__ import annotations

import re
from typing import Any

from ..format import PERCENT, fmt_difference, fmt_figure, fmt_number, plural_unit
from ..summary import VariantSummary, summarise, verdict

__all__ = [
    "PERCENT",
    "VariantSummary",
    "fmt_difference",
    "fmt_figure",
    "fmt_number",
    "money",
    "percent",
    "plural_unit",
    "summarise",
    "verdict",
]

#: the figures the summary looks at, in the order it looks, with how it names them
SUMMARY_METRICS: tuple[tuple[str, str], ...] = (
    ("mean_wait", "mean wait"),
    ("p90_wait", "90th percentile wait"),
    ("mean_queue_length", "queue"),
    ("backlog_at_end", "backlog at end"),
    ("share_within_target", "within target"),
)
TIME_METRICS = {"mean_wait", "p90_wait", "mean_time_in_system", "mean_blocked_time"}


def money(text: str) -> str:
    """'+580,000 (1 to 2)' → '+£580,000 (£1 to £2)'."""
    return re.sub(r"(^|\(|to )([+-]?)(?=\d)", r"\1\2£", text)


def percent(x: float | None) -> str:
    return fmt_number(x, "share_within_target")


def amount(metric: str, fig: dict[str, Any], time_unit: str) -> str:
    """A difference's size with its unit: '−0.14 days', '+12 pp', '+3.1'."""
    text = fmt_difference(fig["mean"], metric)
    if metric in TIME_METRICS:
        text += " " + plural_unit(time_unit)
    return text
