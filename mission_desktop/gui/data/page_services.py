"""Wizard page 3: each service's fit — the histogram of its durations with the fitted
density, a Q–Q plot, the ranking table (AIC, KS), the chosen shape explained in words —
with a combo to accept or override the shape and the suggested capacity to confirm."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from mission_desktop.data.fitreport import _params
from mission_desktop.data.text import shown
from mission_desktop.gui.data.preview import density_curve, histogram, qq_points
from mission_desktop.gui.shared.access import a11y
from mission_desktop.gui.shared.text import plain_label
from mission_desktop.report.format import plural_unit

BLUE, VERMILLION, GREY = "#0072B2", "#D55E00", "#6E6E6E"
#: the capacity spin box's value that means "unlimited"
UNLIMITED = 0


def _plot(parent: QWidget, name: str, bottom: str, left: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(parent)
    plot.setBackground("w")
    plot.setMinimumHeight(220)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    item = plot.getPlotItem()
    for axis in ("bottom", "left"):
        item.getAxis(axis).enableAutoSIPrefix(False)
        item.getAxis(axis).setTextPen("#000000")
        item.getAxis(axis).setPen("#000000")
    item.setLabel("bottom", bottom)
    item.setLabel("left", left)
    plot.setAccessibleName(name)
    plot.setToolTip(name)
    return plot


def choice_label(candidate, rank: int | None, best: bool) -> str:
    if candidate.family == "empirical":
        text = "empirical — resample the recorded durations"
    else:
        text = f"{candidate.family} — rank {rank}, AIC {candidate.aic:,.1f}"
    return text + ("  (the fit's choice)" if best else "")


class ServicesPage(QWizardPage):
    """Page 3: one service at a time, chosen in the list on the left."""

    def __init__(self, wizard) -> None:
        super().__init__()
        self.setTitle("Each service's fit")
        self.setSubTitle(
            "Service times fitted by maximum likelihood, ranked by AIC (lower is better) and "
            "checked with the Kolmogorov–Smirnov test. Accept the choice or pick another shape; "
            "confirm each suggested capacity."
        )
        self.owner = wizard
        self.fitted = None
        #: service id → index of the chosen candidate in its fit's candidates
        self.choices: dict[str, int] = {}
        #: service id → capacity (None: unlimited)
        self.capacities: dict[str, int | None] = {}
        self._showing: str | None = None
        outer = QHBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        outer.addWidget(split)
        self.service_list = QListWidget(split)
        a11y(self.service_list, "Services", "Choose a service to see its fit")
        self.service_list.currentRowChanged.connect(self._show_row)
        right = QWidget(split)
        lay = QVBoxLayout(right)
        self.heading = plain_label(QLabel("", right))
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        lay.addWidget(self.heading)
        self.counts = plain_label(QLabel("", right))
        self.counts.setWordWrap(True)
        lay.addWidget(self.counts)
        plots = QHBoxLayout()
        self.hist_plot = _plot(right, "Histogram of durations with the fitted density",
                               "duration", "density")
        self.qq_plot = _plot(right, "Q–Q plot: observed against fitted quantiles",
                             "fitted quantile", "observed quantile")
        plots.addWidget(self.hist_plot, 1)
        plots.addWidget(self.qq_plot, 1)
        lay.addLayout(plots, 3)
        self.plot_note = plain_label(QLabel("", right))
        self.plot_note.setWordWrap(True)
        lay.addWidget(self.plot_note)
        self.ranking = QTableWidget(right)
        self.ranking.setColumnCount(6)
        self.ranking.setHorizontalHeaderLabels(["Rank", "Shape", "Parameters", "AIC", "KS D", "KS p"])
        self.ranking.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.ranking.verticalHeader().setVisible(False)
        self.ranking.horizontalHeader().setStretchLastSection(True)
        a11y(self.ranking, "Ranking of the fitted shapes", "Lowest AIC first; the chosen one ticked")
        lay.addWidget(self.ranking, 2)
        self.explanation = plain_label(QLabel("", right))
        self.explanation.setWordWrap(True)
        lay.addWidget(self.explanation)
        form = QFormLayout()
        self.shape_combo = QComboBox(right)
        a11y(self.shape_combo, "Service-time shape", "Accept the fit's choice or override it")
        self.shape_combo.currentIndexChanged.connect(self._on_shape)
        shape_label = QLabel("Service-time &shape:", right)
        shape_label.setBuddy(self.shape_combo)
        form.addRow(shape_label, self.shape_combo)
        cap_row = QWidget(right)
        cap_lay = QHBoxLayout(cap_row)
        cap_lay.setContentsMargins(0, 0, 0, 0)
        self.capacity_spin = QSpinBox(cap_row)
        self.capacity_spin.setRange(UNLIMITED, 100_000)
        self.capacity_spin.setSpecialValueText("unlimited")
        a11y(self.capacity_spin, "Capacity", "Suggested from the log: confirm or change it")
        self.capacity_spin.valueChanged.connect(self._on_capacity)
        self.capacity_note = plain_label(QLabel("", cap_row))
        self.capacity_note.setWordWrap(True)
        cap_lay.addWidget(self.capacity_spin)
        cap_lay.addWidget(self.capacity_note, 1)
        cap_label = QLabel("C&apacity (suggested):", right)
        cap_label.setBuddy(self.capacity_spin)
        form.addRow(cap_label, cap_row)
        lay.addLayout(form)
        split.setStretchFactor(1, 4)
        split.setSizes([240, 960])

    # ----------------------------------------------------------------- filling
    def initializePage(self) -> None:  # noqa: N802
        fitted = self.owner.fit_page.fitted
        if fitted is not self.fitted:  # a new fit: start from its choices
            self.fitted = fitted
            self.choices = {}
            self.capacities = {}
            for f in fitted.result.services:
                if f.service_time is not None:
                    self.choices[f.id] = f.service_time.candidates.index(f.service_time.chosen)
                self.capacities[f.id] = f.capacity
        self.service_list.blockSignals(True)
        self.service_list.clear()
        for f in fitted.result.services:
            self.service_list.addItem(self._list_text(f))  # list items are plain text
        self.service_list.blockSignals(False)
        self.service_list.setCurrentRow(0)
        self._show_row(0)

    def _list_text(self, f) -> str:
        """The service's name and its shape, "(changed)" when the user overrode the fit."""
        st = f.service_time
        if st is None or f.id not in self.choices:
            return f"{shown(f.name, 60)} — not fitted"
        chosen = st.candidates[self.choices[f.id]]
        return f"{shown(f.name, 60)} — {chosen.family}" + ("" if chosen is st.chosen else " (changed)")

    def service_fit(self, service_id: str):
        return next(f for f in self.fitted.result.services if f.id == service_id)

    def _show_row(self, row: int) -> None:
        services = self.fitted.result.services if self.fitted else []
        if not 0 <= row < len(services):
            return
        f = services[row]
        self._showing = None
        unit = self.fitted.result.log.time_unit
        c = f.counts
        self.heading.setText(shown(f.name, 80) + (f"  [id {f.id}]" if f.id != f.name else ""))
        self.counts.setText(
            f"Visits: {c.get('completed', 0):,} completed, {c.get('abandoned', 0):,} gave up, "
            f"{c.get('turned_away', 0):,} turned away; at the end of the log "
            f"{c.get('waiting', 0):,} waiting and {c.get('serving', 0):,} in service."
        )
        st = f.service_time
        self.shape_combo.blockSignals(True)
        self.shape_combo.clear()
        self.ranking.setRowCount(0)
        if st is None:
            self.explanation.setText("No completed visit to fit: the service time is 0 — enter it by hand.")
            self.shape_combo.setEnabled(False)
        else:
            self.shape_combo.setEnabled(True)
            rank = 0
            for i, cand in enumerate(st.candidates):
                if cand.dist is None:
                    continue
                rank += cand.family != "empirical"
                self.shape_combo.addItem(choice_label(cand, rank, cand is st.chosen), i)
            self.shape_combo.setCurrentIndex(self.shape_combo.findData(self.choices[f.id]))
            self._fill_ranking(st, self.choices[f.id])
        self.shape_combo.blockSignals(False)
        self.capacity_spin.blockSignals(True)
        cap = self.capacities.get(f.id)
        self.capacity_spin.setValue(UNLIMITED if cap is None else cap)
        self.capacity_spin.blockSignals(False)
        self.capacity_note.setText(
            "Suggested unlimited: nobody waited here, so the log shows no limit."
            if f.capacity is None else
            f"Suggested {f.capacity}: the most people in service at once in the log. "
            "Confirm it against the real staffing (a service never full had more)."
        )
        self._showing = f.id
        self._draw(f, unit)

    def _fill_ranking(self, st, chosen_index: int) -> None:
        self.ranking.setRowCount(len(st.candidates))
        rank = 0
        chosen = st.candidates[chosen_index]
        for r, cand in enumerate(st.candidates):
            if cand.family == "empirical":
                cells = ["—", cand.family, _params(cand.dist), "—", "—", "—"]
            elif cand.aic is None:
                cells = ["—", cand.family, f"not fitted: {cand.why_not}", "", "", ""]
            else:
                rank += 1
                cells = [str(rank), cand.family, _params(cand.dist), f"{cand.aic:,.1f}",
                         f"{cand.ks:.3f}", "< 0.001" if cand.p < 0.001 else f"{cand.p:.3f}"]
            if cand is st.chosen:
                cells[1] += "  ✔ fit's choice"
            if cand is chosen and cand is not st.chosen:
                cells[1] += "  ✎ your choice"
            for col, text in enumerate(cells):
                self.ranking.setItem(r, col, QTableWidgetItem(text))
        self.ranking.resizeColumnsToContents()

    def _draw(self, f, unit: str) -> None:
        units = plural_unit(unit)
        self.hist_plot.clear()
        self.qq_plot.clear()
        self.hist_plot.getPlotItem().setLabel("bottom", f"duration ({units})")
        self.qq_plot.getPlotItem().setLabel("bottom", f"fitted quantile ({units})")
        self.qq_plot.getPlotItem().setLabel("left", f"observed quantile ({units})")
        sample = self.fitted.samples.get(f.id)
        st = f.service_time
        if st is None or sample is None or len(sample) == 0:
            self.plot_note.setText("No durations to plot.")
            return
        cand = st.candidates[self.choices[f.id]]
        edges, dens = histogram(sample)
        self.hist_plot.plot(edges, dens, stepMode="center", fillLevel=0,
                            brush=pg.mkBrush(86, 180, 233, 120), pen=pg.mkPen(GREY, width=1))
        curve = density_curve(cand.dist, float(edges[-1]))
        if curve is not None:
            self.hist_plot.plot(*curve, pen=pg.mkPen(VERMILLION, width=3))
        fitted_q, observed_q = qq_points(sample, cand.dist)
        top = float(max(np.nanmax(fitted_q), np.nanmax(observed_q), 1e-9))
        low = float(min(np.nanmin(fitted_q), np.nanmin(observed_q), 0.0))
        self.qq_plot.plot([low, top], [low, top], pen=pg.mkPen(GREY, width=2, style=Qt.PenStyle.DashLine))
        self.qq_plot.plot(fitted_q, observed_q, pen=None, symbol="o", symbolSize=5,
                          symbolBrush=pg.mkBrush(BLUE), symbolPen=None)
        shown_n = f"{len(sample):,}" + (f" of {st.n:,}" if st.n > len(sample) else "")
        self.plot_note.setText(
            f"Left: the {shown_n} durations (bars) and the {cand.family} density (orange line"
            f"{'' if curve is not None else ': none, the durations are resampled'}). Right: each "
            "observed quantile against the fitted one — points on the dashed line mean a good fit; "
            "points above it at the right mean the log has longer cases than the shape allows."
        )
        why = st.explanation
        if cand is not st.chosen:
            why = (f"You chose {cand.family} instead of the fit's {st.chosen.family}. "
                   f"The fit said: {st.explanation}")
        patience = ""
        if f.patience is not None:
            patience = f" Patience: {f.patience.chosen.family}, mean {f.patience.chosen.dist['mean']:.3g} {units}."
        self.explanation.setText(why + patience)

    # ----------------------------------------------------------------- choices
    def _on_shape(self, _index: int) -> None:
        if self._showing is None or self.shape_combo.currentData() is None:
            return
        self.choices[self._showing] = int(self.shape_combo.currentData())
        f = self.service_fit(self._showing)
        self.service_list.currentItem().setText(self._list_text(f))
        self._fill_ranking(f.service_time, self.choices[self._showing])
        self._draw(f, self.fitted.result.log.time_unit)

    def _on_capacity(self, value: int) -> None:
        if self._showing is not None:
            self.capacities[self._showing] = None if value == UNLIMITED else value

    def set_shape(self, service_id: str, family: str) -> None:
        """Choose ``family`` for the service (as picking it in the combo does)."""
        row = [f.id for f in self.fitted.result.services].index(service_id)
        self.service_list.setCurrentRow(row)
        st = self.service_fit(service_id).service_time
        index = next(i for i, c in enumerate(st.candidates) if c.family == family and c.dist)
        self.shape_combo.setCurrentIndex(self.shape_combo.findData(index))

    def chosen_distributions(self) -> dict[str, dict]:
        out = {}
        for f in self.fitted.result.services:
            if f.service_time is not None and f.id in self.choices:
                out[f.id] = f.service_time.candidates[self.choices[f.id]].dist
        return out
