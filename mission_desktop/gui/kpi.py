"""Key figures after a run: one tile per service, each figure with its 95% confidence interval.

Each variant's difference from the baseline is called "better" or "worse" (in words, with an
arrow) only where the paired confidence interval excludes zero; otherwise it says "no clear
difference". Lower is better for waits, queues and backlog; higher is better for the share
seen within target; utilisation is neutral (it says "higher" or "lower", never better/worse).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from .palette import NEUTRAL, department_colours
from .plots import baseline_id, plural_unit

LOWER_IS_BETTER, HIGHER_IS_BETTER, NEUTRAL_DIRECTION = "lower", "higher", "neutral"


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: str
    kind: str  # "time", "people", "share"
    direction: str


METRICS: tuple[Metric, ...] = (
    Metric("mean_wait", "Mean wait", "time", LOWER_IS_BETTER),
    Metric("p90_wait", "90th percentile wait", "time", LOWER_IS_BETTER),
    Metric("mean_queue_length", "Queue (average waiting)", "people", LOWER_IS_BETTER),
    Metric("utilisation", "Utilisation", "share", NEUTRAL_DIRECTION),
    Metric("backlog_at_end", "Backlog at end", "people", LOWER_IS_BETTER),
    Metric("share_within_target", "Share within target", "share", HIGHER_IS_BETTER),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}

BETTER_COLOUR = "#00664A"  # dark bluish green: readable as text
WORSE_COLOUR = "#A33A00"  # dark vermillion
UNCLEAR_COLOUR = "#444444"


def format_number(value: float) -> str:
    a = abs(value)
    if a < 0.005:
        return "0.00"  # never "-0.00"
    if a >= 100:
        return f"{value:,.0f}"
    if a >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def format_value(value: float | None, kind: str, time_unit: str = "day") -> str:
    """A number with its unit: '2.10 days', '12.3 people', '85%'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if kind == "share":
        return f"{value * 100:.0f}%" if abs(value) >= 0.1 else f"{value * 100:.1f}%"
    if kind == "time":
        return f"{format_number(value)} {plural_unit(time_unit)}"
    if kind == "people":
        return f"{format_number(value)} people"
    return format_number(value)


def format_interval(lo: float, hi: float, kind: str) -> str:
    if kind == "share":
        return f"{lo * 100:.0f}–{hi * 100:.0f}%"
    return f"{format_number(lo)}–{format_number(hi)}"


def format_estimate(estimate: dict | None, kind: str, time_unit: str = "day") -> str:
    """'2.10 days (95% CI 1.70–2.50)' or '—' when the figure does not apply."""
    if not estimate or estimate.get("mean") is None:
        return "—"
    text = format_value(estimate["mean"], kind, time_unit)
    ci = estimate.get("ci95")
    if ci and ci[0] is not None and ci[1] is not None:
        text += f" (95% CI {format_interval(ci[0], ci[1], kind)})"
    return text


@dataclass(frozen=True, slots=True)
class Judgement:
    #: "better", "worse", "higher", "lower" or "no clear difference" (or "—" if unknown)
    word: str
    #: "▲" (variant higher), "▼" (variant lower) or "" (no clear difference)
    arrow: str
    #: a full sentence-fragment for the tile, e.g. "▼ 0.80 days lower — better"
    text: str
    colour: str


def judge_difference(metric_key: str, difference: dict | None, time_unit: str = "day") -> Judgement:
    """Better / worse only where the 95% CI of (variant − baseline) excludes zero."""
    metric = METRIC_BY_KEY.get(metric_key, Metric(metric_key, metric_key, "", NEUTRAL_DIRECTION))
    if not difference or difference.get("mean") is None:
        return Judgement("—", "", "—", UNCLEAR_COLOUR)
    mean = float(difference["mean"])
    ci = difference.get("ci95") or [mean, mean]
    lo, hi = float(ci[0]), float(ci[1])
    if lo <= 0 <= hi or mean == 0:
        return Judgement("no clear difference", "", "no clear difference", UNCLEAR_COLOUR)
    up = mean > 0
    arrow = "▲" if up else "▼"
    size = abs(mean)
    if metric.kind == "share":
        amount = f"{size * 100:.1f} points"
    else:
        amount = format_value(size, metric.kind, time_unit)
    change = "higher" if up else "lower"
    if metric.direction == NEUTRAL_DIRECTION:
        return Judgement(change, arrow, f"{arrow} {amount} {change}", UNCLEAR_COLOUR)
    better = (metric.direction == LOWER_IS_BETTER) != up
    word = "better" if better else "worse"
    colour = BETTER_COLOUR if better else WORSE_COLOUR
    return Judgement(word, arrow, f"{arrow} {amount} {change} — {word}", colour)


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
                        "estimate": format_estimate(metrics.get(m.key), m.kind, time_unit),
                        "difference": judgement,
                    }
                )
    return rows


