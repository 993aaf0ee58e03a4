"""The mouse wheel over a number box, a drop-down or a slider that does not have the focus
scrolls the form around it; it never changes the value.

One event filter on the application does it for every such control in every window (they
are created in many places, some by item delegates): :func:`install_wheel_guard` once.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QProxyStyle,
    QScrollBar,
    QWidget,
)

#: the controls whose value the wheel would change
GUARDED = (QAbstractSpinBox, QComboBox, QAbstractSlider)


def is_guarded(widget: QObject) -> bool:
    """True for a value control the wheel must not change unless it has the focus (scroll
    bars are exactly what the wheel is for)."""
    return isinstance(widget, GUARDED) and not isinstance(widget, QScrollBar)


def _has_focus(widget: QWidget) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is widget or widget.isAncestorOf(focus))


def _scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


class WheelGuard(QObject):
    """The filter on each value control (see the module docstring)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Wheel:
            widget: QWidget = watched  # type: ignore[assignment]
            if not _has_focus(widget):
                area = _scroll_area(widget)
                if area is not None:
                    # the form scrolls instead (sent on explicitly: Qt does not pass a
                    # synthesised wheel event on to the parents)
                    QCoreApplication.sendEvent(area.viewport(), event)
                else:
                    event.ignore()
                return True
        return False


class _GuardStyle(QProxyStyle):
    """The application's own style, which also guards each value control as it is polished.

    Only those controls' events pass through Python: an application-wide Python event filter
    (every event of every object) was seen to deadlock the GUI thread against a worker
    thread running Python."""

    def __init__(self, guard: WheelGuard) -> None:
        super().__init__()
        self._guard = guard

    def polish(self, target):  # noqa: D401 - Qt API (widget, application or palette)
        result = super().polish(target)
        if isinstance(target, QWidget) and is_guarded(target):
            # the wheel must not give these controls the focus either (Qt's WheelFocus)
            if target.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                target.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            target.installEventFilter(self._guard)  # once: Qt ignores a repeat
        return result


def install_wheel_guard(app: QCoreApplication | None = None) -> WheelGuard | None:
    """Install the guard on ``app`` (default: the running application), once: through the
    application's style, every value control made from now on is guarded."""
    app = app or QCoreApplication.instance()
    if app is None:
        return None
    guard = app.findChild(WheelGuard, "wheel_guard")
    if guard is None:
        guard = WheelGuard(app)
        guard.setObjectName("wheel_guard")
        guard.style = _GuardStyle(guard)  # the application owns it from here
        QApplication.setStyle(guard.style)
    return guard
