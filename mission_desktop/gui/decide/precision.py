"""Decide › How many runs?: replications added in rounds (Hoad, Robinson & Davies 2010, with
look-ahead) until every figure and every paired difference from the baseline is within the
chosen precision; the CI half-width against replications, the number needed, and Apply."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from mission_desktop.gui.decide.base import DecideDialog
from mission_desktop.gui.decide.charts import plot_widget


class _Recording:
    """An executor that keeps every replication it hands back (for the half-width curve)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.done: dict[tuple, Any] = {}

    def map(self, scenario, tasks, **kwargs):
        done = self.inner.map(scenario, tasks, **kwargs)
        self.done.update(done)
        return done


def half_width_curve(done: dict[tuple, Any], variants: list[str], n: int, precision: float) -> list[float | None]:
    """The widest 95% CI half-width relative to what it is measured against (|mean|, or
    |baseline| for a difference whose CI does not exclude 0), over every figure and difference,
    after 1..n replications — the quantity the stop rule compares with the precision."""
    from mission_desktop.decide.precision import _Checks

    reps = {v: [done[(v, r)] for r in range(n)] for v in variants}
    ratio = _Checks(reps, precision).ratio
    out: list[float | None] = []
    for m in range(n):
        col = ratio[:, m]
        col = col[[math.isfinite(x) for x in col]]
        out.append(float(col.max()) * precision if len(col) and m >= 1 else None)
    return out


class PrecisionDialog(DecideDialog):
    title = "How many runs?"
    intro = (
        "Each replication is one possible year. With too few, the answers are luck; with too many, "
        "you wait for nothing. This adds replications in rounds until every figure, and every "
        "difference from the baseline, is known to within the precision you choose (95% CI)."
    )
    apply_text = "&Apply the number of runs"

    def settings(self, row: QHBoxLayout) -> None:
        self.precision = self.number_setting(
            row,
            "&Precision ±",
            (1, 50),
            5,
            ("Precision", "How close each 95% CI must be, as a share of the mean"),
            "%",
        )
        self.budget = self.number_setting(
            row,
            "&Budget:",
            (5, 2000),
            100,
            ("Budget", "The most replications per variant it may run"),
            " replications",
        )

    def build_body(self, body: QVBoxLayout) -> None:
        self.answer = QLabel(self)
        self.answer.setTextFormat(Qt.TextFormat.PlainText)
        self.answer.setAccessibleName("Replications needed")
        font = self.answer.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.answer.setFont(font)
        body.addWidget(self.answer)
        self.plot = plot_widget(self, "Widest 95% CI half-width against replications")
        body.addWidget(self.plot, 1)

    def work(self) -> Callable[..., dict[str, Any]]:
        from mission_desktop.decide.precision import run_to_precision
        from mission_desktop.sim.analysis import overload_warnings

        scenario, make = self.scenario, self.executor_factory()
        precision, budget = self.precision.value() / 100, self.budget.value()
        variants = [v.id for v in scenario.effective_variants]

        def run(progress, cancel) -> dict[str, Any]:
            overloads = [w for v in variants for w in overload_warnings(scenario, v)]
            if overloads:  # never settles: more runs only measure a queue that keeps growing
                return {"overloaded": overloads}
            with make() as inner:
                executor = _Recording(inner)
                results = run_to_precision(
                    scenario, precision, max_replications=budget, variants=variants,
                    executor=executor, progress=progress, cancel=cancel,
                )
            n = results["precision"]["run"]
            results["half_width_curve"] = half_width_curve(executor.done, variants, n, precision)
            return results

        return run

    def needed(self) -> int | None:
        if self.result is None or "precision" not in self.result:
            return None
        return self.result["precision"]["solution"]

    def show_result(self, result: dict[str, Any]) -> None:
        self.plot.clear()
        if "overloaded" in result:
            self.answer.setText("No number of runs will do: the system is overloaded.")
            self._say("Overloaded: " + "; ".join(result["overloaded"]))
            self.apply_button.setEnabled(False)
            return
        p = result["precision"]
        m = p["solution"]
        if m is None:
            self.answer.setText(f"Not reached within {p['budget']} replications.")
        else:
            self.answer.setText(f"Replications needed: {m} (for ±{p['target']:.0%})")
        self._say(f"Why: {p['reason']}.")
        self.apply_button.setEnabled(m is not None)
        curve = result.get("half_width_curve") or []
        xs = [i + 1 for i, y in enumerate(curve) if y is not None]
        ys = [y * 100 for y in curve if y is not None]
        if ys:
            top = min(max(ys), p["target"] * 100 * 6)
            self.plot.plot(
                xs, [min(y, top) for y in ys], pen=pg.mkPen("#1f4e79", width=3),
                symbol="o", symbolSize=6, symbolBrush="#1f4e79", name="Widest half-width (% of mean)",
            )
            self.plot.setYRange(0, top * 1.05)
        self.plot.addItem(
            pg.InfiniteLine(
                pos=p["target"] * 100, angle=0,
                pen=pg.mkPen("#b03a2e", width=2, style=Qt.PenStyle.DashLine),
                label=f"precision asked: ±{p['target']:.0%}",
                labelOpts={"position": 0.85, "color": "#b03a2e"},
            )
        )
        if m is not None:
            self.plot.addItem(
                pg.InfiniteLine(
                    pos=m, angle=90, pen=pg.mkPen("#1d7a46", width=2, style=Qt.PenStyle.DotLine),
                    label=f"needed: {m}", labelOpts={"position": 0.9, "color": "#1d7a46"},
                )
            )
        self.plot.setLabel("bottom", "Replications")
        self.plot.setLabel("left", "Half-width (% of the mean)")

    def apply(self) -> None:
        m = self.needed()
        if m is None:
            return

        def change(doc: dict[str, Any]) -> None:
            doc["run"]["replications"] = int(m)

        if not self.edit_scenario(change, "Set replications (to precision)"):
            return
        self._say(f"The run now has {m} replications (Undo takes it back).")
        self.applied.emit("replications")
