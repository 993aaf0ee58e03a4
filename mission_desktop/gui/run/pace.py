"""The presentation pace: simulated time per wall second, on a logarithmic slider whose range
suits the scenario's time unit, or as fast as possible. A mixin of
:class:`~mission_desktop.gui.run.view.RunView` (which owns the slider, the check box, the
label and the controller)."""

from __future__ import annotations

import math

from PySide6.QtCore import Slot

from mission_desktop.gui.run.plot_style import plural_unit

#: presentation pace range per time unit (simulated units per wall second)
PACE_RANGES = {
    "minute": (1.0, 7 * 24 * 60.0),
    "hour": (1.0, 30 * 24.0),
    "day": (1.0, 365.0),
    "week": (0.25, 52.0),
}
SLIDER_STEPS = 200
#: a presentation run should take about this long by default (wall seconds)
DEFAULT_SHOW_SECONDS = 30.0


def _nice(value: float) -> float:
    if value >= 100:
        return float(round(value / 5) * 5)
    if value >= 10:
        return float(round(value))
    return round(value, 1)


class PaceMixin:
    """See the module docstring."""

    def _configure_pace(self, scenario) -> None:
        lo, hi = PACE_RANGES.get(scenario.time_unit, (1.0, 365.0))
        self._pace_range = (lo, hi)
        wanted = min(max(float(scenario.run.horizon) / DEFAULT_SHOW_SECONDS, lo), hi)
        pos = round(math.log(wanted / lo) / math.log(hi / lo) * SLIDER_STEPS)
        self.pace_slider.blockSignals(True)
        self.pace_slider.setValue(pos)
        self.pace_slider.blockSignals(False)
        self._on_pace_changed()

    def pace(self) -> float | None:
        """Simulated time units per wall second, or None for as fast as possible."""
        if self.fast_check.isChecked():
            return None
        lo, hi = getattr(self, "_pace_range", (1.0, 365.0))
        return _nice(lo * (hi / lo) ** (self.pace_slider.value() / SLIDER_STEPS))

    def set_pace(self, pace: float | None) -> None:
        """Set the pace control (None = as fast as possible)."""
        if pace is None:
            self.fast_check.setChecked(True)
            return
        self.fast_check.setChecked(False)
        lo, hi = getattr(self, "_pace_range", (1.0, 365.0))
        pace = min(max(pace, lo), hi)
        self.pace_slider.setValue(round(math.log(pace / lo) / math.log(hi / lo) * SLIDER_STEPS))

    @Slot()
    def _on_pace_changed(self, *_args) -> None:
        fast = self.fast_check.isChecked()
        self.pace_slider.setEnabled(not fast)
        unit = plural_unit(self._scenario.time_unit if self._scenario else "day")
        if fast:
            text = "as fast as possible"
        else:
            text = f"{self.pace():g} {unit} per second"
        self.pace_label.setText(text)
        self.pace_slider.setAccessibleDescription(text)
        self.controller.set_pace(self.pace())
