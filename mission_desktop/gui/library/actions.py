"""The library list on the left: listing, searching, opening, renaming, deleting and
restoring scenarios."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    Qt,
)
from PySide6.QtGui import (
    QStandardItem,
)
from PySide6.QtWidgets import (
    QMenu,
)

from mission_desktop.gui.library.delegate import DETAIL_ROLE, friendly_time
from mission_desktop.gui.shared.text import plain_tip
from mission_desktop.model.blank import blank_scenario
from mission_desktop.store import StoreError

SETTING_LAST_OPENED = "gui.last_opened_scenario"
EXAMPLE_FIRST_OPEN = "Hospital discharge and social care"


class LibraryMixin:
    """The library's list and actions (mixed into MainWindow)."""

    # ================================================================= library list
    def refresh_library(self) -> None:
        try:
            records = self.library.list_scenarios()
        except StoreError as e:
            self.show_error("The library cannot be read", str(e))
            return
        selected = self.selected_scenario_id()
        self.library_model.clear()
        for rec in records:
            item = QStandardItem(rec.name)
            item.setData(rec.id, Qt.ItemDataRole.UserRole)
            when = friendly_time(rec.updated_at)
            is_open = rec.id == self.scenario_id
            saved = f"revision {rec.revision_number}, saved {when}"
            short = f"rev. {rec.revision_number} · {when}"
            item.setData(f"{'Open now · ' if is_open else ''}{short}", DETAIL_ROLE)
            item.setToolTip(plain_tip(f"{rec.name}\n{saved[0].upper()}{saved[1:]}"))
            spoken = f"{rec.name}, {saved}"
            if is_open:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                spoken = f"{rec.name}, open now, {saved}"
            item.setData(spoken, Qt.ItemDataRole.AccessibleTextRole)
            self.library_model.appendRow(item)
        self.select_in_library(selected if selected is not None else self.scenario_id)

    def select_in_library(self, scenario_id: int | None) -> None:
        if scenario_id is None:
            return
        for row in range(self.library_proxy.rowCount()):
            idx = self.library_proxy.index(row, 0)
            if idx.data(Qt.ItemDataRole.UserRole) == scenario_id:
                self.library_list.setCurrentIndex(idx)
                return

    def selected_scenario_id(self) -> int | None:
        idx = self.library_list.currentIndex() if hasattr(self, "library_list") else QModelIndex()
        return idx.data(Qt.ItemDataRole.UserRole) if idx.isValid() else None

    def library_names(self) -> list[str]:
        return [r.name for r in self.library.list_scenarios()]

    def clear_library_filter(self) -> None:
        """Esc in the search field: clear the search; when it is already empty, go to the
        list (Esc means "leave this field")."""
        if self.library_filter.text():
            self.library_filter.clear()
        else:
            self.library_list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _focus_library_filter(self) -> None:
        self.library_filter.setFocus()
        self.library_filter.selectAll()

    def _on_library_activated(self, index: QModelIndex) -> None:
        sid = index.data(Qt.ItemDataRole.UserRole)
        if sid is not None:
            self.open_scenario(sid)

    def _open_selected(self) -> None:
        sid = self.selected_scenario_id()
        if sid is not None:
            self.open_scenario(sid)

    def _library_menu(self, pos: Any) -> None:
        if self.selected_scenario_id() is None:
            return
        menu = QMenu(self)
        for a in (
            self.open_selected_action,
            self.rename_action,
            self.history_action,
            self.delete_action,
        ):
            menu.addAction(a)
        menu.exec(self.library_list.viewport().mapToGlobal(pos))

    # ================================================================= opening
    def open_scenario(self, scenario_id: int, *, force: bool = False) -> bool:
        """Show a library scenario (asking first about unsaved edits, offering a draft)."""
        if scenario_id == self.scenario_id and not force:
            return True
        if not self.confirm_leave_run() or not self.maybe_save():
            return False
        try:
            scenario = self.library.current_scenario(scenario_id)
            draft = self.library.draft(scenario_id)
            when = self.library.draft_updated_at(scenario_id) if draft is not None else None
        except StoreError as e:
            self.show_error("This scenario cannot be opened", str(e))
            return False
        self.autosave_timer.stop()
        self.scenario_id = scenario_id
        self.note_base_revision()
        self.document.reset(scenario)
        if draft is not None and draft != scenario:
            if self.ask_recover_draft(scenario.name, when):
                self.document.replace(draft, "Recover unsaved edits")
                self.statusBar().showMessage("Recovered unsaved edits from the autosave", 5000)
            else:
                self._discard_draft()
        try:
            run = self.library.last_run(scenario_id)
        except StoreError:
            run = None
        if run is not None and run.results:
            self.note_revision(run.results, run.revision_id)
            show = getattr(self.run_view, "show_results", None)
            if show is not None:
                show(run.results)
        try:
            self.library.set_setting(SETTING_LAST_OPENED, scenario_id)
        except StoreError:
            pass
        self._update_title()
        self._update_actions()
        self.refresh_library()
        self.select_in_library(scenario_id)
        self.statusBar().showMessage(f"Opened “{self.scenario.name}”", 5000)
        self.scenario_opened.emit(self.scenario)
        return True

    def open_startup_scenario(self) -> bool:
        """The scenario last opened; else the hospital discharge example; else the newest."""
        try:
            records = self.library.list_scenarios()
            last = self.library.get_setting(SETTING_LAST_OPENED)
        except StoreError as e:
            self.show_error("The library cannot be read", str(e))
            return False
        if not records:
            return False
        ids = {r.id for r in records}
        if last in ids:
            return self.open_scenario(last)
        for r in records:
            if r.name == EXAMPLE_FIRST_OPEN:
                return self.open_scenario(r.id)
        return self.open_scenario(records[0].id)

    # ================================================================= library actions
    def rename_selected(self) -> None:
        sid = self.selected_scenario_id()
        if sid is None:
            return
        old = self.library.get_scenario(sid).name
        name = self.ask_text("Rename scenario", "New name:", old)
        if not name or name == old:
            return
        self.rename_scenario(sid, name)

    def rename_scenario(self, scenario_id: int, name: str) -> bool:
        try:
            self.library.rename_scenario(scenario_id, name)
        except StoreError as e:
            self.show_error("Not renamed", str(e))
            return False
        if scenario_id == self.scenario_id:
            self.note_base_revision()
            if self.is_modified():
                self.document.edit(lambda d: d.__setitem__("name", name), "Rename")
            else:
                self.document.reset(self.library.current_scenario(scenario_id))
        self.refresh_library()
        self.statusBar().showMessage(f"Renamed to “{name}”", 5000)
        return True

    def delete_selected(self) -> None:
        sid = self.selected_scenario_id()
        if sid is None:
            return
        name = self.library.get_scenario(sid).name
        if not self.ask_confirm(
            "Delete scenario",
            f"Delete “{name}” from the library? Its history and runs are kept "
            "in the library file but it will no longer be listed.",
        ):
            return
        self.delete_scenario(sid)

    def delete_scenario(self, scenario_id: int) -> bool:
        try:
            self.library.delete_scenario(scenario_id)
        except StoreError as e:
            self.show_error("Not deleted", str(e))
            return False
        if scenario_id == self.scenario_id:
            self.undo_stack.setClean()
            self.scenario_id = None
            if not self.open_startup_scenario():
                self.document.reset(blank_scenario())
        self.refresh_library()
        self.statusBar().showMessage("Scenario deleted", 5000)
        return True

    def history_selected(self) -> None:
        sid = self.selected_scenario_id() or self.scenario_id
        if sid is None:
            return
        try:
            revision_id = self.ask_revision(sid)
        except StoreError as e:
            self.show_error("History cannot be shown", str(e))
            return
        if revision_id is not None:
            self.restore_revision(sid, revision_id)

    def restore_revision(self, scenario_id: int, revision_id: int) -> bool:
        if scenario_id == self.scenario_id and not self.maybe_save():
            return False
        try:
            rev = self.library.restore_revision(scenario_id, revision_id)
        except StoreError as e:
            self.show_error("Not restored", str(e))
            return False
        if scenario_id == self.scenario_id:
            self.note_base_revision()
            self.document.reset(self.library.current_scenario(scenario_id))
        self.refresh_library()
        self.statusBar().showMessage(f"Restored: now revision {rev.number}", 5000)
        return True

