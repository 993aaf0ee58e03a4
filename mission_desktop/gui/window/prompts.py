"""Every question the main window asks and every message it shows: one ``ask_*`` /
``show_*`` method each, so tests (and the screenshot script) can replace them and nothing
modal ever blocks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import (
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
)

from mission_desktop.gui.edit.saving import SAVE_ANYWAY, SAVE_COPY
from mission_desktop.gui.files.exchange import FILE_FILTER
from mission_desktop.gui.shared.text import ask_plain, message_box
from mission_desktop.gui.window.dialogs import (
    CANCEL,
    AboutDialog,
    HistoryDialog,
    ProblemsDialog,
    ShortcutsDialog,
    duplicate_name_box,
    save_changes_box,
)
from mission_desktop.model import (
    ScenarioError,
)
from mission_desktop.store import Library


def about_facts(library: Library) -> tuple[str, str, str]:
    """(version, licence, data folder) for the About dialog."""
    from importlib import metadata

    from mission_desktop import __version__

    try:
        licence = metadata.metadata("mission-desktop").get("License") or ""
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        licence = ""
    names = {"OGL-UK-3.0": "Open Government Licence v3.0 (OGL-UK-3.0)"}
    licence = names.get(licence, licence) or "see the LICENSE file"
    return __version__, licence, str(Path(library.path).parent)


class PromptsMixin:
    """The window's questions and messages (mixed into MainWindow)."""

    # ================================================================= prompts (patch in tests)
    def ask_duplicate_choice(self, name: str) -> str:
        """'keep_both', 'replace' or 'cancel' when an opened file's name is already used."""
        box, choices = duplicate_name_box(name, self)
        box.exec()
        return choices.get(box.clickedButton(), CANCEL)

    def ask_save_changes(self, name: str) -> str:
        """'save', 'discard' or 'cancel' before leaving a scenario with unsaved edits."""
        box, choices = save_changes_box(name, self)
        box.exec()
        return choices.get(box.clickedButton(), CANCEL)

    def ask_recover_draft(self, name: str, when: str | None) -> bool:
        """Offer unsaved edits autosaved before a crash."""
        stamp = f" (autosaved {when.replace('T', ' ')[:19]} UTC)" if when else ""
        answer = ask_plain(
            self,
            "Recover unsaved edits?",
            f"“{name}” has edits that were never saved{stamp}, for example because Mission "
            "Desktop closed unexpectedly.\n\nRecover them? (No keeps the last saved revision "
            "and throws the edits away.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_stale_save(self, name: str) -> str:
        """'anyway', 'copy' or 'cancel' when another window saved the scenario meanwhile."""
        box = message_box(
            self,
            QMessageBox.Icon.Warning,
            "Saved elsewhere meanwhile",
            f"Someone (another Mission Desktop window) saved “{name}” since you opened it.\n\n"
            "Save your edits as a new revision anyway (theirs stays in History), save them "
            "as a copy, or go back?",
            QMessageBox.StandardButton.Cancel,
        )
        anyway = box.addButton("Save as a &new revision anyway", QMessageBox.ButtonRole.AcceptRole)
        copy = box.addButton("Save as a &copy…", QMessageBox.ButtonRole.ActionRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return {anyway: SAVE_ANYWAY, copy: SAVE_COPY}.get(box.clickedButton(), CANCEL)

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Normal, text)
        return value.strip() if ok and value.strip() else None

    def ask_confirm(self, title: str, text: str) -> bool:
        return ask_plain(self, title, text) == QMessageBox.StandardButton.Yes

    def ask_open_paths(self, title: str, many: bool = False) -> list[Path]:
        if many:
            paths, _ = QFileDialog.getOpenFileNames(self, title, "", FILE_FILTER)
            return [Path(p) for p in paths]
        path, _ = QFileDialog.getOpenFileName(self, title, "", FILE_FILTER)
        return [Path(path)] if path else []

    def ask_save_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, file_filter)
        return Path(path) if path else None

    def ask_revision(self, scenario_id: int) -> int | None:
        """The id of a revision to restore, chosen in the history dialog (or None)."""
        record = self.library.get_scenario(scenario_id)
        revisions = self.library.revisions(scenario_id)
        current = self.library.current_revision(scenario_id).id
        dialog = HistoryDialog(record.name, revisions, current, self)
        dialog.exec()
        return dialog.chosen_revision_id

    def show_problems(
        self, error: ScenarioError, title: str = "This file cannot be opened"
    ) -> None:
        """Every problem of a bad file, with its place. Nothing in the library has changed."""
        source = error.source or "The file"
        n = len(error.problems)
        intro = (
            f"{source} has {n} problem{'s' if n != 1 else ''}, listed below with their places. "
            "Nothing in your library has changed. Fix the file (or ask its sender) and open it again."
        )
        dialog = ProblemsDialog(title, intro, error.problems, self)
        self.last_problems_dialog = dialog
        if not self.isVisible():  # a bad file given at start: the window, then its problems
            self.show()
        dialog.exec()

    def show_error(self, title: str, text: str) -> None:
        """A warning; its text is plain (names from files are never read as markup)."""
        box = message_box(self, QMessageBox.Icon.Warning, title, text)
        self.last_error_box = box
        box.exec()

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self.shortcut_rows(), self)
        self.last_shortcuts_dialog = dialog
        dialog.exec()

    def show_about(self) -> None:
        dialog = AboutDialog(*about_facts(self.library), self)
        self.last_about_dialog = dialog
        dialog.exec()

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        """(where, what, keys) for every action with a shortcut, menu by menu, then the keys
        that work inside lists and tables."""
        rows: list[tuple[str, str, str]] = []
        seen: set[int] = set()

        def walk(menu: QMenu, where: str) -> None:
            for action in menu.actions():
                if action.menu() is not None:
                    walk(action.menu(), f"{where} › {action.text().replace('&', '')}")
                    continue
                keys = [
                    k.toString(QKeySequence.SequenceFormat.NativeText)
                    for k in action.shortcuts()
                    if not k.isEmpty()
                ]
                if not keys or id(action) in seen:
                    continue
                seen.add(id(action))
                what = action.text().replace("&", "").rstrip("…").strip()
                rows.append((where, what, " or ".join(dict.fromkeys(keys))))

        for top in self.menuBar().actions():
            if top.menu() is not None:
                walk(top.menu(), top.text().replace("&", "") + " menu")
        rows += [
            ("Library", "Open the selected scenario", "Enter"),
            ("Library search", "Clear the search", "Esc"),
            ("Library", "Rename, history, delete (context menu)", "Menu key or Shift+F10"),
            ("Tables", "Edit the selected cell", "F2 (or start typing)"),
            ("Tables", "Keep or cancel an edit", "Enter / Esc"),
            ("Everywhere", "Next / previous field", "Tab / Shift+Tab"),
            ("Everywhere", "Next / previous tab of a panel", "Ctrl+Tab / Ctrl+Shift+Tab"),
            ("Everywhere", "Open a menu or press a button", "Alt + underlined letter"),
        ]
        return rows

