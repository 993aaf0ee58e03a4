"""Pieces shared by the editor panels: accessible names, inline problems, list editors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.edit.document import (
    Column,
    ListTableModel,
    ScenarioDocument,
    fmt_number,
    parse_number,
    path_startswith,
)
from mission_desktop.gui.shared.access import a11y, announce
from mission_desktop.gui.shared.text import plain_label
from mission_desktop.model import Problem

#: Vermillion from the Okabe–Ito palette for a problem field's outline (3.9:1 on white, above
#: the 3:1 that WCAG asks of a control's border); always together with an icon and words.
PROBLEM_COLOUR = "#D55E00"
#: A darker vermillion for the problem's words: 6.6:1 on white, 5.4:1 on the problem tint,
#: above WCAG's 4.5:1 for normal text (plain vermillion text would be only 3.9:1).
PROBLEM_TEXT_COLOUR = "#A33B00"
#: Limits of a table column sized to its contents (longer values are elided, full in tooltips).
MIN_COLUMN_WIDTH = 60
MAX_COLUMN_WIDTH = 320


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


class ComboDelegate(QStyledItemDelegate):
    """A drop-down editor for cells whose column offers choices."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex
    ) -> QWidget:
        model = index.model()
        col = getattr(model, "columns", [None])[index.column()] if model else None
        has = col is not None and hasattr(model, "choices")
        choices = model.choices(index.row(), col) if has else None
        if choices is not None:
            combo = QComboBox(parent)
            combo.setEditable(False)
            combo.addItems(list(choices))
            header = model.header_text(col) if hasattr(model, "header_text") else col.header
            a11y(combo, header, col.tooltip or header)
            return combo
        editor = super().createEditor(parent, option, index)
        if col is not None:
            editor.setAccessibleName(model.header_text(col) if hasattr(model, "header_text") else col.header)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            value = str(index.data(Qt.ItemDataRole.EditRole) or "")
            i = editor.findText(value)
            editor.setCurrentIndex(max(i, 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class ListEditor(QWidget):
    """A table over a :class:`ListTableModel`, with Add / Remove buttons and a problem line."""

    current_row_changed = Signal(int)

    def __init__(
        self,
        model: ListTableModel,
        title: str,
        new_item: Callable[[], dict[str, Any] | None],
        parent: QWidget | None = None,
        tip: str = "",
    ):
        super().__init__(parent)
        self.model = model
        self._new_item = new_item
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.view = QTableView(self)
        self.view.setModel(model)
        self.view.setItemDelegate(ComboDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        # Tab moves along the row's cells and leaves the table after the last (never traps)
        self.view.setTabKeyNavigation(False)
        self.view.installEventFilter(self)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().setVisible(False)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        model.modelReset.connect(self._fit_columns)
        self._fitted = False
        self._fitting = False
        self._user_sized: set[int] = set()
        self.view.horizontalHeader().setMinimumSectionSize(MIN_COLUMN_WIDTH)
        self.view.horizontalHeader().sectionResized.connect(self._on_section_resized)
        a11y(self.view, title, tip or f"{title}: press F2 or type to edit a cell")
        self._corner_names()
        layout.addWidget(self.view, 1)

        buttons = QHBoxLayout()
        noun = model.noun
        self.add_button = QPushButton(f"&Add {noun}", self)
        a11y(self.add_button, f"Add {noun}", f"Add a new {noun}")
        self.remove_button = QPushButton(f"Re&move {noun}", self)
        a11y(self.remove_button, f"Remove {noun}", f"Remove the selected {noun}")
        self.add_button.clicked.connect(self.add_item)
        self.remove_button.clicked.connect(self.remove_current)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.problem = InlineProblem(self)
        layout.addWidget(self.problem)
        model.problems_changed.connect(self._on_problems)
        model.modelReset.connect(self._restore_row)
        self._last_row = -1
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self._fit_columns()

    def eventFilter(self, watched: Any, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and self._tab_along_row(
                key == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                return True
        return super().eventFilter(watched, event)

    def _tab_along_row(self, forward: bool) -> bool:
        """Move to the next (or previous) cell of the current row; False at the row's end."""
        index = self.view.currentIndex()
        if not index.isValid():
            return False
        col = index.column() + (1 if forward else -1)
        while 0 <= col < self.model.columnCount():
            if not self.view.isColumnHidden(col):
                self.view.setCurrentIndex(self.model.index(index.row(), col))
                return True
            col += 1 if forward else -1
        return False

    def _corner_names(self) -> None:
        from PySide6.QtWidgets import QAbstractButton

        for b in self.view.findChildren(QAbstractButton):
            if not b.accessibleName():
                b.setAccessibleName("Select all")

    def _fit_columns(self) -> None:
        """Size each column to its contents (within limits); the Name column, if any, takes
        the room left over. Columns the user has resized keep their width."""
        if self.model.rowCount() == 0:
            return
        header = self.view.horizontalHeader()
        cell = self.view.fontMetrics()
        head = header.fontMetrics()
        keys = [c.key for c in self.model.columns]
        stretch = keys.index("name") if "name" in keys else None
        self._fitting = True
        try:
            for col in range(self.model.columnCount()):
                if col in self._user_sized or col == stretch:
                    continue
                texts = [
                    str(self.model.index(row, col).data() or "")
                    for row in range(min(self.model.rowCount(), 500))
                ]
                width = max([cell.horizontalAdvance(t) for t in texts] or [0])
                if keys[col] == "department":  # the colour swatch and its gap
                    width += max(self.view.iconSize().width(), 16) + 10
                width = max(
                    width + 3 * cell.averageCharWidth(),
                    head.horizontalAdvance(
                        str(self.model.headerData(col, Qt.Orientation.Horizontal) or "")
                    )
                    + 4 * head.averageCharWidth(),
                )
                header.resizeSection(col, min(max(width, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH))
            if stretch is not None:
                header.setStretchLastSection(False)
                header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        finally:
            self._fitting = False
        self._fitted = True

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting:
            self._user_sized.add(column)

    def changeEvent(self, event: Any) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the presentation zoom
            # the view and its header get the new font after this widget: fit afterwards
            QTimer.singleShot(0, self._fit_columns)

    def _on_problems(self, problems: Sequence[Problem]) -> None:
        self.problem.show_message("\n".join(self.model.describe_problem(p) for p in problems))

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.row() if current.isValid() else -1
        if row >= 0:
            self._last_row = row
        self.current_row_changed.emit(row)

    def _restore_row(self) -> None:
        n = self.model.rowCount()
        if n == 0:
            self.current_row_changed.emit(-1)
            return
        row = min(max(self._last_row, 0), n - 1)
        self.select_row(row)

    def current_row(self) -> int:
        idx = self.view.currentIndex()
        return idx.row() if idx.isValid() else -1

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self._last_row = row
            self.view.setCurrentIndex(self.model.index(row, 0))
            self.view.selectRow(row)
            self.current_row_changed.emit(row)

    def add_item(self) -> None:
        item = self._new_item()
        if item is None:
            return
        before = self.model.rowCount()
        if not self.model.insert_item(item):
            self.select_row(before)

    def remove_current(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        self.model.remove_item(row)


def show_list(model: ListTableModel, path: str) -> None:
    """Point a nested list's table at ``path``, unless it shows that list already (pointing
    it again would reset the table for nothing)."""
    if model.list_path != path:
        model.set_list_path(path)


# --------------------------------------------------------------------------- routes


def route_columns(document: ScenarioDocument) -> list[Column]:
    def store_to(item: dict[str, Any], value: Any, path: str) -> None:
        item["to"] = str(value).strip()

    def store_p(item: dict[str, Any], value: Any, path: str) -> None:
        item["p"] = parse_number(value, path)

    def ids() -> tuple[str, ...]:
        return tuple(s.id for s in document.scenario.services)

    return [
        Column(
            "to", "To service", lambda r: r["to"], store_to, "Where people go next", choices=ids
        ),
        Column(
            "p",
            "Probability",
            lambda r: fmt_number(r["p"]),
            store_p,
            "Share of people who go there (0 to 1); the rest leave",
        ),
    ]


def new_route(document: ScenarioDocument, taken: list[dict[str, Any]]) -> dict[str, Any] | None:
    used = {r["to"] for r in taken}
    for s in document.scenario.services:
        if s.id not in used:
            return {"to": s.id, "p": 0}
    return {"to": document.scenario.services[0].id, "p": 0}


def routes_editor(
    document: ScenarioDocument,
    owner: QWidget,
    parent: QWidget,
    title: str,
    noun: str = "route",
    min_height: int = 140,
) -> ListEditor:
    """A table of routes (to a service, with a probability) over a list the caller points it
    at with :func:`show_list`; its model (``.model``) belongs to ``owner``."""
    model = ListTableModel(document, "", route_columns(document), noun, owner)
    editor = ListEditor(model, title, lambda: new_route(document, model._items), parent)
    editor.setMinimumHeight(min_height)
    return editor


# --------------------------------------------------------------------------- panels


class ListDetailPanel(QWidget):
    """A table of the scenario's items (``self.table`` over ``self.model``) above a scrolling
    group box (``self.detail``) for the one selected, whose number is ``self.row``."""

    def __init__(
        self,
        document: ScenarioDocument,
        list_path: str,
        columns: Sequence[Column],
        noun: str,
        title: str,
        new_item: Callable[[], dict[str, Any] | None],
        detail_stretch: int,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.document = document
        self.row = -1
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        layout.addWidget(splitter)
        self.model = ListTableModel(document, list_path, columns, noun, self)
        self.table = ListEditor(self.model, title, new_item, self)
        splitter.addWidget(self.table)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        self.detail = QGroupBox(f"Selected {noun}", scroll)
        scroll.setWidget(self.detail)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, detail_stretch)

    def follow_selection(self, show: Callable[[int], None]) -> None:
        """Show the selected item now and whenever the selection or the scenario changes
        (call once the detail is built)."""
        self.table.current_row_changed.connect(show)
        self.document.scenario_changed.connect(lambda _s: show(self.table.current_row()))
        self.table.select_row(0)
