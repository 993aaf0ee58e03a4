"""Editors for things that repeat: a service's capacity schedule and a cohort's arrival profile.

Each editor shows the scenario's value and emits the edited value *as typed* (numbers may
still be text); the panel turns it into the scenario's dict with :func:`parse_schedule` or
:func:`parse_profile` inside its edit, so a bad number and a broken rule (offsets not
increasing, an offset past the period) are refused in plain words at the field, exactly as
in a file, and every accepted change is one undoable step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.edit.document import parse_number, value_problem
from mission_desktop.gui.edit.duration import DurationEdit, exact, parse_time
from mission_desktop.gui.shared.access import a11y
from mission_desktop.report.format import plain as fmt_number
from mission_desktop.report.format import plural_unit

#: A sensible first cycle per time unit: (period, number of profile multipliers).
DEFAULT_CYCLE: dict[str, tuple[float, int]] = {
    "minute": (1440, 24),
    "hour": (24, 24),
    "day": (7, 7),
    "week": (52, 13),
}
PREVIEW_HEIGHT = 130


def default_cycle(time_unit: str) -> tuple[float, int]:
    return DEFAULT_CYCLE.get(time_unit, (7, 7))


# --------------------------------------------------------------------------- parsing


def parse_schedule(
    raw: dict[str, Any] | None, path: str, time_unit: str = "day"
) -> dict[str, Any] | None:
    """The scenario's ``capacity_schedule`` dict from the editor's typed values (offsets
    are durations, typed in any unit)."""
    if raw is None:
        return None
    steps = []
    for i, (offset, capacity) in enumerate(raw.get("steps", [])):
        try:
            start = parse_time(offset, time_unit)
        except ValueError as e:
            raise value_problem(f"{path}.steps[{i}][0]", str(e)) from None
        steps.append(
            [
                start,
                parse_number(capacity, f"{path}.steps[{i}][1]", whole=True),
            ]
        )
    if not steps:
        raise value_problem(f"{path}.steps", "needs at least one step (or untick the schedule)")
    return {"period": parse_number(raw.get("period"), f"{path}.period"), "steps": steps}


def parse_profile(raw: dict[str, Any] | None, path: str) -> dict[str, Any] | None:
    """The scenario's arrival ``profile`` dict from the editor's typed values."""
    if raw is None:
        return None
    text = str(raw.get("multipliers", "")).replace(";", ",")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise value_problem(
            f"{path}.multipliers", "needs at least one multiplier, e.g. 1.2, 1, 1, 0.8"
        )
    multipliers = []
    for i, part in enumerate(parts):
        try:
            multipliers.append(float(part))
        except ValueError:
            raise value_problem(
                f"{path}.multipliers[{i}]", f"“{part}” is not a number (use commas between them)"
            ) from None
    return {"period": parse_number(raw.get("period"), f"{path}.period"), "multipliers": multipliers}


def _preview_plot(parent: QWidget, name: str, tip: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(parent)
    plot.setFixedHeight(PREVIEW_HEIGHT)
    plot.setBackground("w")
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setMenuEnabled(False)
    plot.getPlotItem().getAxis("bottom").enableAutoSIPrefix(False)
    plot.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
    plot.setAccessibleName(name)
    plot.setToolTip(tip)
    plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a picture: the summary below says it in words
    return plot


# --------------------------------------------------------------------------- the common part


class _CycleEditor(QWidget):
    """What the capacity schedule and the arrival profile editors share: a tick box that
    switches the cycle on (``self.enabled``), the period it repeats over (``self.period``, in
    ``self.form``), a preview plot and a summary in words.

    ``self._cycle`` is the scenario's value shown (a dict with a ``period``) or None when
    switched off; a subclass builds its own fields between the period and the preview
    (:meth:`_add_preview`), and says what is new when ticked and how to emit its value.
    """

    def __init__(
        self,
        parent: QWidget | None,
        tick: tuple[str, str, str],
        period: tuple[str, str, str],
    ):
        """``tick`` and ``period``: (label with its shortcut, accessible name, tooltip)."""
        super().__init__(parent)
        self._cycle: dict[str, Any] | None = None
        self._unit = "day"
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label, name, tip = tick
        self.enabled = QCheckBox(label, self)
        a11y(self.enabled, name, tip)
        self.enabled.toggled.connect(self._on_enabled)
        layout.addWidget(self.enabled)

        self.form = QFormLayout()
        label, name, tip = period
        self.period = DurationEdit(name, tip, self)
        self.period.value_changed.connect(lambda _v: self._on_period())
        self.form.addRow(label, self.period)
        layout.addLayout(self.form)

    def _add_preview(self, plot: pg.PlotWidget) -> None:
        """Add the preview plot and the summary under it, then show the (empty) value."""
        self.plot = plot
        self._layout.addWidget(plot)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self._layout.addWidget(self.summary)
        self._refresh()

    # ----------------------------------------------------------------- for subclasses
    def _new_cycle(self, period: float, n: int) -> dict[str, Any]:
        """The value when the cycle is ticked on: ``period`` and ``n`` from :func:`default_cycle`."""
        raise NotImplementedError

    def _emit(self) -> None:
        raise NotImplementedError

    def _refresh(self) -> None:
        raise NotImplementedError

    # ----------------------------------------------------------------- shared
    def _period_value(self) -> Any:
        """The period as shown or typed (model time, at full precision)."""
        return self.period.value()

    def _show_cycle(self) -> tuple[bool, str]:
        """Show whether the cycle is on and its period; return that and the plural unit."""
        on = self._cycle is not None
        unit = plural_unit(self._unit)
        self.enabled.blockSignals(True)
        self.enabled.setChecked(on)
        self.enabled.blockSignals(False)
        self.period.set_time_unit(self._unit)
        self.period.set_value(float(self._cycle["period"]) if on else default_cycle(self._unit)[0])
        return on, unit

    def _on_enabled(self, checked: bool) -> None:
        self._cycle = self._new_cycle(*default_cycle(self._unit)) if checked else None
        self._refresh()
        self._emit()

    def _on_period(self) -> None:
        if self._cycle is not None:
            self._emit()


# --------------------------------------------------------------------------- capacity schedule


class CapacityScheduleEditor(_CycleEditor):
    """A repeating capacity schedule: a period and (from offset, capacity) steps.

    Emits :attr:`schedule_changed` with ``{"period": ..., "steps": [[offset, capacity]...]}``
    (values as typed) or None when the schedule is switched off.
    """

    schedule_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(
            parent,
            (
                "Capacity &changes over a repeating cycle",
                "Capacity changes over a repeating cycle",
                "Tick to set shifts: the number of servers from each point of a repeating cycle",
            ),
            (
                "Schedule &repeats every:",
                "Schedule repeats every",
                "Length of the cycle the schedule repeats",
            ),
        )
        self._capacity: int | None = 1
        layout = self._layout

        self.table = QTableWidget(0, 2, self)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(120)
        self.table.setMaximumWidth(560)  # two numbers: a wide table only spreads them apart
        a11y(
            self.table,
            "Capacity schedule steps",
            "One row per step: from this point of the cycle, this many servers. "
            "Press F2 or type to edit a cell",
        )
        self.table.itemChanged.connect(lambda _item: self._emit())
        layout.addWidget(self.table)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add ste&p", self)
        a11y(self.add_button, "Add schedule step", "Add a step after the selected one")
        self.add_button.clicked.connect(self.add_step)
        self.remove_button = QPushButton("Remove st&ep", self)
        a11y(self.remove_button, "Remove schedule step", "Remove the selected step")
        self.remove_button.clicked.connect(self.remove_step)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        plot = _preview_plot(
            self, "Capacity over one cycle", "Servers over one cycle of the schedule"
        )
        self.curve = plot.plot([], [], pen=pg.mkPen("#0072B2", width=2))
        self._add_preview(plot)

    # ----------------------------------------------------------------- public
    def set_schedule(
        self, schedule: dict[str, Any] | None, time_unit: str = "day", capacity: int | None = 1
    ) -> None:
        self._cycle = (
            None
            if schedule is None
            else {
                "period": schedule["period"],
                "steps": [list(s) for s in schedule["steps"]],
            }
        )
        self._unit = time_unit
        self._capacity = capacity
        self._refresh()

    def value(self) -> dict[str, Any] | None:
        """The schedule as shown, values as typed."""
        if not self.enabled.isChecked():
            return None
        steps = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c) for c in (0, 1)]
            steps.append([c.text().strip() if c is not None else "" for c in cells])
        return {"period": self._period_value(), "steps": steps}

    def add_step(self) -> None:
        if not self.enabled.isChecked():
            return
        row = self.table.currentRow()
        row = self.table.rowCount() - 1 if row < 0 else row
        try:
            period = float(self.period.value())
            offset = float(self.table.item(row, 0).text()) if row >= 0 else 0.0
            nxt = (
                float(self.table.item(row + 1, 0).text())
                if row + 1 < self.table.rowCount()
                else period
            )
            new_offset = offset + (nxt - offset) / 2 if row >= 0 else 0.0
            capacity = self.table.item(row, 1).text() if row >= 0 else str(self._capacity or 1)
        except (AttributeError, ValueError):
            new_offset, capacity = 0.0, str(self._capacity or 1)
        self.table.blockSignals(True)
        self.table.insertRow(row + 1)
        self._set_row(row + 1, new_offset, capacity)
        self.table.blockSignals(False)
        self.table.setCurrentCell(row + 1, 0)
        self._emit()

    def remove_step(self) -> None:
        row = self.table.currentRow()
        if row < 0 or not self.enabled.isChecked():
            return
        self.table.blockSignals(True)
        self.table.removeRow(row)
        self.table.blockSignals(False)
        self._emit()

    # ----------------------------------------------------------------- internals
    def _set_row(self, row: int, offset: Any, capacity: Any) -> None:
        for col, value in ((0, offset), (1, capacity)):
            shown = (exact if col == 0 else fmt_number)(value)
            item = QTableWidgetItem(value if isinstance(value, str) else shown)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, col, item)

    def _refresh(self) -> None:
        sched = self._cycle
        on, unit = self._show_cycle()
        self.table.setHorizontalHeaderLabels(
            [f"From ({unit} into the cycle)", "Capacity (servers)"]
        )
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for offset, capacity in (sched or {}).get("steps", []):
            row = self.table.rowCount()
            self.table.insertRow(row)
            self._set_row(row, offset, capacity)
        self.table.blockSignals(False)
        # without a schedule only the tick box and a sentence show: less to read
        self.form.setRowVisible(self.period, on)
        for w in (self.table, self.add_button, self.remove_button, self.plot):
            w.setVisible(on)
        self._refresh_preview()

    def _refresh_preview(self) -> None:
        sched = self._cycle
        if sched is None:
            self.curve.setData([], [])
            self.summary.setText(
                "Capacity is the same all the time."
                if self._capacity is not None
                else "Unlimited capacity: nobody waits."
            )
            return
        unit = plural_unit(self._unit)
        period = float(sched["period"])
        steps = [(float(o), int(c)) for o, c in sched["steps"]]
        # before the first offset the last step still holds (the cycle wraps round)
        xs = [0.0] + [o for o, _ in steps if o > 0] + [period]
        caps = [steps[-1][1] if steps[0][0] > 0 else steps[0][1]]
        caps += [c for o, c in steps if o > 0]
        self.curve.setData(np.array(xs), np.array(caps, dtype=float), stepMode="center")
        self.plot.setLabel("bottom", f"{unit} into the cycle")
        self.plot.setLabel("left", "servers")
        total = sum((xs[i + 1] - xs[i]) * caps[i] for i in range(len(caps)))
        mean = total / period if period > 0 else 0.0
        self.summary.setText(
            f"Repeats every {fmt_number(period)} {unit}: from {min(caps)} to {max(caps)} "
            f"servers, {mean:.3g} on average. The service's capacity above applies when "
            "no schedule is set."
        )
        self.plot.setAccessibleDescription(self.summary.text())

    def _new_cycle(self, period: float, n: int) -> dict[str, Any]:
        return {"period": period, "steps": [[0, self._capacity or 1]]}

    def _emit(self) -> None:
        self.schedule_changed.emit(self.value())


# --------------------------------------------------------------------------- arrival profile


class ArrivalProfileEditor(_CycleEditor):
    """A cohort's arrival profile: a period and multipliers of the rate, one per equal slice.

    Emits :attr:`profile_changed` with ``{"period": ..., "multipliers": "1.2, 1, ..."}``
    (multipliers as typed) or None when the profile is switched off.
    """

    profile_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(
            parent,
            (
                "Arrivals vary over a repeating c&ycle",
                "Arrivals vary over a repeating cycle",
                "Tick to set busy and quiet times: the rate is multiplied by one number per slice",
            ),
            (
                "Profile re&peats every:",
                "Profile repeats every",
                "Length of the cycle the profile repeats",
            ),
        )
        self.multipliers = QLineEdit(self)
        self.multipliers.setPlaceholderText("e.g. 1.2, 1, 1, 1, 1, 0.6, 0.5")
        a11y(
            self.multipliers,
            "Rate multipliers",
            "One number per equal slice of the cycle, separated by commas: "
            "2 means twice the arrival rate, 0 means nobody arrives",
        )
        self.multipliers.editingFinished.connect(self._on_multipliers)
        self.form.addRow("Rate &multipliers:", self.multipliers)

        plot = _preview_plot(
            self, "Arrival profile preview", "Each slice's rate multiplier; the line marks 1"
        )
        self.bars = pg.BarGraphItem(x=[], height=[], width=1, brush="#56B4E9", pen="#0072B2")
        plot.addItem(self.bars)
        self.one_line = pg.InfiniteLine(
            pos=1, angle=0, pen=pg.mkPen("#000000", width=1, style=Qt.PenStyle.DashLine)
        )
        plot.addItem(self.one_line)
        self._add_preview(plot)

    # ----------------------------------------------------------------- public
    def set_profile(self, profile: dict[str, Any] | None, time_unit: str = "day") -> None:
        self._cycle = (
            None
            if profile is None
            else {
                "period": profile["period"],
                "multipliers": list(profile["multipliers"]),
            }
        )
        self._unit = time_unit
        self._refresh()

    def value(self) -> dict[str, Any] | None:
        if not self.enabled.isChecked():
            return None
        return {"period": self._period_value(), "multipliers": self.multipliers.text()}

    # ----------------------------------------------------------------- internals
    def _refresh(self) -> None:
        prof = self._cycle
        on, unit = self._show_cycle()
        self.multipliers.setText(
            ", ".join(fmt_number(m) for m in prof["multipliers"]) if on else ""
        )
        self.multipliers.setCursorPosition(0)
        self.form.setRowVisible(self.period, on)
        self.form.setRowVisible(self.multipliers, on)
        self.plot.setVisible(on)
        if not on:
            self.bars.setOpts(x=[], height=[], width=1)
            self.summary.setText("Arrivals are steady over time.")
            return
        values = [float(m) for m in prof["multipliers"]]
        n = len(values)
        period = float(prof["period"])
        slice_len = period / n
        x = (np.arange(n) + 0.5) * slice_len
        self.bars.setOpts(x=x, height=np.array(values), width=slice_len * 0.9)
        self.plot.setLabel("bottom", f"{unit} into the cycle")
        self.plot.setLabel("left", "× rate")
        self.plot.setXRange(0, period, padding=0.02)
        self.plot.setYRange(0, max(max(values), 1.0) * 1.1, padding=0)
        mean = sum(values) / n
        busiest = values.index(max(values))
        slice_unit = self._unit if round(slice_len, 4) == 1 else unit
        self.summary.setText(
            f"{n} slice{'s' if n != 1 else ''} of {fmt_number(round(slice_len, 4))} "
            f"{slice_unit} each, repeating every {fmt_number(period)} {unit}. Busiest: "
            f"×{max(values):g}, starting {fmt_number(round(busiest * slice_len, 4))} {unit} "
            f"into the cycle; quietest ×{min(values):g}; average ×{mean:.3g} (the arrival "
            "rate is multiplied by this on average)."
        )
        self.plot.setAccessibleDescription(self.summary.text())

    def _new_cycle(self, period: float, n: int) -> dict[str, Any]:
        return {"period": period, "multipliers": [1.0] * n}

    def _emit(self) -> None:
        self.profile_changed.emit(self.value())

    def _on_multipliers(self) -> None:
        if self._cycle is None:
            return
        shown = ", ".join(fmt_number(m) for m in self._cycle["multipliers"])
        if self.multipliers.text().strip() != shown:
            self._emit()
