"""How the plots look and say what they show: units, colours and pens per variant, the
grid's columns, the legend. No widgets here (plots.py and plot_export.py use these)."""

from __future__ import annotations

import html
import math

import pyqtgraph as pg
from PySide6.QtCore import Qt

from mission_desktop.gui.shared.palette import VARIANT_COLOURS
from mission_desktop.report.format import plural_unit
from mission_desktop.report.summary import baseline_id  # noqa: F401 - re-exported for the plots

METRICS = {
    "queue": "Queue length (people waiting)",
    "wait": "Rolling mean wait",
}


def variant_colour(index: int, is_baseline: bool) -> str:
    if is_baseline:
        return VARIANT_COLOURS[0]
    colours = VARIANT_COLOURS[1:]
    return colours[(index - 1) % len(colours)]


def variant_pen(index: int, is_baseline: bool, width: float = 3.0) -> pg.mkPen:
    """Baseline: black dashed. Others: solid, in distinct Okabe–Ito colours."""
    colour = variant_colour(index, is_baseline)
    if is_baseline:
        return pg.mkPen(colour, width=width, style=Qt.PenStyle.DashLine)
    return pg.mkPen(colour, width=width)


#: a plot is never narrower than this (pixels at the default font): fewer columns instead
MIN_PLOT_WIDTH = 220


def plot_columns(n_services: int, width: int | None = None, font_pt: int = 13) -> int:
    """Columns of the small-multiples grid: at most two rows where the width allows
    (2 services: 2 columns; 3–4: 2; 5–6: 3; 7–8: 4), never more than fit the width."""
    if n_services <= 1:
        return 1
    wanted = 2 if n_services <= 4 else min(math.ceil(n_services / 2), 4)
    if width is not None:
        fit = max(int(width // (MIN_PLOT_WIDTH * font_pt / 13)), 1)
        wanted = min(wanted, fit)
    return max(wanted, 1)


def metric_title(metric: str, time_unit: str) -> str:
    """What the plots show, with the unit, stated once for the whole grid."""
    if metric == "wait":
        return f"Rolling mean wait ({plural_unit(time_unit)})"
    return METRICS["queue"]


def legend_html(entries: list[tuple[str, str, bool]], font_pt: int) -> str:
    """A wrapping legend: (name, colour, is_baseline) → line sample and name, kept together."""
    parts = []
    for name, colour, dashed in entries:
        sample = "╍╍╍" if dashed else "━━━"
        label = html.escape(name) + (" (baseline, dashed line)" if dashed else "")
        label = label.replace(" ", "&nbsp;")
        parts.append(f"<span style='color:{colour}; font-weight:bold'>{sample}</span>&nbsp;{label}")
    return (
        f"<div style='font-size:{font_pt}pt'>"
        + " &nbsp;&nbsp; ".join(parts)  # ordinary spaces between entries: wrap points
        + "</div>"
    )
