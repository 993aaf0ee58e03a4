"""Decide › Warm-up…: MSER-5 over several replications, the cumulative mean of each service's
queue length and wait with the suggested warm-up marked, the reason in words, and Apply."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from mission_desktop.gui.decide.base import DecideDialog
from mission_desktop.gui.decide.charts import plot_widget

KINDS = (("queue", "queue length"), ("wait", "wait"))


class WarmupDialog(DecideDialog):
    title = "Warm-up"
    intro = (
        "A run starts empty, so its first weeks are not typical. This runs the baseline several "
        "times and finds, for each service, when its queue length and wait settle (MSER-5). "
        "Apply sets the run's warm-up to the largest; results leave that time out."
    )
    apply_text = "&Apply the suggested warm-up"

    def settings(self, row: QHBoxLayout) -> None:
        self.replications = self.number_setting(
            row,
            "Re&plications:",
            (2, 200),
            max(5, self.scenario.run.replications),
            ("Replications", "More replications give a smoother mean"),
        )

    def build_body(self, body: QVBoxLayout) -> None:
        self.series_combo = self.choice_row(
            body,
            "&Show:",
            ("Series shown", "Which service's queue length or wait the plot shows"),
            self._plot,
        )
        self.plot = plot_widget(self, "Cumulative mean over replications")
        body.addWidget(self.plot, 1)

    def work(self) -> Callable[..., dict[str, Any]]:
        from mission_desktop.decide.warmup import warmup

        scenario, n, make = self.scenario, self.replications.value(), self.executor_factory()

        def run(progress, cancel) -> dict[str, Any]:
            with make() as executor:
                return warmup(
                    scenario, replications=n, executor=executor, progress=progress, cancel=cancel
                )

        return run

    def suggestion(self) -> float | None:
        return None if self.result is None else self.result.get("suggested")

    def show_result(self, result: dict[str, Any]) -> None:
        unit = result.get("time_unit", "day")
        s = result.get("suggested")
        if s is None:
            head = "No warm-up can be suggested."
        else:
            head = f"Suggested warm-up: {s:g} {unit}s."
        self._say(f"{head} Why: {result.get('reason', '')}.")
        self.apply_button.setEnabled(s is not None)
        self.series_combo.blockSignals(True)
        self.series_combo.clear()
        for service in self.scenario.services:
            if service.id not in result["series"]["services"]:
                continue
            for kind, words in KINDS:
                self.series_combo.addItem(f"{service.name}: {words}", (service.id, kind))
        self.series_combo.blockSignals(False)
        self.series_combo.setCurrentIndex(self._slowest_index(result))
        self._plot()

    def _slowest_index(self, result: dict[str, Any]) -> int:
        best, index = -1.0, 0
        for i in range(self.series_combo.count()):
            sid, kind = self.series_combo.itemData(i)
            t = result["services"][sid][kind]["warm_up"]
            if t is not None and t > best:
                best, index = t, i
        return index

    def _plot(self) -> None:
        result = self.result
        self.plot.clear()
        if result is None or self.series_combo.currentIndex() < 0:
            return
        sid, kind = self.series_combo.currentData()
        unit = result.get("time_unit", "day")
        times = result["series"]["time"]
        block = result["series"]["services"][sid]
        pairs = [(t, y) for t, y in zip(times, block[kind], strict=False) if y is not None]
        cum = [(t, y) for t, y in zip(times, block[f"{kind}_cumulative_mean"], strict=False) if y is not None]
        if pairs:
            self.plot.plot(
                [p[0] for p in pairs], [p[1] for p in pairs],
                pen=pg.mkPen("#9aa5b1", width=1), name="Mean over replications",
            )
        if cum:
            self.plot.plot(
                [p[0] for p in cum], [p[1] for p in cum],
                pen=pg.mkPen("#1f4e79", width=3), name="Cumulative mean",
            )
        self.plot.setLabel("bottom", f"Time ({unit}s)")
        self.plot.setLabel("left", "people waiting" if kind == "queue" else f"wait ({unit}s)")
        own = result["services"][sid][kind]["warm_up"]
        s = result.get("suggested")
        marks = []
        if own and (not s or abs(own - s) > 1e-9 * max(1.0, s)):
            marks.append((own, f"this series settles: {own:g}", "#6b7785", Qt.PenStyle.DotLine))
        if s:
            shade = pg.LinearRegionItem(
                values=(0, s), movable=False, brush=pg.mkBrush(176, 58, 46, 28), pen=pg.mkPen(None)
            )
            self.plot.addItem(shade)
            marks.append(
                (s, f"suggested warm-up: {s:g} {unit}s (left out before it)", "#b03a2e", Qt.PenStyle.DashLine)
            )
        for x, text, colour, style in marks:
            line = pg.InfiniteLine(
                pos=x, angle=90, pen=pg.mkPen(colour, width=2, style=style),
                label=text, labelOpts={"position": 0.92, "color": colour, "anchors": [(0, 0), (0, 0)]},
            )
            self.plot.addItem(line)

    def apply(self) -> None:
        s = self.suggestion()
        if s is None:
            return

        def change(doc: dict[str, Any]) -> None:
            doc["run"]["warm_up"] = float(s)

        if not self.edit_scenario(change, "Set warm-up (suggested)"):
            return
        self._say(f"The run's warm-up is now {s:g} {self.scenario.time_unit}s (Undo takes it back).")
        self.applied.emit("warm-up")
