"""Dialogs: a file's problems, a scenario's history, shortcuts, about, and the questions asked.

Every dialog is built by a function and shown by the main window through one of its
``ask_*`` / ``show_*`` methods, so tests can replace those methods and never block.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.shared.text import plain_label
from mission_desktop.model import Problem

KEEP_BOTH = "keep_both"
REPLACE = "replace"
CANCEL = "cancel"
SAVE = "save"
DISCARD = "discard"
#: the widest the problems table's place column starts (a longer place wraps)
PLACE_WIDTH = 340


class ProblemsDialog(QDialog):
    """Every problem of a file or an edit, each with its place, in a table that can be copied."""

    def __init__(
        self,
        title: str,
        intro: str,
        problems: Sequence[Problem],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.problems = tuple(problems)
        layout = QVBoxLayout(self)
        self.intro = plain_label(QLabel(self), intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = QTableWidget(len(self.problems), 2, self)
        self.table.setHorizontalHeaderLabels(["Place", "Problem"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for row, problem in enumerate(self.problems):
            # the place in words: services[1] “A&E (type 1)”, capacity
            self.table.setItem(row, 0, QTableWidgetItem(problem.place))
            self.table.setItem(row, 1, QTableWidgetItem(problem.message))
        self.table.setAccessibleName("Problems found")
        self.table.setAccessibleDescription("One row per problem: its place, then the problem")
        self.table.setToolTip("Each problem with its place in the file")
        # a long place (a service's name) wraps rather than squeezing the problem out
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), PLACE_WIDTH))
        # rows fit their wrapped text whole, never elided, whatever the widths become
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("&Copy problems", self)
        self.copy_button.setAccessibleName("Copy problems")
        self.copy_button.setToolTip("Copy every problem to the clipboard, e.g. to email")
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(900, 420)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def text(self) -> str:
        return self.intro.text() + "\n" + "\n".join(str(p) for p in self.problems)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())


class HistoryDialog(QDialog):
    """A scenario's saved revisions, newest first; Restore makes the chosen one current."""

    def __init__(self, name: str, revisions: Sequence, current_id: int | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"History of {name}")
        self.chosen_revision_id: int | None = None
        self.revisions = list(reversed(list(revisions)))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Every saved revision is kept. Restoring adds a new revision with the old "
                "content; nothing is lost.",
                self,
            )
        )
        self.table = QTableWidget(len(self.revisions), 4, self)
        self.table.setHorizontalHeaderLabels(["Revision", "Saved (UTC)", "Kind", "Note"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, rev in enumerate(self.revisions):
            number = f"{rev.number}" + (" (current)" if rev.id == current_id else "")
            values = (number, rev.created_at.replace("T", " ")[:19], rev.kind, rev.message)
            for col, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                item.setData(Qt.ItemDataRole.UserRole, rev.id)
                self.table.setItem(row, col, item)
        self.table.setAccessibleName("Saved revisions")
        self.table.setAccessibleDescription(
            "Newest first: revision number, when it was saved, how, and a note. "
            "Choose one and press Restore"
        )
        self.table.setToolTip("Choose a revision and press Restore")
        if self.revisions:
            self.table.selectRow(0)
        self.table.doubleClicked.connect(lambda _i: self._restore())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = QPushButton("&Restore this revision", self)
        self.restore_button.setAccessibleName("Restore this revision")
        self.restore_button.setToolTip("Make the selected revision current again")
        self.restore_button.clicked.connect(self._restore)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def _restore(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.chosen_revision_id = self.revisions[row].id
        self.accept()


def duplicate_name_box(name: str, parent: QWidget | None = None) -> tuple[QMessageBox, dict]:
    """The question asked when an opened file's scenario name is already in the library."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Scenario already in the library")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"The library already has a scenario named “{name}”.")
    box.setInformativeText(
        "Keep both (the file is added under a new name), or replace the library's copy "
        "(its history is kept, so you can restore it)?"
    )
    keep = box.addButton("&Keep both", QMessageBox.ButtonRole.AcceptRole)
    replace = box.addButton("&Replace", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(keep)
    box.setEscapeButton(cancel)
    return box, {keep: KEEP_BOTH, replace: REPLACE, cancel: CANCEL}


def save_changes_box(name: str, parent: QWidget | None = None) -> tuple[QMessageBox, dict]:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Unsaved edits")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"“{name}” has edits that are not saved.")
    box.setInformativeText("Save them as a new revision, discard them, or go back?")
    save = box.addButton(QMessageBox.StandardButton.Save)
    discard = box.addButton(QMessageBox.StandardButton.Discard)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    return box, {save: SAVE, discard: DISCARD, cancel: CANCEL}


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut: (where, what, keys) rows in a table that can be read aloud."""

    def __init__(self, rows: Sequence[tuple[str, str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = list(rows)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Everything in Mission Desktop can be done from the keyboard. Alt with an underlined "
            "letter opens a menu or presses a button; Tab and Shift+Tab move between fields.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(self.rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Keys", "Does", "Where"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for row, (where, what, keys) in enumerate(self.rows):
            for col, value in enumerate((keys, what, where)):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setAccessibleDescription("One row per shortcut: the keys, what they do, where")
        self.table.setToolTip("Every keyboard shortcut")
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 620)

    def text(self) -> str:
        return "\n".join(f"{keys}\t{what}\t{where}" for where, what, keys in self.rows)


class AboutDialog(QDialog):
    """Version, licence and where the library is kept."""

    def __init__(self, version: str, licence: str, data_folder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About Mission Desktop")
        layout = QVBoxLayout(self)
        self.text = (
            f"Mission Desktop {version}\n"
            "A policy impacts digital twin: model the services citizens pass through, switch "
            "policies on and off, and see with stated confidence where the pressure goes.\n\n"
            f"Licence: {licence}\n"
            f"Your library and settings are kept in:\n{data_folder}"
        )
        self.label = plain_label(QLabel(self), self.text)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.label.setAccessibleName("About Mission Desktop")
        self.label.setAccessibleDescription(self.text)
        layout.addWidget(self.label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("&Copy folder path", self)
        self.copy_button.setAccessibleName("Copy folder path")
        self.copy_button.setToolTip("Copy the data folder's path, e.g. to back it up")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(data_folder))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 260)
