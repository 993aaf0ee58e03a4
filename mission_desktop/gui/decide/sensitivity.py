"""Decide › Sensitivity…: each assumption at its low and high end, paired with the central run;
a tornado chart per chosen figure and a table beside it with the same numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from mission_desktop.gui.decide.base import DecideDialog
from mission_desktop.gui.decide.charts import draw_tornado, plot_widget
from mission_desktop.gui.decide.figures import (
    amount,
    axis_unit,
    change_words,
    figure_at,
    figure_choices,
    short_name,
    tornado_rows,
)
from mission_desktop.gui.shared.access import a11y

COLUMNS = ("Assumption", "Low end", "Change at low end (95% CI)", "High end", "Change at high end (95% CI)")


def _lower_first(text: str) -> str:
    """'Mean wait at A&E' → 'mean wait at A&E' (names keep their capitals)."""
    return text[:1].lower() + text[1:]


class SensitivityDialog(DecideDialog):
    title = "Sensitivity"
    intro = (
        "Which of our assumptions moves the answer most? Each assumption in the file is moved to "
        "the low and then the high end of its range, with the same random numbers as the central "
        "run, so every bar is a paired difference. Longest bars first; whiskers are 95% CIs."
    )
    has_apply = False  # nothing to apply: it informs

    def settings(self, row: QHBoxLayout) -> None:
        label = QLabel(f"{len(self.scenario.assumptions)} assumptions, "
                       f"{self.scenario.run.replications} replications each end", self)
        row.addWidget(label)

    def build_body(self, body: QVBoxLayout) -> None:
        self.figure_combo = self.choice_row(
            body,
            "&Figure:",
            ("Figure", "The figure whose changes the chart and the table show"),
            self._show_figure,
        )
        split = QSplitter(Qt.Orientation.Vertical, self)
        self.plot = plot_widget(split, "Tornado: change from the central run")
        self.table = QTableWidget(0, len(COLUMNS), split)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        a11y(self.table, "Sensitivity table", "The chart's numbers, one assumption a row, largest first")
        split.addWidget(self.plot)
        split.addWidget(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        split.setSizes([560, 160])
        body.addWidget(split, 1)
        key = QLabel(
            "Hatched bar (upper): the assumption at its low end. Solid bar (lower): at its high "
            "end. Whiskers: 95% confidence interval of the change.", self
        )
        key.setWordWrap(True)
        body.addWidget(key)

    def work(self) -> Callable[..., dict[str, Any]]:
        from mission_desktop.decide.sensitivity import sensitivity

        if not self.scenario.assumptions:
            raise ValueError(
                "This scenario states no assumptions. Add some to the file's “assumptions” "
                "(each with a low and a high end) to see which moves the answer most."
            )
        scenario, make = self.scenario, self.executor_factory()

        def run(progress, cancel) -> dict[str, Any]:
            with make() as executor:
                return sensitivity(scenario, executor=executor, progress=progress, cancel=cancel)

        return run

    def show_result(self, result: dict[str, Any]) -> None:
        self._say(
            f"Done: {len(result['assumptions'])} assumptions, {result['replications']} "
            "replications at each end. Choose a figure to see its chart."
        )
        current = self.figure_combo.currentData()
        self.figure_combo.blockSignals(True)
        self.figure_combo.clear()
        for words, figure in figure_choices(self.scenario, result["central"]):
            self.figure_combo.addItem(words, figure)
        self.figure_combo.blockSignals(False)
        index = self.figure_combo.findData(current) if current else -1
        self.figure_combo.setCurrentIndex(max(index, 0))
        self._show_figure()

    def rows(self) -> list[dict[str, Any]]:
        figure = self.figure_combo.currentData()
        if self.result is None or figure is None:
            return []
        return tornado_rows(self.result, tuple(figure))

    def end_words(self, rows: list[dict[str, Any]]) -> list[tuple[tuple[str, str, str], ...]]:
        """For each row, for its low and high end: (the change, the difference, its CI) in
        words, e.g. ('−20%', '−0.4 days', '−0.5 days to −0.3 days')."""
        figure = tuple(self.figure_combo.currentData())
        unit = self.scenario.time_unit
        by_id = {a.id: a for a in self.scenario.assumptions}
        centre = figure_at(self.result["central"], figure) if self.result else None
        scale = abs(centre["mean"]) if centre and centre.get("mean") is not None else 0.0
        out = []
        for r in rows:
            a, v = by_id.get(r["id"]), r["values"]
            ends = []
            for end in ("low", "high"):
                f = r[end] or {}
                m, ci = f.get("mean"), f.get("ci95")
                tiny = m is not None and abs(m) <= 1e-9 * max(scale, 1.0)
                ends.append(
                    (
                        change_words(a, v.get(end, 0), v.get("central", 0)),
                        "no change" if tiny else amount(m, figure, unit, sign=True),
                        "" if not ci or None in ci or tiny else
                        f"{amount(ci[0], figure, unit, sign=True)} to {amount(ci[1], figure, unit, sign=True)}",
                    )
                )
            out.append(tuple(ends))
        return out

    def bar_labels(self, rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
        """'−10% → mean wait −0.4 days' for each end of each row (the row names the assumption)."""
        what = short_name(self.scenario, tuple(self.figure_combo.currentData()))
        return [
            tuple(f"{change} → {what} {diff}" for change, diff, _ci in ends)  # type: ignore[misc]
            for ends in self.end_words(rows)
        ]

    def _show_figure(self) -> None:
        rows = self.rows()
        if not rows:
            self.plot.clear()
            self.table.setRowCount(0)
            return
        draw_tornado(self.plot, rows, self.bar_labels(rows))
        figure, unit = tuple(self.figure_combo.currentData()), self.scenario.time_unit
        self.plot.setLabel(
            "bottom",
            f"Change in {_lower_first(self.figure_combo.currentText())} ({axis_unit(figure, unit)})",
        )
        self.table.setRowCount(len(rows))
        for i, (r, ends) in enumerate(zip(rows, self.end_words(rows), strict=True)):
            cells = [r["name"]]
            for change, diff, ci in ends:
                cells += [change, f"{diff} ({ci})" if ci else diff]
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
