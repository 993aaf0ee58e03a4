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
from dataclasses import dataclass, field
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

from mission_desktop.gui.run.plots import baseline_id, plural_unit
from mission_desktop.gui.shared.palette import NEUTRAL, department_colours
from mission_desktop.gui.shared.text import plain_label
from mission_desktop.report.tables import clip_interval

LOWER_IS_BETTER, HIGHER_IS_BETTER, NEUTRAL_DIRECTION = "lower", "higher", "neutral"
MINUS = "\u2212"


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: str
    kind: str  # "time", "people", "share"
    direction: str
    #: how the summary names it ("mean wait −0.14 days")
    short: str = ""


METRICS: tuple[Metric, ...] = (
    Metric("mean_wait", "Mean wait", "time", LOWER_IS_BETTER, "mean wait"),
    Metric("p90_wait", "90th percentile wait", "time", LOWER_IS_BETTER, "90th percentile wait"),
    Metric("mean_queue_length", "Queue (average waiting)", "people", LOWER_IS_BETTER, "queue"),
    Metric("utilisation", "Utilisation", "share", NEUTRAL_DIRECTION, "utilisation"),
    Metric("backlog_at_end", "Backlog at end", "people", LOWER_IS_BETTER, "backlog at end"),
    Metric(
        "share_within_target", "Share within target", "share", HIGHER_IS_BETTER, "within target"
    ),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}

BETTER_COLOUR = "#00664A"  # dark bluish green: readable as text
WORSE_COLOUR = "#A33A00"  # dark vermillion
UNCLEAR_COLOUR = "#555555"


def format_number(value: float) -> str:
    """'2.10', '12.3', '1,234'; negative with a real minus sign ('−0.14'), never '−0.00'.

    Not :func:`mission_desktop.report.tables.fmt_number` on purpose: that one writes the
    ASCII '-' and '1.23m' for CSV and the command line; on screen a minus must not read as
    a dash, and thousands stay whole ('1,234,567')."""
    a = abs(value)
    if a < 0.005:
        return "0.00"
    if a >= 100:
        text = f"{a:,.0f}"
    elif a >= 10:
        text = f"{a:.1f}"
    else:
        text = f"{a:.2f}"
    return MINUS + text if value < 0 else text


def _percent(value: float) -> str:
    pct = value * 100
    text = f"{abs(pct):.0f}" if abs(value) >= 0.1 else f"{abs(pct):.1f}"
    if text.strip("0.") == "":
        return "0%"
    return (MINUS if pct < 0 else "") + text + "%"


def format_value(value: float | None, kind: str, time_unit: str = "day") -> str:
    """A number with its unit: '2.10 days', '12.3 people', '85%'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if kind == "share":
        return _percent(value)
    if kind == "time":
        return f"{format_number(value)} {plural_unit(time_unit)}"
    if kind == "people":
        return f"{format_number(value)} people"
    return format_number(value)


def format_signed(value: float, kind: str, time_unit: str = "day") -> str:
    """A difference with its sign: '+1.03 days', '−0.14 days', '+3.1 points'."""
    if kind == "share":
        text = f"{abs(value) * 100:.1f} points"
        zero = abs(value) * 100 < 0.05
    else:
        text = format_value(abs(value), kind, time_unit)
        zero = abs(value) < 0.005
    if zero:
        return text
    return ("+" if value > 0 else MINUS) + text


def format_interval(lo: float, hi: float, kind: str) -> str:
    """'1.70 to 2.50', '80% to 90%', '−0.41 to 1.41' (never a dash that could be a minus)."""
    if kind == "share":
        return f"{_percent(lo)} to {_percent(hi)}"
    return f"{format_number(lo)} to {format_number(hi)}"


def estimate_parts(
    estimate: dict | None, kind: str, time_unit: str = "day", metric: str = ""
) -> tuple[str, str]:
    """('2.10 days', '95% CI 1.70 to 2.50') — the interval clipped to the feasible range."""
    if not estimate or estimate.get("mean") is None:
        return "—", ""
    value = format_value(estimate["mean"], kind, time_unit)
    ci = estimate.get("ci95")
    if not ci or ci[0] is None or ci[1] is None:
        return value, ""
    lo, hi = float(ci[0]), float(ci[1])
    if metric:
        lo, hi = clip_interval(metric, lo, hi)
    return value, f"95% CI {format_interval(lo, hi, kind)}"


def format_estimate(
    estimate: dict | None, kind: str, time_unit: str = "day", metric: str = ""
) -> str:
    """'2.10 days (95% CI 1.70 to 2.50)' or '—' when the figure does not apply.

    With ``metric`` (e.g. "backlog_at_end"), the interval is clipped to what the figure can
    be: '0.70 people (95% CI 0.00 to 1.46)', not '−0.06'."""
    value, interval = estimate_parts(estimate, kind, time_unit, metric)
    return f"{value} ({interval})" if interval else value


@dataclass(frozen=True, slots=True)
class Judgement:
    #: "better", "worse", "higher", "lower" or "no clear difference" (or "—" if unknown)
    word: str
    #: "▲" (variant higher), "▼" (variant lower) or "" (no clear difference)
    arrow: str
    #: arrow, word and size, e.g. "▼ better (−0.80 days)"
    text: str
    colour: str
    #: the signed size of the difference, e.g. "−0.80 days" ('' when unclear)
    amount: str = ""


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
    amount = format_signed(mean, metric.kind, time_unit)
    if metric.direction == NEUTRAL_DIRECTION:
        word = "higher" if up else "lower"
        return Judgement(word, arrow, f"{arrow} {word} ({amount})", UNCLEAR_COLOUR, amount)
    better = (metric.direction == LOWER_IS_BETTER) != up
    word = "better" if better else "worse"
    colour = BETTER_COLOUR if better else WORSE_COLOUR
    return Judgement(word, arrow, f"{arrow} {word} ({amount})", colour, amount)


# ---------------------------------------------------------------------- the summary


@dataclass(slots=True)
class VariantSummary:
    """Where one policy variant is clearly better and clearly worse than the baseline."""

    variant_id: str
    name: str
    #: (service id, service name, e.g. "mean wait −0.14 days")
    better: list[tuple[str, str, str]] = field(default_factory=list)
    worse: list[tuple[str, str, str]] = field(default_factory=list)

    def sentence(self) -> str:
        """'Discharge to assess: better at Acute hospital beds (mean wait −0.14 days); worse
        at Reablement (mean wait +1.03 days).'"""
        parts = []
        if self.better:
            parts.append("better at " + ", ".join(f"{n} ({d})" for _, n, d in self.better))
        if self.worse:
            parts.append("worse at " + ", ".join(f"{n} ({d})" for _, n, d in self.worse))
        if not parts:
            return f"{self.name}: no clear difference at any service."
        return f"{self.name}: " + "; ".join(parts) + "."


