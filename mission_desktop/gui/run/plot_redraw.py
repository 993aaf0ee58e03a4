"""Snapshots in, curves out: the live plots append each snapshot to plain lists (cheap), and
a timer redraws the plots whose data changed, a few per pass of the event loop, with
``setData`` (the pyqtgraph PanningPlot pattern). A mixin of
:class:`~mission_desktop.gui.run.plots.LivePlots` (which owns the series, the curves, the
plots and the timer)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import Slot

from mission_desktop.gui.run.plot_data import ROLLING_WINDOW_SHARE
from mission_desktop.sim.snapshots import Snapshot

#: this many plots are repainted per pass of the event loop (each is a separate view with
#: its own repaint of a few milliseconds; see _redraw_some)
PLOTS_PER_TICK = 1


class RedrawMixin:
    """See the module docstring."""

    def clear(self) -> None:
        """Forget the data of the last run (the curves stay).

        The plots are emptied by the redraw timer, one per tick, not all at once here: at
        the start of a run that would repaint every plot in one pass of the event loop."""
        self._series = {v: self._new_series() for v in self._variant_ids}
        self.snapshots_drawn = 0
        self._enter_live()
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
            if series is not None and series.append(snap, window):
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
        if self._shows_results():
            self._set_y_ranges(service_ids, self._draw_results(service_ids))
            return
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
        self._set_y_ranges(service_ids, top)

    def _set_y_ranges(self, service_ids: list[str], top: dict[str, float]) -> None:
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