class KpiPanel(QScrollArea):
    """One tile per service: rows are figures, columns are variants."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAccessibleName("Results: key figures per service")
        self._scenario = None
        self._results: dict | None = None
        self._font_pt = 11
        self.cells: dict[tuple[str, str, str], QLabel] = {}
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
        self.cells.clear()
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
        f.setPointSize(self._font_pt + delta)
        f.setBold(bold)
        return f

    def show_results(self, results: dict) -> None:
        """Tiles for every service in the results (estimates, then differences)."""
        self._results = results
        variants: dict = results.get("variants") or {}
        if not variants:
            self._show_message("This run produced no results.")
            return
        self._reset()
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

        row = 0
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
        # side by side only when a tile is narrow (one variant)
        n_cols = 2 if len(service_ids) > 1 and len(variant_ids) == 1 else 1
        for i, sid in enumerate(service_ids):
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
            )
            r, c = divmod(i, n_cols)
            self._layout.addWidget(tile, row + r, c)
        self._layout.setRowStretch(row + math.ceil(len(service_ids) / n_cols), 1)

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
    ) -> QFrame:
        box = QFrame()
        box.setObjectName("kpiTile")
        box.setAccessibleName(f"Key figures for {sname}")
        box.setStyleSheet(
            f"#kpiTile {{ border: 2px solid {colour}; border-top: 10px solid {colour};"
            " border-radius: 6px; background: white; }"
        )
        box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        outer = QVBoxLayout(box)
        title = QLabel(sname)
        title.setFont(self._font(3, bold=True))
        title.setAccessibleName(f"Service {sname}")
        outer.addWidget(title)
        grid = QGridLayout()
        outer.addLayout(grid)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        header_font = self._font(0, bold=True)
        for col, vid in enumerate(variant_ids, start=1):
            text = names.get(vid, vid)
            if vid == base and "baseline" not in text.lower():
                text += " (baseline)"
            h = QLabel(text)
            h.setFont(header_font)
            h.setAccessibleName(f"Variant {text}")
            grid.addWidget(h, 0, col)
        r = 1
        for m in METRICS:
            present = [
                (variants[v].get("services") or {}).get(sid, {}).get(m.key) for v in variant_ids
            ]
            if all(p is None for p in present):
                continue  # e.g. share within target for a service without a target
            name = QLabel(m.label)
            name.setFont(header_font)
            grid.addWidget(name, r, 0, Qt.AlignmentFlag.AlignTop)
            for col, vid in enumerate(variant_ids, start=1):
                est = (variants[vid].get("services") or {}).get(sid, {}).get(m.key)
                text = format_estimate(est, m.kind, time_unit)
                html = f"<span>{text}</span>"
                spoken = f"{sname}, {m.label}, {names.get(vid, vid)}: {text}"
                if vid != base:
                    diff = (
                        ((comparisons.get(vid) or {}).get("services") or {}).get(sid) or {}
                    ).get(m.key)
                    j = judge_difference(m.key, diff, time_unit)
                    if j.word != "—":
                        weight = "bold" if j.word in ("better", "worse") else "normal"
                        html += (
                            f"<br><span style='color:{j.colour}; font-weight:{weight}'>"
                            f"{j.text}</span>"
                        )
                        spoken += f"; compared with baseline: {j.text.replace('—', ',')}"
                cell = QLabel(html)
                cell.setTextFormat(Qt.TextFormat.RichText)
                cell.setFont(self._font())
                cell.setAccessibleName(spoken)
                cell.setFocusPolicy(Qt.FocusPolicy.TabFocus)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
                self.cells[(sid, m.key, vid)] = cell
                grid.addWidget(cell, r, col, Qt.AlignmentFlag.AlignTop)
            r += 1
            line = QFrame()
            line.setFrameShape(QFrame.Shape.HLine)
            line.setStyleSheet(f"color: {QColor('#DDDDDD').name()};")
            grid.addWidget(line, r, 0, 1, len(variant_ids) + 1)
            r += 1
        return box

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