def summarise(
    results: dict,
    service_names: dict[str, str] | None = None,
    variant_names: dict[str, str] | None = None,
    time_unit: str = "day",
    service_order: list[str] | None = None,
) -> list[VariantSummary]:
    """For each non-baseline variant: the services where it is clearly better or worse.

    A service is listed under "better" with its first clearly better figure (mean wait
    first, then the 90th percentile wait, queue, backlog, share within target), and under
    "worse" with its first clearly worse one — so a service can appear in both."""
    service_names = service_names or {}
    variant_names = variant_names or {}
    variants = list((results.get("variants") or {}).keys())
    base = baseline_id(variants)
    comparisons = results.get("comparisons") or {}
    directional = [m for m in METRICS if m.direction != NEUTRAL_DIRECTION]
    out = []
    for vid in variants:
        if vid == base:
            continue
        summary = VariantSummary(vid, variant_names.get(vid, vid))
        services = (comparisons.get(vid) or {}).get("services") or {}
        sids = list(services)
        if service_order:
            order = {s: i for i, s in enumerate(service_order)}
            sids.sort(key=lambda s: order.get(s, len(order)))
        for sid in sids:
            found: dict[str, str] = {}
            for m in directional:
                j = judge_difference(m.key, (services.get(sid) or {}).get(m.key), time_unit)
                if j.word in ("better", "worse") and j.word not in found:
                    found[j.word] = f"{m.short} {j.amount}"
            name = service_names.get(sid, sid)
            if "better" in found:
                summary.better.append((sid, name, found["better"]))
            if "worse" in found:
                summary.worse.append((sid, name, found["worse"]))
        out.append(summary)
    return out


def summary_html(summaries: list[VariantSummary], baseline_name: str, font_pt: int) -> str:
    esc = html.escape
    rows = []
    for s in summaries:
        parts = []
        # worse first: where the pressure went is the question the room asks
        if s.worse:
            items = ", ".join(f"{esc(n)} ({esc(d)})" for _, n, d in s.worse)
            parts.append(f"<span style='color:{WORSE_COLOUR}'><b>✖ worse</b></span> at {items}")
        if s.better:
            items = ", ".join(f"{esc(n)} ({esc(d)})" for _, n, d in s.better)
            parts.append(f"<span style='color:{BETTER_COLOUR}'><b>✔ better</b></span> at {items}")
        if not parts:
            parts.append(
                f"<span style='color:{UNCLEAR_COLOUR}'>no clear difference at any service</span>"
            )
        rows.append(f"<li><b>{esc(s.name)}</b>:<br>" + "<br>".join(parts) + "</li>")
    return (
        f"<div style='font-size:{font_pt}pt'>"
        f"<div style='font-size:{font_pt + 2}pt'><b>Where did the pressure go?</b></div>"
        f"<div style='color:{UNCLEAR_COLOUR}'>Each policy variant compared with "
        f"{esc(baseline_name)}. Called better or worse only where the 95% confidence "
        "interval of the difference excludes zero.</div>"
        "<ul style='margin-top:4px; margin-left:-20px'>" + "".join(rows) + "</ul></div>"
    )


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
            label = plain_label(QLabel(), text)
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
            name = _wrapping_label(html.escape(m.label), header_font)
            grid.addWidget(name, r, 0, Qt.AlignmentFlag.AlignTop)
            for col, vid in enumerate(variant_ids, start=1):
                est = (variants[vid].get("services") or {}).get(sid, {}).get(m.key)
                value, interval = estimate_parts(est, m.kind, time_unit, m.key)
                parts = [f"<b>{html.escape(value)}</b>"]
                spoken = f"{sname}, {m.label}, {names.get(vid, vid)}: {value}"
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
