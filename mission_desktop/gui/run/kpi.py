"""Key figures after a run: a summary of where each policy moved the pressure, then one tile
per service, each figure with its 95% confidence interval.

Each variant's difference from the baseline is called "better" or "worse" (in words, with an
arrow) only where the paired confidence interval excludes zero; otherwise it says "no clear
difference". Lower is better for waits, queues and backlog; higher is better for the share
seen within target; utilisation is neutral (it says "higher" or "lower", never better/worse).

A result's interval is clipped to what the figure can be (a wait is never below zero, a share
never above 100%); a difference's interval is not. Ranges are written "0.00 to 1.46", and
negative numbers with a real minus sign, so a minus is never mistaken for a dash.
"""

from __future__ import annotations

import html
import math
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.shared.palette import NEUTRAL, department_colours
from mission_desktop.model.dates import date_phrase
from mission_desktop.report.format import (  # noqa: F401 - the one formatter, re-exported
    MINUS,
    estimate_parts,
    format_estimate,
    format_interval,
    format_signed,
    format_value,
)
from mission_desktop.report.format import number as _number
from mission_desktop.report.summary import (  # noqa: F401 - the one wording, re-exported
    BETTER_COLOUR,
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    METRIC_BY_KEY,
    METRICS,
    NEUTRAL_DIRECTION,
    UNCLEAR_COLOUR,
    WORSE_COLOUR,
    Judgement,
    Metric,
    VariantSummary,
    baseline_id,
    judge_difference,
    summarise,
    summary_html,
)


def format_number(value: float) -> str:
    """'2.10', '12.3', '1,234'; negative with a real minus sign ('−0.14'), never '−0.00'."""
    return _number(value, minus=MINUS, compact=False)

def kpi_rows(results: dict, time_unit: str = "day") -> list[dict[str, Any]]:
    """Flat rows (service, metric, variant, estimate text, difference judgement)."""
    rows: list[dict[str, Any]] = []
    variants = results.get("variants") or {}
    comparisons = results.get("comparisons") or {}
    for vid, vres in variants.items():
        for sid, metrics in (vres.get("services") or {}).items():
            for m in METRICS:
                if m.key not in metrics:
                    continue
                diff = ((comparisons.get(vid) or {}).get("services") or {}).get(sid, {})
                judgement = judge_difference(m.key, diff.get(m.key), time_unit) if diff else None
                rows.append(
                    {
                        "service": sid,
                        "metric": m.key,
                        "variant": vid,
                        "estimate": format_estimate(metrics.get(m.key), m.kind, time_unit, m.key),
                        "difference": judgement,
                    }
                )
    return rows


