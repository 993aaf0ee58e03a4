"""Live plots of a run: queue length and rolling mean wait per service, one curve per variant.

Small multiples — one plot per service in a grid (three columns from five services on, in a
scroll area when there are many), all sharing the time axis — so a room can compare services
at a glance. Each plot's title is a word-wrapped label (never cut off); the unit is stated
once, above the grid, and the legend is a wrapping row of line samples that never clips.

Plots are made once per scenario and curves once per choice of variants; snapshots are only
appended to plain lists when they arrive, and a timer (15 Hz) redraws the curves that changed
with ``setData`` (the pyqtgraph PanningPlot pattern). Nothing here is touched by a worker
thread.

During a run the curves are replication 1, live (the caption says so); when the results
arrive (:meth:`LivePlots.show_results`) they become the mean over every replication with its
95% band. The warm-up is shaded and labelled, and each policy's start is a labelled dashed
line (plot_marks.py).

The grid of plots is built in plot_grid.py, snapshots are received and the curves redrawn in
plot_redraw.py, and the results' curves and bands drawn in plot_results.py (mixins of
:class:`LivePlots`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.run.plot_data import LiveSeries
from mission_desktop.gui.run.plot_grid import PlotGridMixin
from mission_desktop.gui.run.plot_marks import add_policy_line, policy_starts
from mission_desktop.gui.run.plot_redraw import RedrawMixin
from mission_desktop.gui.run.plot_results import ResultsCurves
from mission_desktop.gui.run.plot_style import (
    METRICS,
    baseline_id,
    legend_html,
    metric_title,
    plural_unit,
    variant_colour,
    variant_pen,
)
from mission_desktop.gui.shared.text import plain_tip


class LivePlots(RedrawMixin, PlotGridMixin, ResultsCurves, QWidget):
    """Small multiples of queue length (or rolling mean wait) per service."""

    metric_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, redraw_hz: float = 8.0) -> None:
        super().__init__(parent)
        self.setAccessibleName("Live plots")
        self.setAccessibleDescription(
            "One plot per service showing the queue (or the rolling mean wait) over time, "
            "one line per variant; the baseline is dashed."
        )
        self._scenario = None
        self._time_unit = "day"
        self._horizon = 1.0
        self._variant_ids: list[str] = []
        self._services: list[tuple[str, str]] = []  # (id, name)
        self._series: dict[str, LiveSeries] = {}
        self._curves: dict[tuple[str, str], pg.PlotDataItem] = {}
        self._plots: dict[str, pg.PlotItem] = {}
        self._plot_widgets: dict[str, pg.PlotWidget] = {}
        self.titles: dict[str, QLabel] = {}
        self._cells: list[tuple[QLabel, pg.PlotWidget]] = []
        self._columns = 0
        self._metric = "queue"
        self._dirty = False
        self._font_pt = 13
        self.snapshots_drawn = 0  # how many snapshots the plots have received (tests, status)
        #: "live" (replication 1 as it runs) or "results" (mean of the replications, band)
        self._mode = "live"
        self._replications: int | None = None
        self._results: dict | None = None
        self._bands: dict = {}  # (variant id, service id) → plot_marks.Band
        self._policy_lines: list[tuple[str, pg.InfiniteLine]] = []
        self.warm_up_regions: dict[str, pg.LinearRegionItem] = {}

        self.metric_combo = QComboBox()
        for key, text in METRICS.items():
            self.metric_combo.addItem(text, key)
        self.metric_combo.setAccessibleName("Plot shows")
        self.metric_combo.setToolTip("Choose what the plots show")
        self.metric_combo.currentIndexChanged.connect(self._on_metric_combo)
        metric_label = QLabel("&Plot shows:")
        metric_label.setBuddy(self.metric_combo)
        self.axis_label = QLabel()
        self.axis_label.setAccessibleName("Time axis")

        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setAccessibleName("Legend of the live plots")
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        #: what the curves are: "Replication 1 of 10, live" or "Mean of 10 replications…"
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("font-weight: bold;")
        self.caption.setAccessibleName("What the curves show")
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # never a sliver beside the selector (a zoomed window left it one letter wide): at
        # least a dozen characters, wrapped onto more lines when the row is short of room
        self.caption.setMinimumWidth(self.caption.fontMetrics().horizontalAdvance("M" * 12))

        self.grid_widget = QWidget()
        self.grid_widget.setAccessibleName("Live plots of each service")
        self.grid_widget.setAutoFillBackground(True)
        pal = self.grid_widget.palette()
        pal.setColor(self.grid_widget.backgroundRole(), QColor("#FFFFFF"))
        self.grid_widget.setPalette(pal)
        self._grid = QGridLayout(self.grid_widget)
        self._grid.setContentsMargins(6, 6, 6, 6)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(8)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.grid_widget)

        top = QHBoxLayout()
        top.addWidget(metric_label)
        top.addWidget(self.metric_combo)
        top.addWidget(self.axis_label)
        top.addSpacing(12)
        top.addWidget(self.caption, 1)
        #: the selector row (hidden in an exported image, which states the metric in words)
        self.selector_widgets = (metric_label, self.metric_combo, self.axis_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        layout.addWidget(self.scroll, 1)

        self._redraw_hz = redraw_hz
        self._stale: set[str] = set()
        self._cursor = 0
        self._timer = QTimer(self)
        self._timer.setInterval(max(int(1000 / redraw_hz), 10))
        self._timer.timeout.connect(self._redraw_some)

    # ------------------------------------------------------------------ setup
    def set_scenario(self, scenario, variant_ids: Iterable[str] | None = None) -> None:
        """Build one plot per service and one curve per variant (curves made once here)."""
        self._scenario = scenario
        self._time_unit = scenario.time_unit
        self._horizon = float(scenario.run.horizon)
        self._services = [(s.id, s.name) for s in scenario.services]
        if variant_ids is None:
            variant_ids = [v.id for v in scenario.effective_variants]
        self._build(list(variant_ids))

    def set_variants(self, variant_ids: Iterable[str]) -> None:
        """Show these variants (clears the data: call at the start of a run).

        Only the curves are remade when the variants change; the plots stay (cheap)."""
        if self._scenario is None:
            return
        variant_ids = list(variant_ids)
        if variant_ids == self._variant_ids and self._plots:
            self.clear()
        else:
            self._build_curves(variant_ids)

    def set_font_size(self, points: int) -> None:
        """Presentation zoom: larger text on axes, titles and legend."""
        self._font_pt = max(int(points), 6)
        if self._scenario is not None:
            series, drawn, running = self._series, self.snapshots_drawn, self._timer.isActive()
            results = self._results if self._mode == "results" else None
            self._build(self._variant_ids)
            self._series, self.snapshots_drawn = series, drawn
            if results is not None:
                self._enter_results(results)
            self._dirty = True
            self.redraw()
            if running:
                self._timer.start()

    def _variant_names(self) -> dict[str, str]:
        if self._scenario is None:
            return {}
        return {v.id: v.name for v in self._scenario.effective_variants}

    def _variant_index(self) -> dict[str, int]:
        """Stable colour index: position among all the scenario's variants, baseline 0."""
        if self._scenario is None:
            return {}
        all_ids = [v.id for v in self._scenario.effective_variants]
        base = baseline_id(all_ids)
        others = [v for v in all_ids if v != base]
        out = {v: i + 1 for i, v in enumerate(others)}
        if base is not None:
            out[base] = 0
        return out

    def _build_curves(self, variant_ids: list[str]) -> None:
        """One curve per (variant, service), and the legend; forgets the data."""
        running = self._timer.isActive()
        self._timer.stop()
        for (_vid, sid), curve in self._curves.items():
            plot = self._plots.get(sid)
            if plot is not None:
                plot.removeItem(curve)
        self._curves.clear()
        self._remove_bands()
        for sid, line in self._policy_lines:
            plot = self._plots.get(sid)
            if plot is not None:
                plot.removeItem(line)
        self._policy_lines = []
        self._variant_ids = list(variant_ids)
        self._enter_live()
        mark_font = QFont()
        mark_font.setPointSize(max(self._font_pt - 3, 6))
        if self._scenario is not None:
            for t, text in policy_starts(self._scenario, self._variant_ids, self._horizon):
                for sid, plot in self._plots.items():
                    line = add_policy_line(plot, t, text, mark_font, self._horizon)
                    self._policy_lines.append((sid, line))
        self._series = {v: self._new_series() for v in self._variant_ids}
        self.snapshots_drawn = 0
        names = self._variant_names()
        index = self._variant_index()
        base = next((v for v, i in index.items() if i == 0), None)
        entries = []
        for vid in self._variant_ids:
            entries.append(
                (names.get(vid, vid), variant_colour(index.get(vid, 1), vid == base), vid == base)
            )
            pen = variant_pen(index.get(vid, 1), vid == base, width=2)
            for sid, plot in self._plots.items():
                curve = plot.plot([], [], pen=pen, connect="finite")
                if vid == base:
                    # drawn on top: where a policy changes nothing at a service, its line
                    # coincides with the baseline (common random numbers) and the dashed
                    # baseline stays visible rather than hidden under the last variant
                    curve.setZValue(10)
                self._curves[(vid, sid)] = curve
        self.legend.setText(legend_html(entries, max(self._font_pt - 1, 6)))
        self.legend.setToolTip(
            plain_tip(
                "Lines: "
                + ", ".join(e[0] + (" (baseline, dashed)" if e[2] else "") for e in entries)
            )
        )
        self._dirty = False
        if running:
            self._timer.start()

    def _new_series(self) -> LiveSeries:
        return LiveSeries.for_services([sid for sid, _ in self._services])

    def _apply_metric_labels(self) -> None:
        """The unit is stated once: in the selector's text and the time-axis note."""
        self.metric_combo.setItemText(
            list(METRICS).index("wait"), metric_title("wait", self._time_unit)
        )
        self.axis_label.setText(f"· across: time ({plural_unit(self._time_unit)})")

    # ------------------------------------------------------------------ data
    # ------------------------------------------------------------------ metric & export
    @property
    def metric(self) -> str:
        return self._metric

    def set_metric(self, metric: str) -> None:
        if metric not in METRICS or metric == self._metric:
            return
        self._metric = metric
        self.metric_combo.setCurrentIndex(list(METRICS).index(metric))
        self._dirty = True
        self._update_caption()
        self.redraw()
        self.metric_changed.emit(metric)

    @Slot(int)
    def _on_metric_combo(self, index: int) -> None:
        self.set_metric(self.metric_combo.itemData(index))

    def export_png(self, path: str, width: int = 1920) -> bool:
        """Save the plots at slide resolution (at least ``width`` pixels wide, whatever
        their size on screen) with a heading: the scenario, what the curves show, the time
        axis and the legend (plot_export.py)."""
        from mission_desktop.gui.run.plot_export import render_plots

        image = render_plots(self, width)
        return not image.isNull() and image.save(str(path), "PNG")
