"""The Qt table model of a list inside the scenario (``services``, ``policies[1].changes``): a
thin adapter over the document (glue's way). Each :class:`Column` says how a field of an item
is shown and stored; an edit is validated by the document, and a refused one shows its
problems in the cells it concerns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from mission_desktop.gui.edit.document import ProblemList, ScenarioDocument
from mission_desktop.gui.edit.paths import path_startswith, resolve
from mission_desktop.gui.shared.palette import department_colours
from mission_desktop.gui.shared.text import plain_tip
from mission_desktop.model import Problem, Scenario
from mission_desktop.report.format import plural_unit

Index = QModelIndex | QPersistentModelIndex

#: Background of a cell holding a problem (always together with an icon and a tooltip).
PROBLEM_BACKGROUND = "#FBE3D6"


@dataclass(frozen=True)
class Column:
    """One column of a list editor: a field of each item."""

    key: str
    header: str
    display: Callable[[dict[str, Any]], Any]
    #: store a typed value into the item (raise via value_problem); None = read only
    store: Callable[[dict[str, Any], Any, str], None] | None = None
    tooltip: str = ""
    #: the choices offered by a drop-down editor, if any
    choices: Callable[[], Sequence[str]] | None = None
    #: choices that depend on the row's item (used instead of ``choices`` when given)
    item_choices: Callable[[dict[str, Any]], Sequence[str]] | None = None
    #: the value put in the editor (defaults to the display)
    edit_value: Callable[[dict[str, Any]], Any] | None = None
    #: after an id changes: ``rename(doc, old, new)`` updates every reference to it
    rename: Callable[[dict[str, Any], str, str], None] | None = None


def _problem_icon() -> QIcon:
    app = QApplication.instance()
    if app is None:  # pragma: no cover
        return QIcon()
    return app.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


def colour_swatch(colour: str, size: int = 12) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(QColor(colour))
    return QIcon(pix)


class ListTableModel(QAbstractTableModel):
    """Rows are the items of a list inside the scenario (``services``, ``policies[1].changes``).

    ``setData`` builds a new dict, validates it and pushes an undoable edit. A refused edit
    returns False, keeps its problems (shown in the cell with an icon, a tint and a tooltip)
    and emits :attr:`problems_changed` so the panel can show the words beside the table.
    """

    problems_changed = Signal(object)

    def __init__(
        self,
        document: ScenarioDocument,
        list_path: str,
        columns: Sequence[Column],
        noun: str,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.document = document
        self._list_path = list_path
        self.columns = list(columns)
        self.noun = noun
        self._items: list[dict[str, Any]] = []
        self.problems: ProblemList = ()
        self._reload()
        document.scenario_changed.connect(self._on_scenario_changed)

    # ----------------------------------------------------------------- plumbing
    @property
    def list_path(self) -> str:
        return self._list_path

    def set_list_path(self, path: str) -> None:
        self.beginResetModel()
        self._list_path = path
        self._items = self._read(self.document.to_dict())
        self.problems = ()
        self.endResetModel()

    def _read(self, doc: dict[str, Any]) -> list[dict[str, Any]]:
        if not self._list_path:
            return []
        try:
            items = resolve(doc, self._list_path)
        except (KeyError, IndexError, TypeError):
            return []
        if isinstance(items, str):  # a cohort's entry given as one service id
            return [{"to": items, "p": 1}]
        return list(items or [])

    def _items_in(self, doc: dict[str, Any]) -> list[dict[str, Any]]:
        """The list inside ``doc`` to edit (created if absent; one-id entry made a list)."""
        parent_path, _, last = self._list_path.rpartition(".")
        parent = resolve(doc, parent_path, create=True) if parent_path else doc
        value = parent.get(last)
        if isinstance(value, str):
            value = [{"to": value, "p": 1}]
        if value is None:
            value = []
        parent[last] = value
        return value

    def _reload(self) -> None:
        self._items = self._read(self.document.to_dict())

    def _on_scenario_changed(self, _scenario: Scenario) -> None:
        self.beginResetModel()
        self._reload()
        self.problems = ()
        self.endResetModel()
        self.problems_changed.emit(self.problems)

    def item(self, row: int) -> dict[str, Any]:
        return self._items[row]

    def column_index(self, key: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == key:
                return i
        raise KeyError(key)

    def cell_path(self, row: int, column: int) -> str:
        return f"{self._list_path}[{row}].{self.columns[column].key}"

    def describe_problem(self, problem: Problem) -> str:
        """A problem in words, naming the row and column when it lies in this table:
        ``ae · Capacity: must be a whole number ≥ 1 (services[1].capacity)``."""
        prefix = f"{self._list_path}["
        if self._list_path and problem.path.startswith(prefix):
            rest = problem.path[len(prefix) :]
            index, _, field = rest.partition("]")
            if index.isdigit() and int(index) < len(self._items):
                row = int(index)
                item = self._items[row]
                who = item.get("id") or item.get("to") or f"row {row + 1}"
                field = field.lstrip(".")
                header = next(
                    (self.header_text(c) for c in self.columns if field and path_startswith(field, c.key)),
                    field,
                )
                where = f"{who} · {header}" if header else str(who)
                return f"{where}: {problem.message} ({problem.path})"
        return f"{problem.path}: {problem.message}"

    def _cell_problem(self, row: int, column: int) -> str | None:
        path = self.cell_path(row, column)
        msgs = [p.message for p in self.problems if path_startswith(p.path, path)]
        return "; ".join(msgs) if msgs else None

    # ----------------------------------------------------------------- Qt API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            col = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return self.header_text(col)
            if role == Qt.ItemDataRole.ToolTipRole and col.tooltip:
                return col.tooltip
        elif role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def header_text(self, col: Column) -> str:
        """The column's header, its ``{unit}`` / ``{units}`` the scenario's time unit."""
        unit = self.document.scenario.time_unit
        return col.header.replace("{units}", plural_unit(unit)).replace("{unit}", unit)

    def choices(self, row: int, col: Column) -> Sequence[str] | None:
        """What a drop-down in row ``row`` of ``col`` offers (None: no drop-down)."""
        if col.item_choices is not None and 0 <= row < len(self._items):
            return tuple(col.item_choices(self._items[row]))
        return None if col.choices is None else tuple(col.choices())

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and self.columns[index.column()].store is not None:
            col = self.columns[index.column()]
            # a field this row does not have (no choices for it): not editable here
            if col.item_choices is None or self.choices(index.row(), col):
                base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        item = self._items[index.row()]
        col = self.columns[index.column()]
        problem = self._cell_problem(index.row(), index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            value = col.display(item)
            text = "" if value is None else str(value)
            if problem and role == Qt.ItemDataRole.AccessibleTextRole:
                text += f" (problem: {problem})"
            return text
        if role == Qt.ItemDataRole.EditRole:
            value = col.edit_value(item) if col.edit_value else col.display(item)
            return "" if value is None else value
        if role == Qt.ItemDataRole.ToolTipRole:
            if problem:
                return plain_tip(f"⚠ {problem}")
            # the full value first: a narrow column elides it
            value = col.display(item)
            text = "" if value is None else str(value)
            return plain_tip("\n".join(t for t in (text, col.tooltip) if t)) or None
        if role == Qt.ItemDataRole.DecorationRole:
            if problem:
                return _problem_icon()
            if col.key == "department":
                colours = self._department_colours()
                return colour_swatch(colours.get(item.get("department", ""), "#6E6E6E"))
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return QBrush(QColor(PROBLEM_BACKGROUND))
        return None

    def _department_colours(self) -> dict[str, str]:
        return department_colours(s.department for s in self.document.scenario.services)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        col = self.columns[index.column()]
        if col.store is None:
            return False
        row = index.row()
        path = self.cell_path(row, index.column())

        def change(doc: dict[str, Any]) -> None:
            item = self._items_in(doc)[row]
            old = item.get(col.key)
            col.store(item, value, path)
            new = item.get(col.key)
            if col.rename is not None and old != new:
                col.rename(doc, old, new)

        name = self._items[row].get("id") or self._items[row].get("to") or f"{row + 1}"
        problems = self.document.edit(change, f"Set {self.noun} {name} {self.header_text(col).lower()}")
        if problems:
            self._show_problems(problems)
            return False
        return True

    def _show_problems(self, problems: ProblemList) -> None:
        self.problems = tuple(problems)
        if self._items:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._items) - 1, len(self.columns) - 1)
            )
        self.problems_changed.emit(self.problems)

    # ----------------------------------------------------------------- rows
    def insert_item(self, item: dict[str, Any], row: int | None = None) -> ProblemList:
        def change(doc: dict[str, Any]) -> None:
            items = self._items_in(doc)
            items.insert(len(items) if row is None else row, item)

        problems = self.document.edit(change, f"Add {self.noun}")
        if problems:
            self._show_problems(problems)
        return problems

    def remove_item(self, row: int) -> ProblemList:
        name = self._items[row].get("id") or self._items[row].get("to") or str(row + 1)

        def change(doc: dict[str, Any]) -> None:
            del self._items_in(doc)[row]

        problems = self.document.edit(change, f"Remove {self.noun} {name}")
        if problems:
            self._show_problems(problems)
        return problems
