"""After a run, the plots show the mean over every replication with its 95% band instead of
replication 1 (a mixin of :class:`~mission_desktop.gui.run.plots.LivePlots`, which owns the
plots, curves and state used here)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from mission_desktop.gui.run.plot_marks import Band
from mission_desktop.gui.run.plot_style import variant_colour


class ResultsCurves:
    """Live or results: the caption, the bands and the results' series."""

    @property
    def scenario(self):
        return self._scenario

    @property
    def variant_ids(self) -> list[str]:
        """The variants that have curves, in order."""
        return list(self._variant_ids)

    @property
    def font_size(self) -> int:
        return self._font_pt

    def copy_data_from(self, other) -> None:
        """Show what ``other`` (plots of the same scenario and variants) shows (export)."""
        self._series = other._series
        self.snapshots_drawn = other.snapshots_drawn
        self.set_metric(other.metric)
        self.set_replications(other._replications)
        if other.mode == "results" and other._results is not None:
            self.show_results(other._results)
        self._dirty = True
        self.redraw()
        self._timer.stop()

    # ------------------------------------------------------------------ live or results
    @property
    def mode(self) -> str:
        """Either "live" (replication 1 as it runs) or "results" (mean of the replications)."""
        return self._mode

    def set_replications(self, n: int | None) -> None:
        """How many replications the run has (the live caption names it)."""
        self._replications = int(n) if n else None
        self._update_caption()

    def _enter_live(self) -> None:
        self._mode = "live"
        self._results = None
        self._remove_bands()
        self._update_caption()

    def _remove_bands(self) -> None:
        for band in self._bands.values():
            band.remove()
        self._bands.clear()

    def show_results(self, results: dict) -> None:
        """Replace the live curves with the mean over every replication and its 95% band
        (``results["series"]``, see sim/experiment.py). Results of other variants than
        those shown (the saved results of a scenario) show those variants instead."""
        if self._scenario is None:
            return
        series = results.get("series") or {}
        shown = [v for v in (results.get("variants") or {}) if v in series]
        if not shown:
            return
        if shown != self._variant_ids:
            self._build_curves(shown)
        self._enter_results(results)
        # drawn by the redraw timer, a plot per tick: the window never freezes
        if not self._timer.isActive():
            self._timer.start()

    @property
    def drawing(self) -> bool:
        """True while some plot still waits to be redrawn (the timer is on it)."""
        return bool(self._dirty or self._stale)

    def _enter_results(self, results: dict) -> None:
        self._mode = "results"
        self._results = results
        self._replications = int((results.get("run") or {}).get("replications") or 0) or None
        self._remove_bands()
        index = self._variant_index()
        base = next((v for v, i in index.items() if i == 0), None)
        for vid in self._variant_ids:
            colour = variant_colour(index.get(vid, 1), vid == base)
            for sid, plot in self._plots.items():
                self._bands[(vid, sid)] = Band(plot, colour)
        self._dirty = True
        self._update_caption()

    def _results_curve(self, vid: str, sid: str):
        """(times, mean, lows, highs) of one curve from the results (None if not there)."""
        if self._results is None:
            return None
        vseries = (self._results.get("series") or {}).get(vid) or {}
        svc = (vseries.get("services") or {}).get(sid)
        key = "queue" if self._metric == "queue" else "wait"
        if not svc or key not in svc or not vseries.get("time"):
            return None
        band = svc.get(f"{key}_ci95") or [svc[key], svc[key]]
        return vseries["time"], svc[key], band[0], band[1]

    def _shows_results(self) -> bool:
        """True when the metric shown has a results series (else replication 1 is shown)."""
        if self._mode != "results":
            return False
        return any(self._results_curve(v, s) for v in self._variant_ids for s in self._plots)

    def curves_description(self) -> str:
        """What the curves are, in words (the caption above the plots, export headings)."""
        n = self._replications
        if self._shows_results():
            return (
                f"Mean of {n:,} replications with 95% band"
                if n and n > 1
                else "Replication 1 (one replication: no band)"
            )
        if self._mode == "results":
            return "Replication 1 only (the results hold no series of this)"
        return f"Replication 1 of {n:,}, live" if n else "Replication 1, live"

    def _update_caption(self) -> None:
        """The caption says what the curves are (the warm-up and policy starts are
        labelled in the plots themselves)."""
        text = self.curves_description()
        self.caption.setText(text)
        self.caption.setAccessibleDescription(text)

    def band(self, variant_id: str, service_id: str) -> Band | None:
        """The 95% band drawn for one curve (results only; tests)."""
        return self._bands.get((variant_id, service_id))

    def curve_data(self, variant_id: str, service_id: str) -> tuple[list[float], list[float]]:
        """(times, values) as drawn now for one curve (tests, export)."""
        curve = self._curves[(variant_id, service_id)]
        t, y = curve.getData()
        if t is None:
            return [], []
        return list(t), list(y)

    def policy_lines(self) -> list[tuple[str, pg.InfiniteLine]]:
        """(service id, line) of every policy start drawn (tests)."""
        return list(self._policy_lines)

    def _draw_results(self, service_ids: list[str]) -> dict[str, float]:
        """Draw the results' mean and band of these plots; the top of each band."""
        top: dict[str, float] = {}
        for vid in self._variant_ids:
            for sid in service_ids:
                data = self._results_curve(vid, sid)
                curve = self._curves.get((vid, sid))
                band = self._bands.get((vid, sid))
                if data is None or curve is None:
                    continue
                t, mean, lows, highs = (np.asarray(x, dtype=float) for x in data)
                lows = np.maximum(lows, 0.0)  # a queue or a wait is never below zero
                curve.setData(t, mean)
                if band is not None:
                    band.set_data(t, lows, highs)
                finite = highs[np.isfinite(highs)]
                if finite.size:
                    top[sid] = max(top.get(sid, 0.0), float(finite.max()))
        return top
