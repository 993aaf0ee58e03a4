"""The mouse wheel over an unfocused number box, drop-down or slider scrolls the form."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QWheelEvent  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.shared.wheel import install_wheel_guard  # noqa: E402


def wheel(widget: QWidget, steps: int = -1) -> None:
    """One notch down (``steps`` = -1) over the middle of ``widget``."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        pos,
        QPointF(widget.mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


@pytest.fixture
def form(qtbot):
    install_wheel_guard()
    area = QScrollArea()
    inner = QWidget()
    lay = QVBoxLayout(inner)
    other = QLineEdit()
    spin = QSpinBox()
    spin.setRange(0, 100)
    spin.setValue(50)
    dspin = QDoubleSpinBox()
    dspin.setValue(5.0)
    combo = QComboBox()
    combo.addItems(["a", "b", "c"])
    combo.setCurrentIndex(1)
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(0, 100)
    slider.setValue(50)
    lay.addWidget(other)
    for w in (spin, dspin, combo, slider):
        lay.addWidget(w)
    lay.addSpacing(3000)  # taller than the area: it scrolls
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    other.setFocus()
    QApplication.processEvents()
    return area, other, {"spin": spin, "dspin": dspin, "combo": combo, "slider": slider}


def value(w):
    return w.currentIndex() if isinstance(w, QComboBox) else w.value()


@pytest.mark.parametrize("name", ["spin", "dspin", "combo", "slider"])
def test_wheel_over_unfocused_control_scrolls_the_form(form, name):
    area, _other, controls = form
    control = controls[name]
    bar = area.verticalScrollBar()
    bar.setValue(0)
    before = value(control)
    wheel(control)
    assert value(control) == before
    assert bar.value() > 0, "the scroll area should have scrolled"


@pytest.mark.parametrize("name", ["spin", "dspin", "combo", "slider"])
def test_wheel_over_focused_control_still_changes_it(form, name):
    _area, _other, controls = form
    control = controls[name]
    control.setFocus()
    QApplication.processEvents()
    assert control.hasFocus()
    before = value(control)
    wheel(control, steps=1)
    assert value(control) != before


def test_wheel_does_not_give_the_focus(form):
    _area, _other, controls = form
    for control in controls.values():
        assert control.focusPolicy() != Qt.FocusPolicy.WheelFocus


def test_guard_is_installed_once(qtbot):
    assert install_wheel_guard() is install_wheel_guard()
