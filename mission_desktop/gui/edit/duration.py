"""One field for every duration: typed in any unit, stored at full precision.

A duration can be typed in any unit whatever the model's (``15 min``, ``2.5 h``, ``3 days``,
``2 weeks``; a plain number is in the model's unit) and is stored exactly as typed, converted
(``15 min`` in a day model is 15/1440, not 0.01). It shows in the model's unit at full
precision (the shortest text that reads back as the same number) with the unit beside it.
A point in time (a policy's start) may also be typed as a date where the scenario has a
``start_date``; it is converted to model time. Table cells parse the same way
(:func:`store_duration`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLineEdit, QWidget

from mission_desktop.gui.edit.document import value_problem
from mission_desktop.gui.edit.fields import mark_invalid
from mission_desktop.gui.shared.access import a11y
from mission_desktop.model.dates import date_label, parse_date, to_datetime, to_model_time
from mission_desktop.report.format import parse_duration, plural_unit

#: what the tooltip of every duration field says about typing one
TYPING_TIP = "Type it in any unit: 15 min, 2.5 h, 3 days, 2 weeks (a plain number is in {unit})"


def exact(value: float) -> str:
    """A number at full precision without an exponent (``0.010416666666666666``, ``336``)."""
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return np.format_float_positional(value, trim="-")


def parse_time(
    text: Any,
    time_unit: str,
    start_date: dt.date | None = None,
    *,
    dates: bool = False,
) -> float:
    """A duration (or, with ``dates`` and a ``start_date``, a date) → model time.
    Raises ValueError with a message for the user."""
    if isinstance(text, bool):
        raise ValueError("must be a duration")
    if isinstance(text, int | float):
        value = float(text)
        if not np.isfinite(value) or value < 0:
            raise ValueError("must be a duration of 0 or more")
        return value
    try:
        return parse_duration(str(text), time_unit)
    except ValueError as e:
        if not (dates and start_date is not None):
            raise
        try:
            when = parse_date(str(text))
        except ValueError:
            raise ValueError(f"{e}; or a date such as 2027-04-01") from None
        t = to_model_time(when, start_date, time_unit)
        if t < 0:
            raise ValueError(
                f"{date_label(when)} is before the scenario's start date {date_label(start_date)}"
            ) from None
        return t


def date_note(t: float, time_unit: str, start_date: dt.date | None) -> str:
    """``1 Apr 2027`` (with the time for hour and minute models) for model time ``t``, or ''."""
    if start_date is None:
        return ""
    try:
        return date_label(to_datetime(t, start_date, time_unit), time_unit in ("hour", "minute"))
    except ValueError:
        return ""


def store_duration(key: str, document: Any, *, dates: bool = False, default: Any = ...):
    """A :class:`Column` ``store`` for a duration cell at ``key`` (``a.b`` for a nested one)."""

    def store(item: dict[str, Any], value: Any, path: str) -> None:
        scenario = document.scenario
        text = value.strip() if isinstance(value, str) else value
        if text == "" and default is not ...:
            number = default
        else:
            try:
                number = parse_time(
                    value, scenario.time_unit, scenario.run.start_date, dates=dates
                )
            except ValueError as e:
                raise value_problem(path, str(e)) from None
        group, _, field = key.partition(".")
        if field:
            item.setdefault(group, {})[field] = number
        else:
            item[key] = number

    return store


class DurationEdit(QLineEdit):
    """A line edit for a duration in any unit, showing the model's unit beside the number.

    :attr:`value_changed` carries the new value (model time) after an edit that reads as a
    duration and differs from the one shown; a bad entry is outlined, keeps its text, and
    its message goes to :attr:`problem_label` (an :class:`InlineProblem`) if one is set.
    """

    value_changed = Signal(object)

    def __init__(
        self,
        name: str,
        tip: str = "",
        parent: QWidget | None = None,
        *,
        dates: bool = False,
        blank: bool = False,
    ):
        super().__init__(parent)
        self.name = name
        self._tip = tip
        self._dates = dates
        self._blank = blank
        self._unit = "day"
        self._start: dt.date | None = None
        self._value: float | None = None
        self._shown = ""
        self.problem_label: Any = None
        self.editingFinished.connect(self._on_finished)
        a11y(self, name, tip)
        self._retip()

    # ----------------------------------------------------------------- public
    def set_time_unit(self, time_unit: str, start_date: dt.date | None = None) -> None:
        self._unit = time_unit
        self._start = start_date
        self._retip()
        self._show()

    def set_value(self, value: float | None) -> None:
        """Show ``value`` (model time) without emitting anything."""
        self._value = None if value is None else float(value)
        self._show()

    def value(self) -> float | None:
        """The last good value (model time): the one shown or the one last typed."""
        return self._value

    def suffix(self) -> str:
        unit = plural_unit(self._unit)
        if not self._dates or self._value is None:
            return unit
        note = date_note(self._value, self._unit, self._start)
        return f"{unit} · {note}" if note else unit

    # ----------------------------------------------------------------- internals
    def _retip(self) -> None:
        tip = TYPING_TIP.format(unit=plural_unit(self._unit))
        if self._dates and self._start is not None:
            tip += ", or a date such as 2027-04-01"
        self.setToolTip("\n".join(t for t in (self._tip, tip) if t))

    def _show(self) -> None:
        self._shown = "" if self._value is None else exact(self._value)
        self.blockSignals(True)
        self.setText(self._shown)
        self.blockSignals(False)
        self._clear_problem()
        self._fit_margin()
        self.update()

    def _fit_margin(self) -> None:
        width = self.fontMetrics().horizontalAdvance(self.suffix()) + 10
        self.setTextMargins(0, 0, width, 0)

    def _clear_problem(self) -> None:
        mark_invalid(self, None)
        if self.problem_label is not None:
            self.problem_label.clear()

    def _on_finished(self) -> None:
        text = self.text()
        if text == self._shown:
            return
        if not text.strip() and self._blank:
            value = None
        else:
            try:
                value = parse_time(text, self._unit, self._start, dates=self._dates)
            except ValueError as e:
                message = f"{self.name}: {e}"
                mark_invalid(self, message)
                if self.problem_label is not None:
                    self.problem_label.show_message(message)
                return
        self._clear_problem()
        if value == self._value:
            self._show()  # "24 h" in a day model is the 1 shown already
            return
        self._value = value
        self._shown = text
        self._fit_margin()
        self.update()
        self.value_changed.emit(value)

    def paintEvent(self, event: Any) -> None:  # noqa: N802
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setPen(QColor("#505050"))  # 7.9:1 on white
        rect = self.rect().adjusted(0, 0, -6, 0)
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(rect, align, self.suffix())
        painter.end()
