"""Live plots of a run: queue length and rolling mean wait per service, one curve per variant.

Small multiples — one plot per service in a grid (three columns from five services on, in a
scroll area when there are many), all sharing the time axis — so a room can compare services
at a glance. Each plot's title is a word-wrapped label (never cut off); the unit is stated
once, above the grid, and the legend is a wrapping row of line samples that never clips.

Plots are made once per scenario and curves once per choice of variants; snapshots are only
appended to plain lists when they arrive, and a timer (15 Hz) redraws the curves that changed
with ``setData`` (the pyqtgraph PanningPlot pattern). Nothing here is touched by a worker
thread.
"""

from __future__ import annotations

import html
import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
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

from mission_desktop.gui.shared.date_axis import use_dates
from mission_desktop.gui.shared.palette import VARIANT_COLOURS
from mission_desktop.report.format import plural_unit
from mission_desktop.report.summary import baseline_id
from mission_desktop.sim.snapshots import Snapshot

METRICS = {
    "queue": "Queue length (people waiting)",
    "wait": "Rolling mean wait",
}
#: the rolling mean wait covers this share of the horizon
ROLLING_WINDOW_SHARE = 0.05
#: a plot is never drawn shorter than this (pixels at the default font); below it, scroll
MIN_PLOT_HEIGHT = 100
#: this many plots are repainted per pass of the event loop (each is a separate view with
#: its own repaint of a few milliseconds; see _redraw_some)
PLOTS_PER_TICK = 1


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


class _SmallPlot(pg.PlotWidget):
    """A plot that asks for no more than its minimum height: the grid fits the space it is
    given (a scroll area appears only when even the minimum does not fit)."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(200, max(self.minimumHeight(), 60))


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
        self._series: dict[str, _Series] = {}
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
        top.addStretch(1)
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
        first_plot: pg.PlotItem | None = None
        for sid, sname in self._services:
            title = QLabel(sname)
            title.setWordWrap(True)
            title.setFont(title_font)
            title.setMinimumWidth(40)
            title.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
            title.setStyleSheet("color: #111111;")
            title.setToolTip(sname)
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

    def _build_curves(self, variant_ids: list[str]) -> None:
        """One curve per (variant, service), and the legend; forgets the data."""
        running = self._timer.isActive()
        self._timer.stop()
        for (_vid, sid), curve in self._curves.items():
            plot = self._plots.get(sid)
            if plot is not None:
                plot.removeItem(curve)
        self._curves.clear()
        self._variant_ids = list(variant_ids)
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
            "Lines: " + ", ".join(e[0] + (" (baseline, dashed)" if e[2] else "") for e in entries)
        )
        self._dirty = False
        if running:
            self._timer.start()

    def _new_series(self) -> _Series:
        s = _Series()
        for sid, _ in self._services:
            s.queue[sid] = []
            s.wait[sid] = []
            s.recent[sid] = deque()
        return s

    def _apply_metric_labels(self) -> None:
        """The unit is stated once: in the selector's text and the time-axis note."""
        self.metric_combo.setItemText(
            list(METRICS).index("wait"), metric_title("wait", self._time_unit)
        )
        self.axis_label.setText(f"· across: time ({plural_unit(self._time_unit)})")

    # ------------------------------------------------------------------ data
    def clear(self) -> None:
        """Forget the data of the last run (the curves stay).

        The plots are emptied by the redraw timer, one per tick, not all at once here: at
        the start of a run that would repaint every plot in one pass of the event loop."""
        self._series = {v: self._new_series() for v in self._variant_ids}
        self.snapshots_drawn = 0
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

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
        """Draw every plot whose data changed (now, all at once)."""
        if self._dirty:
            self._dirty = False
            self._stale = set(self._plots)
        self._draw(list(self._stale))

    @Slot()
    def _redraw_some(self) -> None:
        """Timer tick: draw the next few plots whose data changed (round robin).

        Painting a plot costs a few milliseconds; drawing them a few per tick keeps every
        pass of the event loop short however many services there are."""
        if self._dirty:
            self._dirty = False
            self._stale = set(self._plots)
        if not self._stale:
            self._timer.stop()  # nothing new: add_snapshots starts it again
            return
        order = list(self._plots)
        n = len(order)
        chosen = []
        for k in range(n):
            sid = order[(self._cursor + k) % n]
            if sid in self._stale:
                chosen.append(sid)
                if len(chosen) == PLOTS_PER_TICK:
                    self._cursor = (self._cursor + k + 1) % n
                    break
        self._draw(chosen)

    def _draw(self, service_ids: list[str]) -> None:
        wanted = set(service_ids)
        self._stale -= wanted
        top: dict[str, float] = {}
        for vid, series in self._series.items():
            t = np.asarray(series.time, dtype=float)
            values = series.queue if self._metric == "queue" else series.wait
            for sid in service_ids:
                curve = self._curves.get((vid, sid))
                ys = values.get(sid)
                if curve is not None and ys is not None:
                    y = np.asarray(ys)
                    curve.setData(t, y)
                    finite = y[np.isfinite(y)]
                    if finite.size:
                        top[sid] = max(top.get(sid, 0.0), float(finite.max()))
        # y from 0 (a flat zero line must not autoscale to ±0.001)
        for sid in service_ids:
            plot = self._plots.get(sid)
            if plot is not None:
                plot.setYRange(0, max(top.get(sid, 0.0) * 1.08, 1.0), padding=0)

    def series(self, variant_id: str, service_id: str, metric: str = "queue"):
        """(times, values) received so far for one curve (tests, export)."""
        s = self._series[variant_id]
        values = s.queue if metric == "queue" else s.wait
        return list(s.time), list(values[service_id])

    @property
    def service_ids(self) -> list[str]:
        """The services that have a plot, in the order shown."""
        return list(self._plots)

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
        self.redraw()
        self.metric_changed.emit(metric)

    @Slot(int)
    def _on_metric_combo(self, index: int) -> None:
        self.set_metric(self.metric_combo.itemData(index))

    def export_png(self, path: str) -> bool:
        """Save the plots as they are shown now (what they show, legend, every plot)."""
        self._dirty = True
        self.redraw()
        heading = QLabel(
            f"{metric_title(self._metric, self._time_unit)} — across: time "
            f"({plural_unit(self._time_unit)})"
        )
        heading.setStyleSheet("background: white; color: #111111; padding: 4px;")
        font = QFont()
        font.setPointSize(self._font_pt)
        font.setBold(True)
        heading.setFont(font)
        width = max(self.grid_widget.width(), 200)
        heading.setFixedWidth(width)
        heading.adjustSize()
        parts = [heading.grab(), self.legend.grab(), self.grid_widget.grab()]
        height = sum(p.height() for p in parts)
        image = QPixmap(max(p.width() for p in parts), max(height, 1))
        image.fill(QColor("#FFFFFF"))
        painter = QPainter(image)
        y = 0
        for p in parts:
            painter.drawPixmap(QPoint(0, y), p)
            y += p.height()
        painter.end()
        heading.deleteLater()
        return image.save(str(path), "PNG")
