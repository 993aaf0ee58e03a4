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

from mission_desktop.gui.shared.text import plain_tip

#: the warm-up region: light grey, behind the curves
WARM_UP_BRUSH = (0, 0, 0, 22)
WARM_UP_TEXT = "#444444"
WARM_UP_LABEL = "◀ warm-up"
#: the 95% band: the variant's colour at this alpha (0–255)
BAND_ALPHA = 45
POLICY_PEN_COLOUR = "#333333"
#: a policy-start label longer than this is cut short (whole in its tooltip)
MAX_LABEL_CHARS = 40


def literal_label(text: str) -> str:
    """``text`` as an InfLineLabel format that shows it literally (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def policy_starts(scenario, variant_ids: Iterable[str], horizon: float) -> list[tuple[float, str]]:
    """(time, label) per policy start time in the shown variants, in time order: 'More GPs
    starts', or 'A and B start' when several start at once. Policies in force from the
    start (time 0) need no mark, and those starting at or after the horizon never act in
    the run: neither is shown."""
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
            if t <= 0 or t >= horizon:
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
        # beside the region, pointing at it: a short warm-up leaves no room inside
        text=WARM_UP_LABEL,
        position=0.92,
        anchors=[(0.0, 0.5), (0.0, 0.5)],
        color=WARM_UP_TEXT,
    )
    label.setFont(font)
    region.warm_up_label = label  # type: ignore[attr-defined]  (tests, export)
    plot.addItem(region, ignoreBounds=True)
    return region


def add_policy_line(
    plot: pg.PlotItem, t: float, text: str, font: QFont, horizon: float
) -> pg.InfiniteLine:
    """A vertical dashed line at ``t`` with its label (shown literally; a long one cut
    short with "…", whole in its tooltip), beside the line on the side with more room."""
    shown = text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"
    anchor = (0.0, 0.0) if t < horizon / 2 else (1.0, 0.0)
    line = pg.InfiniteLine(
        pos=float(t),
        angle=90,
        movable=False,
        pen=pg.mkPen(POLICY_PEN_COLOUR, width=1.5, style=Qt.PenStyle.DashLine),
        label=literal_label(shown),
        labelOpts={
            "position": 0.97,
            "anchors": [anchor, anchor],
            "color": POLICY_PEN_COLOUR,
            "fill": pg.mkBrush(255, 255, 255, 200),
        },
    )
    line.label.setFont(font)
    line.label.setToolTip(plain_tip(text))
    line.setToolTip(plain_tip(text))
    line.setZValue(-10)
    plot.addItem(line, ignoreBounds=True)
    return line


class Band:
    """A translucent 95% band (between two invisible edges) in a variant's colour."""

    def __init__(self, plot: pg.PlotItem, colour: str) -> None:
        # curve items, not PlotDataItems: a PlotDataItem without a pen keeps no path to fill
        self.low = pg.PlotCurveItem([], [], pen=pg.mkPen(None))
        self.high = pg.PlotCurveItem([], [], pen=pg.mkPen(None))
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
