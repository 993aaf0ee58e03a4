"""Cohorts on screen: each cohort's journey time, and the equality view — each cohort's wait
at each service it visits, beside the gap from everyone there.

One table for journey times (cohorts × variants: the mean with its 95% CI, and for a policy
variant its paired difference from the baseline), then one table per service (the cohorts
that visit it × variants: the chosen figure with its CI, and the cohort's gap from everyone
at that service, paired by replication). A gap is called "higher" or "lower" only where its
95% interval excludes zero, in words with an arrow; otherwise "no clear gap". Every number
comes from the results JSON through the one formatter (report/format.py).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from mission_desktop.gui.run.lazy_page import LazyResultsPage
from mission_desktop.gui.run.result_table import (
    EMPTY,
    GAP_WORDS,
    FittedTable,
    TableData,
    difference_cell,
    estimate_cell,
    join_cells,
    make_table,
    plain_label,
    result_names,
    sized_font,
    variant_columns,
)
from mission_desktop.report.format import kind_of

#: the equality view's figures: key, how the selector names it
EQUALITY_FIGURES = (
    ("mean_wait", "Mean wait"),
    ("p90_wait", "90th percentile wait"),
    ("share_within_target", "Share within target"),
)
GAP = "_vs_all"
NO_GAP = "no clear gap"


def _cohort_ids(results: dict[str, Any], names: dict) -> list[str]:
    """Cohorts in the scenario's order (the names'), then any the names do not list."""
    seen = [c for c in (names.get("cohorts") or {})]
    for block in (results.get("variants") or {}).values():
        seen += [c for c in (block.get("cohorts") or {}) if c not in seen]
    return seen


def journey_table(results: dict[str, Any], scenario=None) -> TableData | None:
    """Each cohort's mean journey time per variant (and its difference from the baseline)."""
    variants = results.get("variants") or {}
    names = result_names(results, scenario)
    ids, labels, base = variant_columns(results, names)
    unit = results.get("time_unit") or "day"
    comparisons = results.get("comparisons") or {}
    cohorts = [
        c
        for c in _cohort_ids(results, names)
        if any(c in (variants[v].get("cohorts") or {}) for v in ids)
    ]
    if not cohorts:
        return None
    metric = "mean_journey_time"
    cells = []
    for cid in cohorts:
        row = []
        for vid in ids:
            fig = ((variants[vid].get("cohorts") or {}).get(cid) or {}).get(metric)
            shown = estimate_cell(fig, "time", unit, metric)
            if vid != base and vid in comparisons:
                diff = (((comparisons[vid].get("cohorts") or {}).get(cid)) or {}).get(metric)
                shown = join_cells(shown, difference_cell(diff, metric, "time", unit))
            row.append(shown)
        cells.append(row)
    cohort_names = names.get("cohorts") or {}
    return TableData(cohorts, [cohort_names.get(c, c) for c in cohorts], ids, labels, cells)


def equality_tables(
    results: dict[str, Any], scenario=None, metric: str = "mean_wait"
) -> list[tuple[str, str, TableData]]:
    """Per service (the scenario's order): (id, name, cohorts × variants of ``metric`` with
    the cohort's gap from everyone there)."""
    variants = results.get("variants") or {}
    names = result_names(results, scenario)
    ids, labels, _base = variant_columns(results, names)
    unit = results.get("time_unit") or "day"
    kind = kind_of(metric)
    cohorts = _cohort_ids(results, names)
    service_names = names.get("services") or {}

    def at(vid: str, cid: str, sid: str) -> dict | None:
        cohort = (variants[vid].get("cohorts") or {}).get(cid) or {}
        return (cohort.get("services") or {}).get(sid)

    services = list(service_names)
    for vid in ids:
        for cid in cohorts:
            cohort = (variants[vid].get("cohorts") or {}).get(cid) or {}
            services += [s for s in cohort.get("services") or {} if s not in services]
    out = []
    for sid in services:
        visiting = [c for c in cohorts if any(at(v, c, sid) for v in ids)]
        if not any((at(v, c, sid) or {}).get(metric) for v in ids for c in visiting):
            continue  # e.g. the share within target of a service without a target
        cells = []
        for cid in visiting:
            row = []
            for vid in ids:
                figures = at(vid, cid, sid)
                if not figures:
                    row.append(EMPTY)
                    continue
                value = estimate_cell(figures.get(metric), kind, unit, metric)
                gap = difference_cell(
                    figures.get(metric + GAP), metric + GAP, kind, unit, GAP_WORDS, NO_GAP
                )
                row.append(join_cells(value, gap))
            cells.append(row)
        row_labels = [(names.get("cohorts") or {}).get(c, c) for c in visiting]
        data = TableData(visiting, row_labels, ids, labels, cells)
        out.append((sid, service_names.get(sid, sid), data))
    return out


