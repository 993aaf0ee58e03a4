"""The Decide charts (pyqtgraph): a plain plot, the tornado and the cost–target frontier.

Colour is never the only signal: the tornado's low end is hatched and the high end solid (its
key is said in words under the chart), and each bar carries its words; the frontier marks feasible plans by shape (circle vs cross) and a
legend in words."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

LOW_COLOUR = "#2e6f9e"
HIGH_COLOUR = "#c0612b"
INK = "#1b1f23"


def plot_widget(parent: QWidget, title: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(parent=parent, background="w")
    plot.setAccessibleName(title)
    plot.setTitle(title, color=INK, size="12pt")
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.addLegend(offset=(10, 10), labelTextColor=INK)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setTextPen(INK)
        plot.getAxis(axis).setPen(INK)
    return plot


def _bar(x0: float, width: float, y: float, height: float, colour: str, hatched: bool) -> Any:
    brush = QBrush(QColor(colour), Qt.BrushStyle.BDiagPattern if hatched else Qt.BrushStyle.SolidPattern)
    return pg.BarGraphItem(
        x0=[x0], width=[width], y=[y], height=[height], brush=brush, pen=pg.mkPen(colour, width=1.5)
    )


def draw_tornado(plot: pg.PlotWidget, rows: list[dict[str, Any]], labels: list[tuple[str, str]]) -> None:
    """``rows`` from :func:`.figures.tornado_rows` (largest first, drawn at the top) with
    ``labels[i] = (low words, high words)``."""
    plot.clear()
    n = len(rows)
    ticks = []
    span = [0.0]
    for i, row in enumerate(rows):
        y = n - 1 - i
        ticks.append((y, row["name"]))
        for end, dy, colour, hatched, words in (
            ("low", 0.2, LOW_COLOUR, True, labels[i][0]),
            ("high", -0.2, HIGH_COLOUR, False, labels[i][1]),
        ):
            f = row[end]
            if f is None or f.get("mean") is None:
                continue
            m = f["mean"]
            lo, hi = (f.get("ci95") or [m, m])
            span += [m, lo if lo is not None else m, hi if hi is not None else m]
            plot.addItem(_bar(min(0.0, m), abs(m), y + dy, 0.36, colour, hatched))
            if lo is not None and hi is not None:
                plot.addItem(
                    pg.ErrorBarItem(
                        x=np.array([m]), y=np.array([y + dy]), left=np.array([m - lo]),
                        right=np.array([hi - m]), beam=0.12,
                        pen=pg.mkPen(INK, width=1.5),
                    )
                )
            text = pg.TextItem(words, color=INK, anchor=(0, 0.5) if m >= 0 else (1, 0.5))
            edge = hi if m >= 0 else lo
            text.setPos(edge if edge is not None else m, y + dy)
            plot.addItem(text)
    width = max(abs(min(span)), abs(max(span))) or 1.0
    plot.setXRange(-width * 2.8, width * 2.8, padding=0)
    plot.setYRange(-0.7, n - 0.3, padding=0)
    plot.getAxis("left").setTicks([ticks, []])
    plot.addItem(pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen(INK, width=1)))
    legend = plot.plotItem.legend
    if legend is not None:
        legend.clear()


def draw_frontier(plot: pg.PlotWidget, points: list[dict[str, Any]], best: dict[str, Any] | None) -> None:
    """Cost (x) against the smallest p_target_met (y); feasible circles, the rest crosses."""
    plot.clear()
    legend = plot.plotItem.legend
    if legend is not None:
        legend.clear()
    for meets, symbol, colour, name in (
        (True, "o", "#1d7a46", "Meets every target (circle)"),
        (False, "x", "#8a4b9c", "Misses a target (cross)"),
    ):
        chosen = [p for p in points if bool(p["meets"]) is meets]
        if chosen:
            plot.plot(
                [p["cost"] / 1e6 for p in chosen], [p["p_min"] * 100 for p in chosen], pen=None,
                symbol=symbol, symbolSize=11, symbolBrush=colour, symbolPen=colour, name=name,
            )
    if best is not None:
        plot.plot(
            [best["cost"] / 1e6], [best["p_min"] * 100], pen=None, symbol="star", symbolSize=22,
            symbolBrush="#f2c12e", symbolPen=INK, name="Cheapest plan (star)",
        )
    plot.setLabel("bottom", "Mean total cost (£ million)")
    plot.setLabel("left", "Runs meeting the hardest target (%)")
    plot.setYRange(0, 105, padding=0)
