"""The grid of the live plots: one titled plot per service, in as many columns as the width
allows (see plot_style.plot_columns), each never shorter than its minimum (below it, the grid
scrolls). A mixin of :class:`~mission_desktop.gui.run.plots.LivePlots` (which owns the grid
layout, the scroll area, the fonts and the curves)."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QSizePolicy

from mission_desktop.gui.run.plot_marks import add_warm_up
from mission_desktop.gui.run.plot_redraw import PLOTS_PER_TICK
from mission_desktop.gui.run.plot_style import plot_columns
from mission_desktop.gui.shared.date_axis import use_dates
from mission_desktop.gui.shared.text import plain_label, plain_tip

#: a plot is never drawn shorter than this (pixels at the default font); below it, scroll
MIN_PLOT_HEIGHT = 100


class _SmallPlot(pg.PlotWidget):
    """A plot that asks for no more than its minimum height: the grid fits the space it is
    given (a scroll area appears only when even the minimum does not fit)."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(200, max(self.minimumHeight(), 60))


class PlotGridMixin:
    """See the module docstring."""

    def _clear_grid(self) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self._plots.clear()
        self._cells = []
        self._plot_widgets.clear()
        self._curves.clear()
        self._bands.clear()
        self._policy_lines = []
        self.warm_up_regions.clear()
        self.titles.clear()

    def _build(self, variant_ids: list[str]) -> None:
        """One titled plot per service (every service, however many), then the curves."""
        self._timer.stop()
        self._clear_grid()
        self._cells = []
        tick_font = QFont()
        tick_font.setPointSize(max(self._font_pt - 2, 6))
        title_font = QFont()
        title_font.setPointSize(max(self._font_pt - 1, 6))
        title_font.setBold(True)
        min_h = round(MIN_PLOT_HEIGHT * self._font_pt / 13)
        mark_font = QFont()
        mark_font.setPointSize(max(self._font_pt - 3, 6))
        warm_up = float(self._scenario.run.warm_up) if self._scenario is not None else 0.0
        first_plot: pg.PlotItem | None = None
        for sid, sname in self._services:
            title = plain_label(QLabel(), sname)
            title.setWordWrap(True)
            title.setFont(title_font)
            title.setMinimumWidth(40)
            title.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
            title.setStyleSheet("color: #111111;")
            title.setToolTip(plain_tip(sname))
            title.setAccessibleName(f"Plot of {sname}")
            title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            widget = _SmallPlot(background="w")
            widget.setMinimumHeight(min_h)
            widget.setAccessibleName(f"Live plot of {sname}")
            widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
            plot = widget.getPlotItem()
            plot.showGrid(x=False, y=True, alpha=0.25)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            use_dates(plot, self._scenario)  # dates on the time axis where it has them
            for axis_name in ("left", "bottom"):
                axis = plot.getAxis(axis_name)
                axis.setStyle(tickFont=tick_font, tickTextOffset=4)
                axis.setPen(pg.mkPen("#444"))
                axis.setTextPen(pg.mkPen("#222"))
            plot.setXRange(0, self._horizon, padding=0.02)
            plot.setYRange(0, 1, padding=0)
            plot.setLimits(xMin=0, xMax=self._horizon * 1.02)
            region = add_warm_up(plot, min(warm_up, self._horizon), mark_font)
            if region is not None:
                self.warm_up_regions[sid] = region
            if first_plot is None:
                first_plot = plot
            else:
                plot.setXLink(first_plot)
            self._cells.append((title, widget))
            self._plots[sid] = plot
            self._plot_widgets[sid] = widget
            self.titles[sid] = title
        self._columns = 0
        self._arrange()
        # each plot redrawn redraw_hz times a second, a few plots per timer tick
        ticks = max(math.ceil(len(self._plots) / PLOTS_PER_TICK), 1)
        self._timer.setInterval(max(int(1000 / (self._redraw_hz * ticks)), 10))
        self._apply_metric_labels()
        self._build_curves(variant_ids)

    def _arrange(self) -> None:
        """Place the plots in as many columns as the width allows (see plot_columns)."""
        width = self.scroll.viewport().width() if self.isVisible() else None
        cols = plot_columns(len(self._cells), width, self._font_pt)
        if cols == self._columns:
            return
        self._columns = cols
        for title, widget in self._cells:
            self._grid.removeWidget(title)
            self._grid.removeWidget(widget)
        for c in range(self._grid.columnCount()):
            self._grid.setColumnStretch(c, 0)
        for r in range(self._grid.rowCount()):
            self._grid.setRowStretch(r, 0)
        # titles in a row of their own: a row's plots line up however their titles wrap
        for i, (title, widget) in enumerate(self._cells):
            row, col = divmod(i, cols)
            self._grid.addWidget(title, 2 * row, col)
            self._grid.addWidget(widget, 2 * row + 1, col)
            self._grid.setRowStretch(2 * row + 1, 1)
        for c in range(cols):
            self._grid.setColumnStretch(c, 1)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self._cells:
            self._arrange()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._cells:
            self._arrange()

    @property
    def columns(self) -> int:
        return self._columns
