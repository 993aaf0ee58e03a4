"""Distribution editor: pick a distribution by name, set its parameters, see its shape."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.edit.common import spin_value
from mission_desktop.gui.edit.document import fmt_number, plural_unit
from mission_desktop.gui.shared.access import a11y

PARAMS: dict[str, tuple[str, ...]] = {
    "exponential": ("mean",),
    "fixed": ("value",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "lognormal": ("mean", "sd"),
    "gamma": ("mean", "sd"),
    "empirical": ("values",),
}
DESCRIPTIONS = {
    "exponential": "Exponential: memoryless, many short and a few long",
    "fixed": "Fixed: always the same duration",
    "uniform": "Uniform: anything between low and high, equally likely",
    "triangular": "Triangular: low, most likely (mode) and high",
    "lognormal": "Lognormal: skewed, long right tail (mean and sd of the duration itself)",
    "gamma": "Gamma: skewed, set by its mean and sd",
    "empirical": "Empirical: resample your own observed durations",
}
PARAM_LABELS = {
    "mean": "Mean",
    "value": "Value",
    "low": "Low",
    "high": "High",
    "mode": "Most likely (mode)",
    "sd": "Standard deviation",
    "values": "Observed values",
}
NONE_LABEL = "(none)"


def mean_of(dist: dict[str, Any] | None) -> float | None:
    if not dist:
        return None
    kind = dist.get("dist")
    try:
        if kind in ("exponential", "lognormal", "gamma"):
            return float(dist["mean"])
        if kind == "fixed":
            return float(dist["value"])
        if kind == "uniform":
            return (float(dist["low"]) + float(dist["high"])) / 2
        if kind == "triangular":
            return (float(dist["low"]) + float(dist["mode"]) + float(dist["high"])) / 3
        if kind == "empirical":
            values = [float(v) for v in dist["values"]]
            return sum(values) / len(values) if values else None
    except (KeyError, TypeError, ValueError):
        return None
    return None


def converted(dist: dict[str, Any] | None, kind: str) -> dict[str, Any]:
    """A distribution of ``kind`` with (about) the same mean as ``dist``."""
    m = mean_of(dist) or 1.0
    if kind == "exponential":
        return {"dist": kind, "mean": m}
    if kind == "fixed":
        return {"dist": kind, "value": m}
    if kind == "uniform":
        return {"dist": kind, "low": 0, "high": 2 * m}
    if kind == "triangular":
        return {"dist": kind, "low": 0, "mode": m, "high": 2 * m}
    if kind in ("lognormal", "gamma"):
        sd = dist.get("sd", m / 2) if dist and dist.get("dist") in ("lognormal", "gamma") else m / 2
        return {"dist": kind, "mean": m, "sd": sd}
    if kind == "empirical":
        return {"dist": kind, "values": [m]}
    raise KeyError(kind)


def density(dist: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """x and density (or a normalised histogram) for a small plot. Never raises."""
    kind = dist.get("dist")
    m = max(mean_of(dist) or 1.0, 1e-9)
    try:
        if kind == "fixed":
            v = float(dist["value"])
            return np.array([v, v]), np.array([0.0, 1.0])
        if kind == "exponential":
            x = np.linspace(0, 5 * m, 200)
            return x, np.exp(-x / m) / m
        if kind == "uniform":
            lo, hi = float(dist["low"]), float(dist["high"])
            if hi <= lo:
                return np.array([lo, lo]), np.array([0.0, 1.0])
            pad = (hi - lo) * 0.1
            h = 1 / (hi - lo)
            return np.array([lo - pad, lo, lo, hi, hi, hi + pad]), np.array([0, 0, h, h, 0, 0])
        if kind == "triangular":
            lo, mo, hi = float(dist["low"]), float(dist["mode"]), float(dist["high"])
            if hi <= lo:
                return np.array([lo, lo]), np.array([0.0, 1.0])
            h = 2 / (hi - lo)
            return np.array([lo, mo, hi]), np.array([0.0, h, 0.0])
        if kind in ("lognormal", "gamma"):
            sd = float(dist["sd"])
            if sd <= 0:
                return np.array([m, m]), np.array([0.0, 1.0])
            x = np.linspace(1e-9, m + 4 * sd, 300)
            if kind == "lognormal":
                s2 = math.log(1 + sd * sd / (m * m))
                mu = math.log(m) - s2 / 2
                y = np.exp(-((np.log(x) - mu) ** 2) / (2 * s2)) / (x * math.sqrt(2 * math.pi * s2))
            else:
                k = m * m / (sd * sd)
                theta = sd * sd / m
                with np.errstate(all="ignore"):
                    logy = (k - 1) * np.log(x) - x / theta - math.lgamma(k) - k * math.log(theta)
                    y = np.exp(logy)
            y = np.nan_to_num(y, nan=0.0, posinf=0.0)
            if y.max() > 0:
                y = np.minimum(y, y[len(y) // 20 :].max() * 1.5 if len(y) > 20 else y.max())
            return x, y
        if kind == "empirical":
            values = np.asarray([float(v) for v in dist["values"]])
            if values.size == 0:
                return np.array([0.0, 0.0]), np.array([0.0, 0.0])
            bins = max(1, min(30, int(np.sqrt(values.size)) + 1))
            hist, edges = np.histogram(values, bins=bins, density=bool(np.ptp(values) > 0))
            x = np.repeat(edges, 2)[1:-1]
            y = np.repeat(hist.astype(float), 2)
            return x, y
    except (KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError):
        pass
    return np.array([0.0, 1.0]), np.array([0.0, 0.0])


class DistributionEditor(QWidget):
    """Emits :attr:`distribution_changed` with a new dict (or None) after each finished edit."""

    distribution_changed = Signal(object)

    def __init__(self, title: str, optional: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.optional = optional
        self._dist: dict[str, Any] | None = None
        self._time_unit = "day"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        layout.addLayout(self.form)

        self.kind = QComboBox(self)
        if optional:
            self.kind.addItem(NONE_LABEL)
        for name in PARAMS:
            self.kind.addItem(name)
        a11y(
            self.kind, f"{title}: distribution", f"How {title.lower()} varies from person to person"
        )
        self.kind.activated.connect(self._on_kind)
        self.form.addRow(f"{title} &distribution:", self.kind)

        self.spins: dict[str, QDoubleSpinBox] = {}
        for param in ("mean", "value", "low", "mode", "high", "sd"):
            spin = QDoubleSpinBox(self)
            spin.setRange(0, 1e9)
            spin.setDecimals(3)
            spin.setKeyboardTracking(False)
            a11y(spin, f"{title}: {PARAM_LABELS[param].lower()}")
            spin.editingFinished.connect(self._on_param)
            self.spins[param] = spin
            self.form.addRow(PARAM_LABELS[param] + ":", spin)
        self.values = QLineEdit(self)
        self.values.setPlaceholderText("e.g. 1, 2.5, 3, 8")
        a11y(self.values, f"{title}: observed values", "Observed durations, separated by commas")
        self.values.editingFinished.connect(self._on_param)
        self.form.addRow(PARAM_LABELS["values"] + ":", self.values)

        self.plot = pg.PlotWidget(self)
        self.plot.setMinimumHeight(110)
        self.plot.setMaximumHeight(160)
        self.plot.setBackground("w")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.getPlotItem().hideAxis("left")
        self.plot.getPlotItem().getAxis("bottom").enableAutoSIPrefix(False)
        self.plot.setAccessibleName(f"{title}: shape of the distribution")
        self.plot.setToolTip(f"Shape of {title.lower()}; the dashed line marks the mean")
        self.curve = self.plot.plot([], [], pen=pg.mkPen("#0072B2", width=2))
        self.mean_line = pg.InfiniteLine(
            angle=90,
            pen=pg.mkPen("#D55E00", width=2, style=pg.QtCore.Qt.PenStyle.DashLine),
            label="mean",
            labelOpts={"position": 0.85, "color": "#000000"},
        )
        self.plot.addItem(self.mean_line)
        layout.addWidget(self.plot)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self._refresh_fields()

    # ----------------------------------------------------------------- public
    def distribution(self) -> dict[str, Any] | None:
        return None if self._dist is None else dict(self._dist)

    def set_distribution(self, dist: dict[str, Any] | None, time_unit: str = "day") -> None:
        self._dist = None if dist is None else dict(dist)
        self._time_unit = time_unit
        self._refresh_fields()

    def param_widget(self, param: str) -> QWidget:
        return self.values if param == "values" else self.spins[param]

    # ----------------------------------------------------------------- internals
    def _refresh_fields(self) -> None:
        dist = self._dist
        kind = dist.get("dist") if dist else None
        self.kind.blockSignals(True)
        self.kind.setCurrentText(kind if kind else (NONE_LABEL if self.optional else "exponential"))
        self.kind.blockSignals(False)
        shown = PARAMS.get(kind or "", ())
        for param, spin in self.spins.items():
            visible = param in shown
            self.form.setRowVisible(spin, visible)
            if visible and dist is not None:
                spin.blockSignals(True)
                try:
                    spin.setValue(float(dist.get(param, 0)))
                finally:
                    spin.blockSignals(False)
        self.form.setRowVisible(self.values, "values" in shown)
        if dist is not None and kind == "empirical":
            self.values.setText(", ".join(fmt_number(v) for v in dist.get("values", [])))
        self._refresh_plot()

    def _refresh_plot(self) -> None:
        unit = plural_unit(self._time_unit)
        self.plot.setLabel("bottom", f"{self.title.lower()} ({unit})")
        dist = self._dist
        if dist is None:
            self.curve.setData([], [])
            self.mean_line.hide()
            self.plot.hide()
            self.summary.setText(
                f"No {self.title.lower()}: nobody gives up." if self.optional else ""
            )
            return
        self.plot.show()
        x, y = density(dist)
        self.curve.setData(x, y)
        m = mean_of(dist)
        if m is not None:
            self.mean_line.setValue(m)
            self.mean_line.label.setFormat(f"mean {m:.3g} {unit}")
            self.mean_line.show()
        else:
            self.mean_line.hide()
        desc = DESCRIPTIONS.get(dist.get("dist", ""), "")
        mean_text = f" Mean {m:.3g} {unit}." if m is not None else ""
        self.summary.setText(f"{desc}.{mean_text}")
        self.plot.setAccessibleDescription(self.summary.text())

    def _on_kind(self, _index: int) -> None:
        text = self.kind.currentText()
        new = None if text == NONE_LABEL else converted(self._dist, text)
        self._dist = new
        self._refresh_fields()
        self.distribution_changed.emit(self.distribution())

    def _on_param(self) -> None:
        if self._dist is None:
            return
        kind = self._dist["dist"]
        new: dict[str, Any] = {"dist": kind}
        for param in PARAMS[kind]:
            if param == "values":
                parts = [p.strip() for p in self.values.text().replace(";", ",").split(",")]
                try:
                    new["values"] = [float(p) for p in parts if p]
                except ValueError:
                    new["values"] = self._dist.get("values", [])
                    self.values.setText(", ".join(fmt_number(v) for v in new["values"]))
            else:
                new[param] = spin_value(self.spins[param], self._dist.get(param))
        if new == self._dist:
            return
        self._dist = new
        self._refresh_plot()
        self.distribution_changed.emit(self.distribution())
