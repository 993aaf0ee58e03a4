"""Distribution editor: pick a distribution by name, set its parameters, see its shape."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.edit.duration import DurationEdit, exact, parse_time
from mission_desktop.gui.edit.fields import InlineProblem, mark_invalid
from mission_desktop.gui.shared.access import a11y
from mission_desktop.model.distributions import normal_clamped_mean
from mission_desktop.report.format import plural_unit

PARAMS: dict[str, tuple[str, ...]] = {
    "exponential": ("mean",),
    "fixed": ("value",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "lognormal": ("mean", "sd"),
    "gamma": ("mean", "sd"),
    "empirical": ("values",),
    "normal": ("mean", "sd"),
}
#: the optional floor and ceiling every distribution may carry (version 2)
CLAMPS = ("min", "max")
DESCRIPTIONS = {
    "exponential": "Exponential: memoryless, many short and a few long",
    "fixed": "Fixed: always the same duration",
    "uniform": "Uniform: anything between low and high, equally likely",
    "triangular": "Triangular: low, most likely (mode) and high",
    "lognormal": "Lognormal: skewed, long right tail (mean and sd of the duration itself)",
    "gamma": "Gamma: skewed, set by its mean and sd",
    "empirical": "Empirical: resample your own observed durations",
    "normal": "Normal: symmetric around its mean (a draw below 0 counts as 0)",
}
PARAM_LABELS = {
    "mean": "Mean",
    "value": "Value",
    "low": "Low",
    "high": "High",
    "mode": "Most likely (mode)",
    "sd": "Standard deviation",
    "values": "Observed values",
    "min": "At least (min)",
    "max": "At most (max)",
}
NONE_LABEL = "(none)"


def mean_of(dist: dict[str, Any] | None) -> float | None:
    if not dist:
        return None
    kind = dist.get("dist")
    try:
        if kind == "normal":
            lo = float(dist.get("min") or 0)
            hi = None if dist.get("max") is None else float(dist["max"])
            return normal_clamped_mean(float(dist["mean"]), float(dist["sd"]), lo, hi)
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
    if kind in ("lognormal", "gamma", "normal"):
        with_sd = ("lognormal", "gamma", "normal")
        # a new normal gets sd = mean / 5: almost no draw falls below 0, so the mean holds
        fresh = m / 5 if kind == "normal" else m / 2
        sd = dist.get("sd", fresh) if dist and dist.get("dist") in with_sd else fresh
        return {"dist": kind, "mean": m, "sd": sd}
    if kind == "empirical":
        return {"dist": kind, "values": [m]}
    raise KeyError(kind)


def density(dist: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """x and density (or a normalised histogram) for a small plot, cut at the clamps (a
    draw beyond ``min`` or ``max`` becomes that bound: its density is no longer spread out
    there; the editor marks each bound). Never raises."""
    x, y = _raw_density(dist)
    lo, hi = clamps(dist)
    if lo is None and hi is None:
        return x, y
    keep = np.ones(x.shape, dtype=bool)
    if lo is not None:
        keep &= x >= lo
    if hi is not None:
        keep &= x <= hi
    if keep.sum() < 2:
        v = float(lo if lo is not None and (x < lo).all() else hi if hi is not None else x[0])
        return np.array([v, v]), np.array([0.0, 1.0])
    return x[keep], y[keep]


def clamps(dist: dict[str, Any]) -> tuple[float | None, float | None]:
    """The floor and ceiling of the draws (a normal's floor is 0 without a ``min``)."""
    try:
        lo = None if dist.get("min") is None else float(dist["min"])
        hi = None if dist.get("max") is None else float(dist["max"])
    except (TypeError, ValueError):
        return None, None
    if lo is None and dist.get("dist") == "normal":
        lo = 0.0
    return lo, hi


def _raw_density(dist: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
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
        if kind == "normal":
            mu, sd = float(dist["mean"]), float(dist["sd"])
            if sd <= 0:
                return np.array([mu, mu]), np.array([0.0, 1.0])
            x = np.linspace(mu - 4 * sd, mu + 4 * sd, 300)
            return x, np.exp(-(((x - mu) / sd) ** 2) / 2) / (sd * math.sqrt(2 * math.pi))
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
    """Pick a distribution by name and set its parameters and limits, each a duration typed
    in any unit (:class:`DurationEdit`); a small plot shows its shape."""

    #: Emits a new dict (or None) after each finished edit.

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

        #: a problem with what was typed in one of the fields (words beside the fields)
        self.entry_problem = InlineProblem(self)
        self.fields: dict[str, DurationEdit] = {}
        for param in ("mean", "value", "low", "mode", "high", "sd", *CLAMPS):
            clamp = param in CLAMPS
            edit = DurationEdit(
                f"{title}: {PARAM_LABELS[param].lower()}",
                (
                    f"Every draw of {title.lower()} is at least this (blank: no floor)"
                    if param == "min"
                    else f"Every draw of {title.lower()} is at most this (blank: no ceiling)"
                    if param == "max"
                    else ""
                ),
                self,
                blank=clamp,
            )
            if clamp:
                edit.setPlaceholderText("no limit")
            edit.problem_label = self.entry_problem
            edit.value_changed.connect(lambda _v: self._on_param())
            self.fields[param] = edit
            self.form.addRow(PARAM_LABELS[param] + ":", edit)
        self.values = QLineEdit(self)
        self.values.setPlaceholderText("e.g. 1, 2.5, 3, 8 or 15 min, 1 h")
        a11y(
            self.values,
            f"{title}: observed values",
            "Observed durations, separated by commas, in any unit (15 min, 2.5 h, 3 days)",
        )
        self.values.editingFinished.connect(self._on_param)
        self.form.addRow(PARAM_LABELS["values"] + ":", self.values)
        layout.addWidget(self.entry_problem)

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
        self.clamp_lines = {}
        for name in CLAMPS:
            line = pg.InfiniteLine(
                angle=90,
                pen=pg.mkPen("#505050", width=2, style=pg.QtCore.Qt.PenStyle.DotLine),
                label=name,
                labelOpts={"position": 0.6 if name == "min" else 0.4, "color": "#000000"},
            )
            line.hide()
            self.plot.addItem(line)
            self.clamp_lines[name] = line
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
        return self.values if param == "values" else self.fields[param]

    # ----------------------------------------------------------------- internals
    @staticmethod
    def _values_text(values: list[Any]) -> str:
        return ", ".join(exact(v) for v in values)

    def _refresh_fields(self) -> None:
        dist = self._dist
        kind = dist.get("dist") if dist else None
        self.kind.blockSignals(True)
        self.kind.setCurrentText(kind if kind else (NONE_LABEL if self.optional else "exponential"))
        self.kind.blockSignals(False)
        shown = (*PARAMS[kind], *CLAMPS) if kind in PARAMS else ()
        for param, edit in self.fields.items():
            visible = param in shown
            self.form.setRowVisible(edit, visible)
            edit.set_time_unit(self._time_unit)
            if visible and dist is not None:
                value = dist.get(param, None if param in CLAMPS else 0)
                edit.set_value(None if value is None else float(value))
        self.form.setRowVisible(self.values, "values" in shown)
        mark_invalid(self.values, None)
        self.entry_problem.clear()
        if dist is not None and kind == "empirical":
            self.values.setText(self._values_text(dist.get("values", [])))
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
        lo, hi = clamps(dist)
        for name, bound in zip(CLAMPS, (lo, hi), strict=True):
            line = self.clamp_lines[name]
            if bound is None or (name == "min" and dist.get("min") is None):
                line.hide()
                continue
            line.setValue(bound)
            line.label.setFormat(f"{name} {bound:.3g}")
            line.show()
        desc = DESCRIPTIONS.get(dist.get("dist", ""), "")
        mean_text = f" Mean {m:.3g} {unit}." if m is not None else ""
        if dist.get("min") is not None or dist.get("max") is not None:
            low = "" if dist.get("min") is None else f"at least {exact(dist['min'])}"
            high = "" if dist.get("max") is None else f"at most {exact(dist['max'])}"
            both = " and ".join(t for t in (low, high) if t)
            mean_text += f" Every draw is {both} {unit} (a draw beyond is set to that limit)."
            if dist.get("dist") != "normal":
                mean_text = mean_text.replace(" Mean", " Mean before the limits")
        self.summary.setText(f"{desc}.{mean_text}")
        self.plot.setAccessibleDescription(self.summary.text())

    def _on_kind(self, _index: int) -> None:
        text = self.kind.currentText()
        new = None if text == NONE_LABEL else converted(self._dist, text)
        if new is not None and self._dist is not None:  # the limits stay with another kind
            new.update({k: self._dist[k] for k in CLAMPS if self._dist.get(k) is not None})
        self._dist = new
        self._refresh_fields()
        self.distribution_changed.emit(self.distribution())

    def _on_param(self) -> None:
        if self._dist is None:
            return
        kind = self._dist["dist"]
        new: dict[str, Any] = {"dist": kind}
        for param in (*PARAMS[kind], *CLAMPS):
            if param == "values":
                parts = [p.strip() for p in self.values.text().replace(";", ",").split(",")]
                try:
                    new["values"] = [parse_time(p, self._time_unit) for p in parts if p]
                except ValueError as e:
                    message = f"{self.title}: observed values: {e}"
                    mark_invalid(self.values, message)
                    self.entry_problem.show_message(message)
                    return
                mark_invalid(self.values, None)
            elif param in CLAMPS:
                if self.fields[param].value() is not None:
                    new[param] = self.fields[param].value()
            else:
                new[param] = self.fields[param].value()
        if new == self._dist:
            return
        self._dist = new
        self._refresh_plot()
        self.distribution_changed.emit(self.distribution())
