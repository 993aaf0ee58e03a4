"""Live plots of a run: queue length and rolling mean wait per service, one curve per variant.

Small multiples — one plot per service in a grid, all sharing the time axis — so a room can
compare services at a glance. Curves are created once per run; snapshots are only appended to
plain lists when they arrive, and a timer (15 Hz) redraws the curves that changed with
``setData`` (the pyqtgraph PanningPlot pattern). Nothing here is touched by a worker thread.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mission_desktop.sim.snapshots import Snapshot

from .palette import VARIANT_COLOURS

METRICS = {
    "queue": "Queue length (people waiting)",
    "wait": "Rolling mean wait",
}
PLURAL_UNITS = {"minute": "minutes", "hour": "hours", "day": "days", "week": "weeks"}
#: the rolling mean wait covers this share of the horizon
ROLLING_WINDOW_SHARE = 0.05


def plural_unit(time_unit: str) -> str:
    return PLURAL_UNITS.get(time_unit, time_unit + "s")


def baseline_id(variant_ids: Iterable[str]) -> str | None:
    ids = list(variant_ids)
    if "baseline" in ids:
        return "baseline"
    return ids[0] if ids else None


def variant_pen(index: int, is_baseline: bool, width: float = 3.0) -> pg.mkPen:
    """Baseline: black dashed. Others: solid, in distinct Okabe–Ito colours."""
    if is_baseline:
        return pg.mkPen(VARIANT_COLOURS[0], width=width, style=Qt.PenStyle.DashLine)
    colours = VARIANT_COLOURS[1:]
    return pg.mkPen(colours[(index - 1) % len(colours)], width=width)


@dataclass
class _Series:
    """The time series of one variant: plain lists, appended from the GUI thread."""

    time: list[float] = field(default_factory=list)
    queue: dict[str, list[float]] = field(default_factory=dict)
    wait: dict[str, list[float]] = field(default_factory=dict)
    recent: dict[str, deque] = field(default_factory=dict)


class LivePlots(QWidget):
    """Small multiples of queue length (or rolling mean wait) per service."""

    metric_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, redraw_hz: float = 15.0) -> None:
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
        self._series: dict[str, _Series] = {}
        self._curves: dict[tuple[str, str], pg.PlotDataItem] = {}
        self._plots: dict[str, pg.PlotItem] = {}
        self._legend: pg.LegendItem | None = None
        self._metric = "queue"
        self._dirty = False
        self._font_pt = 13
        self.snapshots_drawn = 0  # how many snapshots the plots have received (tests, status)

        self.metric_combo = QComboBox()
        for key, text in METRICS.items():
            self.metric_combo.addItem(text, key)
        self.metric_combo.setAccessibleName("Plot shows")
        self.metric_combo.setToolTip("Choose what the plots show")
        self.metric_combo.currentIndexChanged.connect(self._on_metric_combo)
        metric_label = QLabel("&Plot shows:")
        metric_label.setBuddy(self.metric_combo)

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.graphics.setAccessibleName("Live plots of each service")
        self.graphics.ci.setSpacing(12)

        top = QHBoxLayout()
        top.addWidget(metric_label)
        top.addWidget(self.metric_combo)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.graphics, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(max(int(1000 / redraw_hz), 10))
        self._timer.timeout.connect(self.redraw)

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
        """Show these variants (clears the data: call at the start of a run)."""
        if self._scenario is None:
            return
        variant_ids = list(variant_ids)
        if variant_ids == self._variant_ids and self._plots:
            self.clear()  # same curves: only forget the data (cheap)
        else:
            self._build(variant_ids)

    def set_font_size(self, points: int) -> None:
        """Presentation zoom: larger text on axes, titles and legend."""
        self._font_pt = max(int(points), 6)
        if self._scenario is not None:
            series, drawn, running = self._series, self.snapshots_drawn, self._timer.isActive()
            self._build(self._variant_ids)
            self._series, self.snapshots_drawn = series, drawn
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

    def _build(self, variant_ids: list[str]) -> None:
        self._timer.stop()
        self.graphics.clear()
        self._plots.clear()
        self._curves.clear()
        self._variant_ids = variant_ids
        self._series = {v: self._new_series() for v in variant_ids}
        self.snapshots_drawn = 0
        n = len(self._services)
        cols = 1 if n <= 1 else 2 if n <= 4 else 3 if n <= 9 else 4
        rows = math.ceil(n / cols) if n else 0
        tick_font = QFont()
        tick_font.setPointSize(self._font_pt)
        label_style = {"font-size": f"{self._font_pt + 1}pt", "color": "#222"}
        names = self._variant_names()
        index = self._variant_index()
        base = next((v for v, i in index.items() if i == 0), None)

        self._legend = pg.LegendItem(
            colCount=max(len(variant_ids), 1),
            labelTextSize=f"{self._font_pt + 1}pt",
            labelTextColor="#222",
            brush=pg.mkBrush(255, 255, 255, 230),
        )
        self.graphics.ci.addItem(self._legend, row=0, col=0, colspan=max(cols, 1))
        first_plot: pg.PlotItem | None = None
        for i, (sid, sname) in enumerate(self._services):
            row, col = divmod(i, cols)
            plot = self.graphics.ci.addPlot(row=row + 1, col=col)
            plot.setTitle(sname, size=f"{self._font_pt + 3}pt", color="#111")
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            for axis_name in ("left", "bottom"):
                axis = plot.getAxis(axis_name)
                axis.setStyle(tickFont=tick_font, tickTextOffset=6)
                axis.setPen(pg.mkPen("#444"))
                axis.setTextPen(pg.mkPen("#222"))
            if row == rows - 1 or i + cols >= n:
                plot.setLabel("bottom", f"time ({plural_unit(self._time_unit)})", **label_style)
            plot.setXRange(0, self._horizon, padding=0.02)
            plot.setYRange(0, 1, padding=0)
            plot.setLimits(xMin=0, xMax=self._horizon * 1.02)
            if first_plot is None:
                first_plot = plot
            else:
                plot.setXLink(first_plot)
            self._plots[sid] = plot
            for vid in variant_ids:
                pen = variant_pen(index.get(vid, 1), vid == base, width=3)
                curve = plot.plot([], [], pen=pen, connect="finite", name=None)
                self._curves[(vid, sid)] = curve
                if i == 0:
                    label = names.get(vid, vid) + (" (dashed)" if vid == base else "")
                    self._legend.addItem(curve, label)
        self._apply_metric_labels()
        self._dirty = False

    def _new_series(self) -> _Series:
        s = _Series()
        for sid, _ in self._services:
            s.queue[sid] = []
            s.wait[sid] = []
            s.recent[sid] = deque()
        return s

    def _apply_metric_labels(self) -> None:
        unit = plural_unit(self._time_unit)
        text = "people waiting" if self._metric == "queue" else f"mean wait ({unit})"
        style = {"font-size": f"{self._font_pt + 1}pt", "color": "#222"}
        for plot in self._plots.values():
            plot.setLabel("left", text, **style)

    # ------------------------------------------------------------------ data
    def clear(self) -> None:
        """Forget the data of the last run (the curves stay)."""
        self._series = {v: self._new_series() for v in self._variant_ids}
        self.snapshots_drawn = 0
        for curve in self._curves.values():
            curve.setData([], [])

    def start(self) -> None:
        """Start the redraw timer (call when a run starts)."""
        self._timer.start()

    def finish(self) -> None:
        """Draw the last data and stop the redraw timer."""
        self.redraw()
        self._timer.stop()

    @Slot(object)
    def add_snapshot(self, snapshot: Snapshot) -> None:
        self.add_snapshots([snapshot])

    @Slot(object)
    def add_snapshots(self, snapshots: Iterable[Snapshot]) -> None:
        """Append snapshots (cheap: no drawing here; the timer redraws)."""
        window = self._horizon * ROLLING_WINDOW_SHARE
        for snap in snapshots:
            series = self._series.get(snap.variant_id)
            if series is None:
                continue
            t = float(snap.time)
            if series.time and t < series.time[-1]:
                continue  # a new replication restarted the clock: ignore stale data
            series.time.append(t)
            for svc in snap.services:
                queue = series.queue.get(svc.id)
                if queue is None:
                    continue
                queue.append(float(svc.waiting))
                recent = series.recent[svc.id]
                if svc.recent_mean_wait is not None:
                    recent.append((t, float(svc.recent_mean_wait)))
                while recent and recent[0][0] < t - window:
                    recent.popleft()
                series.wait[svc.id].append(
                    sum(w for _, w in recent) / len(recent) if recent else math.nan
                )
            self.snapshots_drawn += 1
            self._dirty = True
        if self._dirty and not self._timer.isActive():
            self._timer.start()

    @Slot()
    def redraw(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        top: dict[str, float] = {}
        for vid, series in self._series.items():
            if not series.time:
                continue
            t = np.asarray(series.time)
            values = series.queue if self._metric == "queue" else series.wait
            for sid, ys in values.items():
                curve = self._curves.get((vid, sid))
                if curve is not None:
                    y = np.asarray(ys)
                    curve.setData(t, y)
                    finite = y[np.isfinite(y)]
                    if finite.size:
                        top[sid] = max(top.get(sid, 0.0), float(finite.max()))
        # y from 0 (a flat zero line must not autoscale to ±0.001)
        for sid, plot in self._plots.items():
            plot.setYRange(0, max(top.get(sid, 0.0) * 1.08, 1.0), padding=0)

    def series(self, variant_id: str, service_id: str, metric: str = "queue"):
        """(times, values) received so far for one curve (tests, export)."""
        s = self._series[variant_id]
        values = s.queue if metric == "queue" else s.wait
        return list(s.time), list(values[service_id])

    # ------------------------------------------------------------------ metric & export
    @property
    def metric(self) -> str:
        return self._metric

    def set_metric(self, metric: str) -> None:
        if metric not in METRICS or metric == self._metric:
            return
        self._metric = metric
        self.metric_combo.setCurrentIndex(list(METRICS).index(metric))
        self._apply_metric_labels()
        self._dirty = True
        self.redraw()
        self.metric_changed.emit(metric)

    @Slot(int)
    def _on_metric_combo(self, index: int) -> None:
        self.set_metric(self.metric_combo.itemData(index))

    def export_png(self, path: str) -> bool:
        """Save the plots as they are shown now as a PNG file."""
        self._dirty = True
        self.redraw()
        return self.graphics.grab().save(str(path), "PNG")
