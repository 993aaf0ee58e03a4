"""The editor forms' fields: a problem shown at its field (an outline, an icon and words, for
screen readers too), the banner for problems that belong to no field, and reading a spin box
without losing a value more precise than it shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStyle,
    QWidget,
)

from mission_desktop.gui.edit.paths import path_startswith
from mission_desktop.gui.shared.access import announce
from mission_desktop.gui.shared.text import plain_label
from mission_desktop.model import Problem

#: Vermillion from the Okabe–Ito palette for a problem field's outline (3.9:1 on white, above
#: the 3:1 that WCAG asks of a control's border); always together with an icon and words.
PROBLEM_COLOUR = "#D55E00"
#: A darker vermillion for the problem's words: 6.6:1 on white, 5.4:1 on the problem tint,
#: above WCAG's 4.5:1 for normal text (plain vermillion text would be only 3.9:1).
PROBLEM_TEXT_COLOUR = "#A33B00"


def spin_value(spin: Any, old: Any) -> Any:
    """The spin box's value, or ``old`` if the box only shows ``old`` rounded: tabbing
    through a field must never change a value that was more precise than the box."""
    value = spin.value()
    decimals = spin.decimals() if hasattr(spin, "decimals") else 0
    try:
        if old is not None and round(float(old), decimals) == round(float(value), decimals):
            return old
    except (TypeError, ValueError):
        pass
    return value


def mark_invalid(widget: QWidget, message: str | None) -> None:
    """Outline a field in red and describe the problem (for screen readers too), or clear it."""
    if message:
        widget.setProperty("invalid", True)
        widget.setStyleSheet(f"border: 2px solid {PROBLEM_COLOUR};")
        widget.setAccessibleDescription(f"Problem: {message}")
    else:
        if widget.property("invalid"):
            widget.setStyleSheet("")
            widget.setAccessibleDescription(widget.toolTip())
        widget.setProperty("invalid", False)


class InlineProblem(QWidget):
    """A warning icon and a message in words, shown beside or under a field."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.icon = QLabel(self)
        style = QApplication.style()
        self.icon.setPixmap(
            style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(16, 16)
        )
        self.icon.setAccessibleName("Problem")
        self.label = plain_label(QLabel(self))
        self.label.setWordWrap(True)
        self.label.setStyleSheet(f"color: {PROBLEM_TEXT_COLOUR}; font-weight: bold;")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAccessibleName("Problem")
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        self.setAccessibleName("Problem with this edit")
        self.hide()

    def text(self) -> str:
        return self.label.text() if self.isVisibleTo(self.parentWidget()) else ""

    def show_message(self, text: str) -> None:
        if not text:
            self.clear()
            return
        self.label.setText(text)
        self.label.setAccessibleName(f"Problem: {text}")
        self.label.setAccessibleDescription(text)
        self.setAccessibleDescription(text)
        self.show()
        announce(self.label)

    def clear(self) -> None:
        self.label.clear()
        self.hide()


def problem_text(problems: Sequence[Problem], with_place: bool = True) -> str:
    if with_place:
        return "\n".join(f"{p.path}: {p.message}" for p in problems)
    return "\n".join(p.message for p in problems)


def reveal(widget: QWidget) -> None:
    """Scroll every scroll area holding ``widget`` so that it is in view (now and once the
    layout has placed a newly shown message)."""

    def scroll() -> None:
        try:
            child, parent = widget, widget.parentWidget()
        except RuntimeError:  # pragma: no cover - the widget is gone
            return
        while parent is not None:
            area = parent.parentWidget()
            if isinstance(area, QScrollArea) and parent is area.viewport():
                area.ensureWidgetVisible(child, 20, 20)
                child = area
            parent = parent.parentWidget()

    scroll()
    QTimer.singleShot(0, scroll)


class FieldProblems:
    """Maps problem paths to form fields: shows each message at its field, the rest in a banner."""

    def __init__(self, banner: InlineProblem):
        self.banner = banner
        self._fields: list[tuple[Callable[[], str], QWidget, InlineProblem]] = []
        self._aliases: dict[str, int] = {}

    def add(
        self,
        path: str | Callable[[], str],
        widget: QWidget,
        label: InlineProblem,
        also: tuple[str, ...] = (),
    ) -> None:
        """``also``: exact problem paths shown at this field too (a rule across fields, e.g.
        ``run`` for "horizon must be greater than warm_up")."""
        self._fields.append(((lambda: path) if isinstance(path, str) else path, widget, label))
        for alias in also:
            self._aliases[alias] = len(self._fields) - 1

    def clear(self) -> None:
        for _path, widget, label in self._fields:
            mark_invalid(widget, None)
            label.clear()
        self.banner.clear()

    def show(self, problems: Sequence[Problem]) -> None:
        self.clear()
        unplaced: list[Problem] = []
        shown: dict[int, list[str]] = {}
        for problem in problems:
            best = None
            best_len = -1
            for i, (path_fn, _w, _l) in enumerate(self._fields):
                path = path_fn()
                if path and path_startswith(problem.path, path) and len(path) > best_len:
                    best, best_len = i, len(path)
            if best is None and problem.path in self._aliases:
                shown.setdefault(self._aliases[problem.path], []).append(problem.message)
            elif best is None:
                unplaced.append(problem)
            else:
                suffix = problem.path[best_len:].lstrip(".")
                msg = f"{suffix}: {problem.message}" if suffix else problem.message
                shown.setdefault(best, []).append(msg)
        for i, messages in shown.items():
            _path, widget, label = self._fields[i]
            text = "; ".join(messages)
            mark_invalid(widget, text)
            label.show_message(text)
        if unplaced:
            self.banner.show_message(problem_text(unplaced))
        # the message sits beside its field: bring the first one into view, never leave it
        # below the fold of a scrolling form
        first = self.banner if unplaced else None
        if first is None and shown:
            first = self._fields[min(shown)][2]
        if first is not None:
            reveal(first)
