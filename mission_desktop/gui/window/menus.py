"""The main window's actions, menus and toolbar."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QToolBar,
    QWidget,
)

from mission_desktop.gui.shared.text import plain_tip
from mission_desktop.gui.window.zoom import ZOOM_STEPS


def distinct_keys(*keys: Any) -> list[QKeySequence]:
    """Key sequences (strings, standard keys or sequences) without empties or repeats.

    An action must never list the same sequence twice: Qt then sees two shortcuts for one
    key and triggers neither ("Ambiguous shortcut overload")."""
    out: list[QKeySequence] = []
    seen: set[str] = set()
    for key in keys:
        seq = key if isinstance(key, QKeySequence) else QKeySequence(key)
        text = seq.toString(QKeySequence.SequenceFormat.PortableText)
        if seq.isEmpty() or text in seen:
            continue
        seen.add(text)
        out.append(seq)
    return out


class MenusMixin:
    """Builds the window's actions, menus and toolbar (mixed into MainWindow)."""

    def _action(
        self,
        text: str,
        slot: Any,
        shortcut: Any = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list | tuple) else [shortcut]
            action.setShortcuts(distinct_keys(*keys))
        action.setToolTip(tip or text.replace("&", "").rstrip("…"))
        action.setStatusTip(tip or text.replace("&", ""))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        sk = QKeySequence.StandardKey
        self.new_action = self._action(
            "&New scenario", self.new_scenario, sk.New, "Start a new scenario in the library"
        )
        self.open_action = self._action(
            "&Open file…",
            self.open_file_dialog,
            sk.Open,
            "Open a .mission.json file (added to the library)",
        )
        self.save_action = self._action(
            "&Save", self.save, sk.Save, "Save the edits as a new revision in the library"
        )
        self.save_as_action = self._action(
            "Save &As…", self.save_as, sk.SaveAs, "Save a copy under a new name in the library"
        )
        self.import_action = self._action(
            "&Import files…",
            self.import_files_dialog,
            "Ctrl+I",
            "Add .mission.json files to the library without opening them",
        )
        self.export_action = self._action(
            "&Export .mission.json…",
            self.export_dialog,
            "Ctrl+E",
            "Write this scenario to a file to email or share",
        )
        self.export_csv_action = self._action(
            "Export results &CSV…",
            self.export_results_dialog,
            "Ctrl+Shift+E",
            "Write the results on screen as CSV",
        )
        self.export_xlsx_action = self._action(
            "Export results &XLSX…",
            self.export_results_xlsx_dialog,
            None,
            "Write the results on screen as an Excel workbook",
        )
        self.export_map_action = self._action(
            "Export map &PNG…",
            self.export_map_dialog,
            "Ctrl+Shift+P",
            "Save the service map as a picture",
        )
        self.export_plots_action = self._action(
            "Export p&lots PNG…",
            self.export_plots_dialog,
            "Ctrl+Shift+L",
            "Save the live plots as a picture",
        )
        self._build_report_actions()
        self._build_data_actions()
        self._build_decide_actions()
        self.quit_action = self._action("&Quit", self.close, sk.Quit, "Close Mission Desktop")
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))

        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        # the platform's Undo is Ctrl+Z (Cmd+Z on a Mac) already: never list a key twice
        self.undo_action.setShortcuts(distinct_keys(sk.Undo, "Ctrl+Z"))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(distinct_keys("Ctrl+Shift+Z", "Ctrl+Y"))
        for a in (self.undo_action, self.redo_action):
            self.addAction(a)

        self.zoom_in_action = self._action(
            "Zoom &in", self.zoom_in, ["Ctrl++", "Ctrl+="], "Larger text for projectors"
        )
        self.zoom_out_action = self._action("Zoom &out", self.zoom_out, "Ctrl+-", "Smaller text")
        self.zoom_reset_action = self._action(
            "&Actual size", self.zoom_reset, "Ctrl+0", "Text at normal size"
        )
        self.show_map_action = self._action("&Map", lambda: self.tabs.setCurrentIndex(0), "Ctrl+1")
        self.show_edit_action = self._action(
            "&Edit", lambda: self.tabs.setCurrentIndex(1), "Ctrl+2"
        )
        self.show_run_action = self._action("&Run", lambda: self.tabs.setCurrentIndex(2), "Ctrl+3")
        self._build_presentation_actions()
        self.find_action = self._action(
            "&Search library", self._focus_library_filter, "Ctrl+F", "Search the scenario library"
        )
        self.focus_library_action = self._action(
            "Go to &library",
            self.library_list.setFocus,
            "Ctrl+L",
            "Move the keyboard focus to the library",
        )

        # Esc in the search field clears the search (and, once empty, goes to the list)
        self.clear_search_action = QAction("Clear the search", self.library_filter)
        self.clear_search_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.clear_search_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.clear_search_action.setStatusTip("Show every scenario again")
        self.clear_search_action.triggered.connect(lambda _c=False: self.clear_library_filter())
        self.library_filter.addAction(self.clear_search_action)

        self.open_selected_action = self._action(
            "&Open selected", self._open_selected, None, "Open the scenario selected in the library"
        )
        self.rename_action = self._action(
            "Re&name scenario…",
            self.rename_selected,
            "F2",
            "Rename the scenario selected in the library",
        )
        self.rename_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.library_list.addAction(self.rename_action)
        self.removeAction(self.rename_action)
        self.history_action = self._action(
            "&History…",
            self.history_selected,
            "Ctrl+H",
            "Saved revisions of the selected scenario, with restore",
        )
        self.delete_action = self._action(
            "&Delete scenario…",
            self.delete_selected,
            "Ctrl+Shift+Delete",
            "Delete the scenario selected in the library",
        )
        self.shortcuts_action = self._action(
            "&Keyboard shortcuts…",
            self.show_shortcuts,
            "Ctrl+/",
            "Every keyboard shortcut in one list",
        )
        self.about_action = self._action(
            "&About Mission Desktop…",
            self.show_about,
            None,
            "Version, licence and where your library is kept",
        )
        self.clear_recent_action = QAction("&Clear recent files", self)
        self.clear_recent_action.setStatusTip("Empty the list of recent files (the files stay)")
        self.clear_recent_action.triggered.connect(lambda _c=False: self.clear_recent_files())

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for a in (self.new_action, self.open_action, self.save_action, self.save_as_action):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.from_data_action)
        file_menu.addAction(self.export_action)
        self.recent_menu = file_menu.addMenu("&Recent files")
        self.recent_menu.setToolTipsVisible(True)  # each file's full path
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        file_menu.addSeparator()
        file_menu.addAction(self.export_csv_action)
        file_menu.addAction(self.export_xlsx_action)
        file_menu.addAction(self.export_map_action)
        file_menu.addAction(self.export_plots_action)
        file_menu.addAction(self.report_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)

        scenario_menu = bar.addMenu("&Scenario")
        for a in (
            self.open_selected_action,
            self.rename_action,
            self.history_action,
            self.delete_action,
        ):
            scenario_menu.addAction(a)
        self.run_menu = bar.addMenu("&Run")
        self._build_decide_menu(bar)

        view_menu = bar.addMenu("&View")
        for a in (self.show_map_action, self.show_edit_action, self.show_run_action):
            view_menu.addAction(a)
        view_menu.addSeparator()
        view_menu.addAction(self.presentation_action)
        zoom_menu = view_menu.addMenu("Presentation &zoom")
        for a in (self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action):
            zoom_menu.addAction(a)
        zoom_menu.addSeparator()
        self.zoom_level_actions: dict[int, QAction] = {}
        group = QActionGroup(self)
        for percent in ZOOM_STEPS:
            action = zoom_menu.addAction(f"&{ZOOM_STEPS.index(percent) + 1}  {percent}%")
            action.setCheckable(True)
            action.setChecked(percent == self.zoom_percent)
            action.setStatusTip(f"Text at {percent}% (kept for next time)")
            action.triggered.connect(lambda _c=False, p=percent: self.set_zoom(p))
            group.addAction(action)
            self.zoom_level_actions[percent] = action
        self.zoom_menu = zoom_menu
        view_menu.addSeparator()
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.focus_library_action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)
        self.help_menu = help_menu

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main toolbar", self)
        bar.setObjectName("main_toolbar")
        bar.setAccessibleName("Main toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for a in (self.new_action, self.open_action, self.save_action):
            bar.addAction(a)
        bar.addSeparator()
        # short labels on the toolbar; the Edit menu shows what will be undone
        self.toolbar_undo_action = self._action(
            "Undo", self.undo_stack.undo, None, "Undo the last edit"
        )
        self.toolbar_redo_action = self._action(
            "Redo", self.undo_stack.redo, None, "Redo the edit undone"
        )
        self.toolbar_undo_action.setEnabled(False)
        self.toolbar_redo_action.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(self.toolbar_undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.toolbar_redo_action.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda t: self.toolbar_undo_action.setToolTip(
                plain_tip(f"Undo {t}") if t else "Undo the last edit"
            )
        )
        self.undo_stack.redoTextChanged.connect(
            lambda t: self.toolbar_redo_action.setToolTip(
                plain_tip(f"Redo {t}") if t else "Redo the edit undone"
            )
        )
        bar.addAction(self.toolbar_undo_action)
        bar.addAction(self.toolbar_redo_action)
        self.addToolBar(bar)
        self.toolbar = bar
        self._add_run_actions()

    def _add_run_actions(self) -> None:
        """The Run view's Run, Pause and Stop in the Run menu and on the toolbar; until there
        is a Run view with them, the menu says it is not available yet."""
        actions = [
            getattr(self.run_view, n, None) for n in ("run_action", "pause_action", "stop_action")
        ]
        actions = [a for a in actions if isinstance(a, QAction)]
        self.run_menu.clear()
        for a in actions:
            self.run_menu.addAction(a)
        if not actions:
            placeholder = self.run_menu.addAction("Run view not available yet")
            placeholder.setEnabled(False)
        else:
            self.toolbar.addSeparator()
            for a in actions:
                self.toolbar.addAction(a)
        self._name_tool_buttons()

    def _name_tool_buttons(self) -> None:
        from PySide6.QtWidgets import QToolButton

        for button in self.toolbar.findChildren(QToolButton):
            action = button.defaultAction()
            if action is not None and not button.accessibleName():
                button.setAccessibleName(action.text().replace("&", "") or action.toolTip())
            elif not button.accessibleName():
                button.setAccessibleName("More toolbar actions")

    def _set_tab_order(self) -> None:
        QWidget.setTabOrder(self.library_filter, self.library_list)
        QWidget.setTabOrder(self.library_list, self.tabs)