class CohortsPanel(LazyResultsPage):
    """The Cohorts page: journey times, then the equality view service by service. Built
    when first shown after a run, so the end of a run never waits for it."""

    waiting_text = "Run the scenario to see each cohort's figures here."

    journey: FittedTable | None = None
    #: service id → its equality table
    tables: dict[str, FittedTable]
    figure_combo: QComboBox | None = None
    #: the figure the equality view shows (the first until one is chosen)
    _metric = EQUALITY_FIGURES[0][0]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Cohorts: journey times and the equality view", parent)

    def set_metric(self, metric: str) -> None:
        """Show the equality view of this figure (mean_wait, p90_wait, share_within_target)."""
        if metric != self._metric:
            self._metric = metric
            self._built = False
            self.ensure_built()

    @Slot(int)
    def _on_figure_chosen(self, index: int) -> None:
        if self.figure_combo is not None:
            self.set_metric(self.figure_combo.itemData(index))

    def _forget(self) -> None:
        self.journey, self.tables, self.figure_combo = None, {}, None

    def _build(self, results: dict) -> None:
        pt = self._font_pt
        journeys = journey_table(results, self._scenario)
        services = equality_tables(results, self._scenario, self._metric)
        visits = any(
            (cohort or {}).get("services")
            for block in (results.get("variants") or {}).values()
            for cohort in (block.get("cohorts") or {}).values()
        )
        if journeys is None and not visits:
            self._show_message("This run has no cohort figures to show.")
            return
        # keep the reader's place: the page is rebuilt when the figure changes
        scrolled = self.verticalScrollBar().value()
        layout = self._body()
        if journeys is not None:
            layout.addWidget(plain_label("Journey time by cohort", sized_font(pt, 3, bold=True)))
            layout.addWidget(
                plain_label(
                    "From arriving to leaving the system: the mean over replications with its "
                    "95% confidence interval; for a policy variant, the paired difference from "
                    "the baseline (better or worse only where the interval excludes zero).",
                    sized_font(pt, -1),
                )
            )
            self.journey = make_table(journeys, "Journey time by cohort", pt)
            layout.addWidget(self.journey)
        if visits:
            layout.addWidget(
                plain_label(
                    "Equality view: each cohort at each service", sized_font(pt, 3, bold=True)
                )
            )
            layout.addWidget(
                plain_label(
                    "Each cohort's figure at each service it visits, and its gap from everyone "
                    "at that service (paired by replication). “Higher” or “lower” only where "
                    "the gap's 95% confidence interval excludes zero.",
                    sized_font(pt, -1),
                )
            )
            row = QHBoxLayout()
            label = QLabel("Fi&gure:")
            combo = QComboBox()
            combo.setAccessibleName("Figure shown in the equality view")
            for key, text in EQUALITY_FIGURES:
                combo.addItem(text, key)
            combo.setCurrentIndex([k for k, _ in EQUALITY_FIGURES].index(self._metric))
            combo.currentIndexChanged.connect(self._on_figure_chosen)
            label.setBuddy(combo)
            row.addWidget(label)
            row.addWidget(combo)
            row.addStretch(1)
            layout.addLayout(row)
            self.figure_combo = combo
            figure_name = dict(EQUALITY_FIGURES)[self._metric]
            if not services:
                layout.addWidget(
                    plain_label(
                        f"No service has this figure ({figure_name.lower()}): it needs a "
                        "service with a target.",
                        sized_font(pt),
                    )
                )
            for sid, name, data in services:
                layout.addWidget(plain_label(name, sized_font(pt, 1, bold=True), f"Service {name}"))
                table = make_table(data, f"{figure_name} at {name} by cohort and variant", pt)
                self.tables[sid] = table
                layout.addWidget(table)
        layout.addStretch(1)
        self.verticalScrollBar().setValue(scrolled)
