"""Editing a list of the scenario's items in a table: :class:`ListEditor` (the table over a
:class:`~mission_desktop.gui.edit.table_model.ListTableModel`, with Add / Remove and a
problem line; Tab walks a row's cells, columns fit their contents), and
:class:`ListDetailPanel` (such a table above the details of the item selected)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.edit.document import ScenarioDocument
from mission_desktop.gui.edit.fields import InlineProblem
from mission_desktop.gui.edit.table_model import Column, ListTableModel
from mission_desktop.gui.shared.access import a11y
from mission_desktop.model import Problem

#: Limits of a table column sized to its contents (longer values are elided, full in tooltips).
MIN_COLUMN_WIDTH = 60
MAX_COLUMN_WIDTH = 320


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
