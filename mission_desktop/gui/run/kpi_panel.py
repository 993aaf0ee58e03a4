"""The Results tab: a summary of where each policy moved the pressure, any warnings from the
run, then one tile per service (tiles.py). The page ends at its last tile, and tiles keep
their natural height."""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QWidget

from mission_desktop.gui.run.costs_view import cost_tile
from mission_desktop.gui.run.kpi import (
    VariantSummary,
    kpi_rows,
    summarise,
    summary_html,
)
from mission_desktop.gui.run.tiles import TileBuilder, wrapping_label
from mission_desktop.gui.shared.palette import NEUTRAL, department_colours
from mission_desktop.gui.shared.text import plain_label
from mission_desktop.report.summary import baseline_id


class _Page(QWidget):
    """The scrolled page: as tall as its content at its width, no taller.

    Its wrapped labels' minimum sizes are their heights at their narrowest; summed, they
    would make the page far taller than its content at the real width (a long blank scroll
    after the last tile). The scroll area sizes a page by its height for its width when its
    minimum asks for no height of its own."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(super().minimumSizeHint().width(), 0)


class KpiPanel(TileBuilder, QScrollArea):
    """The summary, then one tile per service: rows are figures, columns are variants."""

    #: every tile of the results is shown (at once, or after a progressive build)
    results_shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pending: list = []
        self._tile_timer = QTimer(self)
        self._tile_timer.setInterval(0)
        self._tile_timer.timeout.connect(self._add_next_tile)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Results: key figures per service")
        self._scenario = None
        self._results: dict | None = None
        self._font_pt = 11
        self.cells: dict[tuple[str, str, str], QLabel] = {}
        self.summary_label: QLabel | None = None
        self.summaries: list[VariantSummary] = []
        self._body = _Page()
        self._layout = QGridLayout(self._body)
        self._layout.setSpacing(14)
        self.setWidget(self._body)
        self._show_message("Run the scenario to see its key figures here.")

    def set_scenario(self, scenario) -> None:
        self._scenario = scenario
        self.clear()

    def set_font_size(self, points: int) -> None:
        self._font_pt = max(int(points), 6)
        if self._results is not None:
            self.show_results(self._results)

    def clear(self) -> None:
        self._results = None
        self._show_message("Run the scenario to see its key figures here.")

    def _reset(self) -> None:
        self._tile_timer.stop()
        self._pending = []
        self.cells.clear()
        self.summary_label = None
        self.summaries = []
        body = _Page()
        self._layout = QGridLayout(body)
        self._layout.setSpacing(14)
        self.setWidget(body)
        self._body = body

    def _show_message(self, text: str) -> None:
        self._reset()
        label = plain_label(QLabel(), text)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setAccessibleName(text)
        self._layout.addWidget(label, 0, 0)

    def _font(self, delta: int = 0, bold: bool = False) -> QFont:
        f = QFont()
        f.setPointSize(max(self._font_pt + delta, 6))
        f.setBold(bold)
        return f

    def summary_text(self) -> str:
        """The summary as plain sentences, one per variant (tests, copying, screen readers)."""
        return "\n".join(s.text() for s in self.summaries)

    def show_results(self, results: dict, *, progressive: bool = False) -> None:
        """The summary, then tiles for every service in the results.

        ``progressive``: the summary now, the tiles one per pass of the event loop (for the
        end of a live run); ``results_shown`` is emitted when all are there."""
        self._tile_timer.stop()
        self._pending = []
        self._results = results
        variants: dict = results.get("variants") or {}
        if not variants:
            self._show_message("This run produced no results.")
            self.results_shown.emit()
            return
        self._reset()
        self._body.setUpdatesEnabled(False)
        scenario = self._scenario
        time_unit = scenario.time_unit if scenario is not None else "day"
        names: dict[str, str] = {}
        service_names: dict[str, str] = {}
        departments: dict[str, str] = {}
        if scenario is not None:
            names = {v.id: v.name for v in scenario.effective_variants}
            service_names = {s.id: s.name for s in scenario.services}
            departments = {s.id: s.department for s in scenario.services}
        colours = department_colours(departments.values())
        variant_ids = list(variants)
        base = baseline_id(variant_ids)
        comparisons = results.get("comparisons") or {}
        service_ids: list[str] = []
        for vres in variants.values():
            for sid in vres.get("services") or {}:
                if sid not in service_ids:
                    service_ids.append(sid)
        if scenario is not None:
            order = {s.id: i for i, s in enumerate(scenario.services)}
            service_ids.sort(key=lambda s: order.get(s, len(order)))
        # many variants: a little smaller, so every column fits without scrolling sideways
        delta = -1 if len(variant_ids) > 4 else 0

        row = 0
        self.summaries = summarise(results, service_names, names, time_unit, service_ids)
        if self.summaries:
            base_name = names.get(base, base or "the baseline")
            if base and "baseline" not in base_name.lower():
                base_name += " (baseline)"
            label = wrapping_label(summary_html(self.summaries, base_name, self._font_pt))
            label.setObjectName("kpiSummary")
            label.setStyleSheet(
                "#kpiSummary { background: #F3F6FA; border: 2px solid #1D3557;"
                " border-radius: 6px; padding: 8px; }"
            )
            label.setAccessibleName("Summary: " + self.summary_text())
            label.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self.summary_label = label
            self._layout.addWidget(label, row, 0, 1, 2)
            row += 1
        warnings = results.get("warnings") or []
        if warnings:
            text = "Warnings from the run:\n" + "\n".join(f"• {w}" for w in warnings)
            label = plain_label(QLabel(), text)
            label.setWordWrap(True)
            label.setFont(self._font())
            label.setStyleSheet(
                "QLabel { background: #FFF4D6; border: 1px solid #B58900; padding: 8px; }"
            )
            label.setAccessibleName(text)
            self._layout.addWidget(label, row, 0, 1, 2)
            row += 1
        costs = cost_tile(results, scenario, self._font_pt)  # costs per variant (costs_view)
        if costs is not None:
            self._layout.addWidget(costs, row, 0, 1, 2)
            row += 1
        # side by side only when a tile is narrow (one or two variants)
        n_cols = 2 if len(service_ids) > 1 and len(variant_ids) <= 2 else 1
        for c in range(n_cols):
            self._layout.setColumnStretch(c, 1)
        self._layout.setRowStretch(row + math.ceil(len(service_ids) / n_cols), 1)
        self._body.setUpdatesEnabled(True)

        def add_tile(i: int, sid: str) -> None:
            tile = self._service_tile(
                sid,
                service_names.get(sid, sid),
                colours.get(departments.get(sid, ""), NEUTRAL),
                variants,
                variant_ids,
                names,
                base,
                comparisons,
                time_unit,
                delta,
            )
            r, c = divmod(i, n_cols)
            # aligned to the top: a tile keeps its natural height beside a taller one
            self._layout.addWidget(tile, row + r, c, Qt.AlignmentFlag.AlignTop)

        self._pending = [(add_tile, i, sid) for i, sid in enumerate(service_ids)]
        if progressive:
            # one tile per pass of the event loop: the window never freezes while a large
            # results table is built; results_shown says when every tile is there
            self._tile_timer.start()
        else:
            self._finish_tiles()

    def _add_next_tile(self) -> None:
        if not self._pending:
            self._tile_timer.stop()
            self.results_shown.emit()
            return
        add, i, sid = self._pending.pop(0)
        add(i, sid)
        if not self._pending:
            self._tile_timer.stop()
            self.results_shown.emit()

    def _finish_tiles(self) -> None:
        self._tile_timer.stop()
        pending, self._pending = self._pending, []
        for add, i, sid in pending:
            add(i, sid)
        self.results_shown.emit()

    @property
    def is_building(self) -> bool:
        """True while tiles are still being added (progressive show_results)."""
        return bool(self._pending)

    def cell_text(self, service_id: str, metric: str, variant_id: str) -> str:
        """Plain text of one cell (tests, copying)."""
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setHtml(self.cells[(service_id, metric, variant_id)].text())
        return doc.toPlainText()

    def results_table(self) -> list[list[str]]:
        """Everything shown, as rows of text (for CSV copy or a screen reader)."""
        time_unit = self._scenario.time_unit if self._scenario is not None else "day"
        out = [["service", "metric", "variant", "estimate", "vs baseline"]]
        for row in kpi_rows(self._results or {}, time_unit):
            j = row["difference"]
            out.append(
                [
                    row["service"],
                    row["metric"],
                    row["variant"],
                    row["estimate"],
                    j.text if j else "",
                ]
            )
        return out
