"""Accessibility helpers shared by every view: accessible names with tooltips, and alerts
for screen readers."""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QWidget

from mission_desktop.gui.shared.text import plain_tip


def a11y(widget: QWidget, name: str, tip: str | None = None) -> QWidget:
    """Give a control its accessible name and a tooltip (the tip defaults to the name)."""
    widget.setAccessibleName(name)
    widget.setToolTip(plain_tip(tip or name))
    if tip:
        widget.setAccessibleDescription(tip)
    return widget


def announce(widget: QWidget) -> None:
    """Tell screen readers that ``widget`` now shows something to read now (an alert)."""
    try:
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.Alert))
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.NameChanged))
    except (RuntimeError, TypeError):  # pragma: no cover - no accessibility bridge
        pass