def _wrapping_label(text: str = "", font: QFont | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    # a wrapped label may be as narrow as the layout needs: nothing scrolls sideways
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    label.setMinimumWidth(40)
    if font is not None:
        label.setFont(font)
    return label


class KpiPanel(QScrollArea):
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
        self._body = QWidget()
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
        body = QWidget()
        self._layout = QGridLayout(body)
        self._layout.setSpacing(14)
        self.setWidget(body)
        self._body = body

    def _show_message(self, text: str) -> None:
        self._reset()
        label = QLabel(text)
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
        return "\n".join(s.sentence() for s in self.summaries)

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
            label = _wrapping_label(summary_html(self.summaries, base_name, self._font_pt))
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
            label = QLabel(text)
            label.setWordWrap(True)
            label.setFont(self._font())
            label.setStyleSheet(
                "QLabel { background: #FFF4D6; border: 1px solid #B58900; padding: 8px; }"
            )
            label.setAccessibleName(text)
            self._layout.addWidget(label, row, 0, 1, 2)
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
            self._layout.addWidget(tile, row + r, c)

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

    def _service_tile(
        self,
        sid: str,
        sname: str,
        colour: str,
        variants: dict,
        variant_ids: list[str],
        names: dict[str, str],
        base: str | None,
        comparisons: dict,
        time_unit: str,
        delta: int = 0,
    ) -> QFrame:
        box = QFrame()
        box.setObjectName("kpiTile")
        box.setAccessibleName(f"Key figures for {sname}")
        box.setStyleSheet(
            f"#kpiTile {{ border: 2px solid {colour}; border-top: 10px solid {colour};"
            " border-radius: 6px; background: white; }"
        )
        box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        outer = QVBoxLayout(box)
        title = _wrapping_label(html.escape(sname), self._font(3, bold=True))
        title.setAccessibleName(f"Service {sname}")
        outer.addWidget(title)
        grid = QGridLayout()
        outer.addLayout(grid)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        header_font = self._font(delta, bold=True)
        cell_font = self._font(delta)
        small = max(self._font_pt + delta - 2, 6)
        grid.setColumnStretch(0, 3)
        for col, vid in enumerate(variant_ids, start=1):
            grid.setColumnStretch(col, 4)
            text = names.get(vid, vid)
            if vid == base and "baseline" not in text.lower():
                text += " (baseline)"
            h = _wrapping_label(html.escape(text), header_font)
            h.setAccessibleName(f"Variant {text}")
            grid.addWidget(h, 0, col, Qt.AlignmentFlag.AlignBottom)
        r = 1
        for m in METRICS:
            present = [
                (variants[v].get("services") or {}).get(sid, {}).get(m.key) for v in variant_ids
            ]
            if all(p is None for p in present):
                continue  # e.g. share within target for a service without a target
            line = QFrame()
            line.setFrameShape(QFrame.Shape.HLine)
            line.setStyleSheet("color: #DDDDDD;")
            grid.addWidget(line, r, 0, 1, len(variant_ids) + 1)
            r += 1
            label = m.label + self._date_of(m.key)  # "Backlog at end on 31 Mar 2028"
            name = _wrapping_label(html.escape(label), header_font)
            grid.addWidget(name, r, 0, Qt.AlignmentFlag.AlignTop)
            for col, vid in enumerate(variant_ids, start=1):
                est = (variants[vid].get("services") or {}).get(sid, {}).get(m.key)
                value, interval = estimate_parts(est, m.kind, time_unit, m.key)
                parts = [f"<b>{html.escape(value)}</b>"]
                spoken = f"{sname}, {label}, {names.get(vid, vid)}: {value}"
                if interval:
                    parts.append(
                        f"<span style='font-size:{small}pt; color:{UNCLEAR_COLOUR}'>"
                        f"{html.escape(interval)}</span>"
                    )
                    spoken += f" ({interval})"
                if vid != base:
                    diff = (
                        ((comparisons.get(vid) or {}).get("services") or {}).get(sid) or {}
                    ).get(m.key)
                    j = judge_difference(m.key, diff, time_unit)
                    if j.word != "—":
                        weight = "bold" if j.word in ("better", "worse") else "normal"
                        parts.append(
                            f"<span style='color:{j.colour}; font-weight:{weight}'>"
                            f"{html.escape(j.text)}</span>"
                        )
                        spoken += f"; compared with baseline: {j.text}"
                cell = _wrapping_label("<br>".join(parts), cell_font)
                cell.setAccessibleName(spoken)
                cell.setFocusPolicy(Qt.FocusPolicy.TabFocus)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
                self.cells[(sid, m.key, vid)] = cell
                grid.addWidget(cell, r, col, Qt.AlignmentFlag.AlignTop)
            r += 1
        return box

    def _date_of(self, metric: str) -> str:
        """`` on 31 Mar 2028`` for the backlog at the end, where the scenario has dates."""
        if metric != "backlog_at_end" or self._scenario is None:
            return ""
        horizon = ((self._results or {}).get("run") or {}).get("horizon")
        return date_phrase(self._scenario, self._scenario.run.horizon if horizon is None else horizon)

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
