"""What the plots mark besides the curves: the warm-up, when each policy starts, and (after a
run) the 95% band around the mean of the replications.

Colour is never the only signal: the warm-up is a grey region *labelled* "warm-up", a policy
start is a dashed line *labelled* "<policy> starts", and the band is named in the caption
above the plots ("Mean of N replications with 95% band").

pyqtgraph's line labels are plain text passed through ``str.format`` (``{value}`` is the
line's position), so a name is shown literally once its braces are doubled
(:func:`literal_label`); it is never read as markup.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

#: the warm-up region: light grey, behind the curves
WARM_UP_BRUSH = (0, 0, 0, 22)
WARM_UP_TEXT = "#444444"
#: the 95% band: the variant's colour at this alpha (0–255)
BAND_ALPHA = 55
POLICY_PEN_COLOUR = "#333333"


def literal_label(text: str) -> str:
    """``text`` as an InfLineLabel format that shows it literally (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def policy_starts(scenario, variant_ids: Iterable[str], horizon: float) -> list[tuple[float, str]]:
    """(time, label) per policy start time in the shown variants, in time order: 'More GPs
    starts', or 'A and B start' when several start at once. Policies starting at or after
    the horizon are not shown (they never act in the run)."""
    by_time: dict[float, list[str]] = {}
    for vid in variant_ids:
        try:
            variant = scenario.variant(vid)
        except LookupError:
            continue
        for pid in variant.policies:
            try:
                policy = scenario.policy(pid)
            except LookupError:
                continue
            t = float(policy.start)
            if t >= horizon:
                continue
            names = by_time.setdefault(t, [])
            if policy.name not in names:
                names.append(policy.name)
    out = []
    for t in sorted(by_time):
        names = by_time[t]
        if len(names) == 1:
            out.append((t, f"{names[0]} starts"))
        else:
            out.append((t, ", ".join(names[:-1]) + f" and {names[-1]} start"))
    return out


def add_warm_up(plot: pg.PlotItem, warm_up: float, font: QFont) -> pg.LinearRegionItem | None:
    """A grey region over [0, warm_up] labelled "warm-up" (None when there is no warm-up)."""
    if not warm_up > 0:
        return None
    region = pg.LinearRegionItem(
        values=(0.0, float(warm_up)),
        movable=False,
        brush=pg.mkBrush(*WARM_UP_BRUSH),
        pen=pg.mkPen(QColor(0, 0, 0, 60), width=1),
    )
    region.setZValue(-20)
    region.setAcceptHoverEvents(False)
    label = pg.InfLineLabel(
        region.lines[1],
        text="warm-up",
        position=0.92,
        anchors=[(1.0, 0.5), (1.0, 0.5)],
        color=WARM_UP_TEXT,
    )
    label.setFont(font)
    region.warm_up_label = label  # type: ignore[attr-defined]  (tests, export)
    plot.addItem(region, ignoreBounds=True)
    return region


def add_policy_line(plot: pg.PlotItem, t: float, text: str, font: QFont) -> pg.InfiniteLine:
    """A vertical dashed line at ``t`` with its label (shown literally)."""
    line = pg.InfiniteLine(
        pos=float(t),
        angle=90,
        movable=False,
        pen=pg.mkPen(POLICY_PEN_COLOUR, width=1.5, style=Qt.PenStyle.DashLine),
        label=literal_label(text),
        labelOpts={
            "position": 0.97,
            "anchors": [(0.0, 0.0), (0.0, 0.0)],
            "color": POLICY_PEN_COLOUR,
            "fill": pg.mkBrush(255, 255, 255, 200),
        },
    )
    line.label.setFont(font)
    line.setZValue(-10)
    plot.addItem(line, ignoreBounds=True)
    return line


class Band:
    """A translucent 95% band (between two invisible edges) in a variant's colour."""

    def __init__(self, plot: pg.PlotItem, colour: str) -> None:
        self.low = pg.PlotDataItem([], [], pen=None)
        self.high = pg.PlotDataItem([], [], pen=None)
        fill = QColor(colour)
        fill.setAlpha(BAND_ALPHA)
        self.fill = pg.FillBetweenItem(self.low, self.high, brush=pg.mkBrush(fill))
        self.fill.setZValue(-5)
        self.plot = plot
        for item in (self.low, self.high, self.fill):
            plot.addItem(item)

    def set_data(self, t, lows, highs) -> None:
        self.low.setData(np.asarray(t, dtype=float), np.asarray(lows, dtype=float))
        self.high.setData(np.asarray(t, dtype=float), np.asarray(highs, dtype=float))

    def data(self) -> tuple[list[float], list[float], list[float]]:
        """(times, lows, highs) drawn (tests)."""
        t, lo = self.low.getData()
        _, hi = self.high.getData()
        if t is None:
            return [], [], []
        return list(t), list(lo), list(hi)

    def remove(self) -> None:
        for item in (self.fill, self.low, self.high):
            self.plot.removeItem(item)
