"""The main window: the library on the left; Map, Edit and Run in the centre.

Every question the window asks goes through one ``ask_*`` / ``show_*`` method, so tests (and
scripts that take screenshots) can replace it and nothing modal ever blocks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QKeySequence,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.model import (
    Problem,
    Scenario,
    ScenarioError,
    load_scenario,
    save_scenario,
    scenario_from_dict,
)
from mission_desktop.report import write_csv
from mission_desktop.store import Library, ScenarioRecord, StoreError

from .dialogs import (
    CANCEL,
    DISCARD,
    KEEP_BOTH,
    REPLACE,
    SAVE,
    AboutDialog,
    HistoryDialog,
    ProblemsDialog,
    ShortcutsDialog,
    duplicate_name_box,
    save_changes_box,
)
from .editors import EditorPanel
from .editors.common import a11y
from .library_list import DETAIL_ROLE, LibraryItemDelegate, friendly_time
from .models import ScenarioDocument, scenario_to_dict, unique_name

APP_TITLE = "Mission Desktop"
FILE_FILTER = "Mission Desktop scenarios (*.mission.json);;JSON files (*.json);;All files (*)"
AUTOSAVE_MS = 2000
ZOOM_STEPS = (100, 110, 125, 150, 175, 200)
MAX_RECENT = 8
#: the plots' own text size at 100% (the run view scales it with the presentation zoom)
PLOT_FONT_POINTS = 13
SETTING_LAST_OPENED = "gui.last_opened_scenario"
SETTING_RECENT_FILES = "gui.recent_files"
SETTING_ZOOM = "gui.zoom_percent"
EXAMPLE_FIRST_OPEN = "Hospital discharge and social care"
#: initial width of the library list (px): long scenario names fit on two lines
LIBRARY_WIDTH = 290
#: a focused control gets a 2 px outline in Okabe–Ito blue (5.2:1 on white), seen from the
#: back of a room; a field with a problem keeps its vermillion outline instead
FOCUS_COLOUR = "#0072B2"
#: (spin and combo boxes keep the style's own focus frame: a style sheet border would
#: replace their arrows with plain boxes)
FOCUS_STYLE = (
    "QLineEdit:focus, QPlainTextEdit:focus, QAbstractItemView:focus "
    f"{{ border: 2px solid {FOCUS_COLOUR}; }} "
    "QAbstractSpinBox QLineEdit:focus, QComboBox QLineEdit:focus { border: none; }"
)
ALREADY_IN_LIBRARY = "Already in your library — opened it"


def blank_scenario(name: str = "Untitled scenario") -> Scenario:
    """The smallest useful scenario: one service, one cohort; a start for New."""
    return scenario_from_dict(
        {
            "format": "mission-desktop/scenario",
            "version": 1,
            "name": name,
            "time_unit": "day",
            "run": {"horizon": 365, "warm_up": 30, "replications": 5, "seed": 1},
            "services": [
                {
                    "id": "service",
                    "name": "New service",
                    "capacity": 2,
                    "service_time": {"dist": "exponential", "mean": 1},
                }
            ],
            "cohorts": [
                {"id": "people", "name": "People", "arrivals": {"rate": 1.5}, "entry": "service"}
            ],
        }
    )


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


def _try_widget(module: str, names: tuple[str, ...]) -> type | None:
    """The other GUI engineer's widgets, if they exist yet."""
    import importlib

    try:
        mod = importlib.import_module(f"mission_desktop.gui.{module}")
    except ImportError:
        return None
    for name in names:
        cls = getattr(mod, name, None)
        if cls is not None:
            return cls
    return None


def _placeholder(text: str, name: str) -> QWidget:
    w = QWidget()
    layout = QVBoxLayout(w)
    label = QLabel(text, w)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    layout.addWidget(label)
    w.setAccessibleName(name)
    return w


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


class MainWindow(QMainWindow):
    """Mission Desktop's main window over one :class:`~mission_desktop.store.Library`."""

    #: a scenario was opened (carries the Scenario)
    scenario_opened = Signal(object)
    #: the scenario being edited changed (edit, undo, redo or open; carries the Scenario)
    scenario_changed = Signal(object)
    #: the scenario was saved as a revision (carries the RevisionRecord)
    scenario_saved = Signal(object)
    #: unsaved edits appeared or went away
    modified_changed = Signal(bool)
    #: the presentation zoom changed (percent)
    zoom_changed = Signal(int)

    def __init__(self, library: Library, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.scenario_id: int | None = None
        self.last_results: dict[str, Any] | None = None
        self._base_font = QFont(QApplication.font())
        self.zoom_percent = 100
        self._last_import_identical = False
        self.document = ScenarioDocument(blank_scenario(), self)
        self.undo_stack = self.document.undo_stack
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave_now)

        self.setObjectName("main_window")
        self.setAcceptDrops(True)
        self.resize(1280, 820)
        self._build_centre()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._set_tab_order()
        self.setStyleSheet(FOCUS_STYLE)

        self.document.scenario_changed.connect(self._on_scenario_changed)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.undo_stack.indexChanged.connect(self._on_undo_index)
        self.refresh_library()
        self._update_title()
        self._update_actions()
        self.statusBar().showMessage("Ready", 3000)
        self._restore_zoom()

    # ================================================================= building
    def _build_centre(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.setCentralWidget(splitter)

        left = QWidget(splitter)
        lay = QVBoxLayout(left)
        lay.setContentsMargins(4, 4, 4, 4)
        title = QLabel("<b>&Library</b>", left)
        lay.addWidget(title)
        self.library_filter = QLineEdit(left)
        self.library_filter.setPlaceholderText("Search scenarios…")
        self.library_filter.setClearButtonEnabled(True)
        a11y(
            self.library_filter,
            "Search the library",
            "Type to show only scenarios whose name matches",
        )
        for button in self.library_filter.findChildren(QAbstractButton):
            a11y(button, "Clear the search", "Show every scenario again")
        lay.addWidget(self.library_filter)
        self.library_model = QStandardItemModel(self)
        self.library_proxy = QSortFilterProxyModel(self)
        self.library_proxy.setSourceModel(self.library_model)
        self.library_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.library_filter.textChanged.connect(self.library_proxy.setFilterFixedString)
        self.library_list = QListView(left)
        self.library_list.setModel(self.library_proxy)
        self.library_list.setItemDelegate(LibraryItemDelegate(self.library_list))
        self.library_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.library_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.library_list.setUniformItemSizes(False)
        self.library_list.setResizeMode(QListView.ResizeMode.Adjust)  # re-wrap on resize
        self.library_list.setWordWrap(True)
        self.library_list.setSpacing(1)
        self.library_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.library_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.library_list.customContextMenuRequested.connect(self._library_menu)
        self.library_list.activated.connect(self._on_library_activated)
        a11y(
            self.library_list,
            "Scenario library",
            "Your scenarios. Enter or double-click opens; the menu key shows rename, history, delete",
        )
        title.setBuddy(self.library_filter)
        lay.addWidget(self.library_list, 1)
        splitter.addWidget(left)

        self.tabs = QTabWidget(splitter)
        self.tabs.setAccessibleName("Views")
        self.tabs.setToolTip("Map, Edit and Run views (Ctrl+1, Ctrl+2, Ctrl+3)")
        map_cls = _try_widget("service_map", ("ServiceMap", "ServiceMapView"))
        self.service_map = map_cls() if map_cls else _placeholder("Service map", "Service map")
        self.service_map.setAccessibleName("Service map")
        self.editor = EditorPanel(self.document)
        run_cls = _try_widget("run_view", ("RunView",))
        self.run_view = run_cls() if run_cls else _placeholder("Run view", "Run view")
        self.run_view.setAccessibleName("Run view")
        self.tabs.addTab(self.service_map, "&Map")
        self.tabs.addTab(self.editor, "&Edit")
        self.tabs.addTab(self.run_view, "R&un")
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        left.setMinimumWidth(180)
        splitter.setSizes([LIBRARY_WIDTH, max(self.width() - LIBRARY_WIDTH, 600)])
        self.splitter = splitter
        self._connect_views()

    def _connect_views(self) -> None:
        layout_changed = getattr(self.service_map, "layout_changed", None)
        if layout_changed is not None:
            layout_changed.connect(self._on_layout_changed)
        snapshot = getattr(self.run_view, "snapshot_received", None)
        update = getattr(self.service_map, "update_snapshot", None)
        if snapshot is not None and update is not None:
            snapshot.connect(update)
        finished = getattr(self.run_view, "run_finished", None)
        if finished is not None:
            finished.connect(self._on_run_finished)

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
            "Write the last run's results as CSV",
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
        file_menu.addAction(self.export_action)
        self.recent_menu = file_menu.addMenu("&Recent files")
        self.recent_menu.setToolTipsVisible(True)  # each file's full path
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        file_menu.addSeparator()
        file_menu.addAction(self.export_csv_action)
        file_menu.addAction(self.export_map_action)
        file_menu.addAction(self.export_plots_action)
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
        for name in ("run_action", "pause_action", "stop_action"):
            action = getattr(self.run_view, name, None)
            if isinstance(action, QAction):
                self.run_menu.addAction(action)
        if not self.run_menu.actions():
            placeholder = self.run_menu.addAction("Run view not available yet")
            placeholder.setEnabled(False)

        view_menu = bar.addMenu("&View")
        for a in (self.show_map_action, self.show_edit_action, self.show_run_action):
            view_menu.addAction(a)
        view_menu.addSeparator()
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
                f"Undo {t}" if t else "Undo the last edit"
            )
        )
        self.undo_stack.redoTextChanged.connect(
            lambda t: self.toolbar_redo_action.setToolTip(
                f"Redo {t}" if t else "Redo the edit undone"
            )
        )
        bar.addAction(self.toolbar_undo_action)
        bar.addAction(self.toolbar_redo_action)
        run_actions = [
            getattr(self.run_view, n, None) for n in ("run_action", "pause_action", "stop_action")
        ]
        run_actions = [a for a in run_actions if isinstance(a, QAction)]
        if run_actions:
            bar.addSeparator()
            for a in run_actions:
                bar.addAction(a)
        self.addToolBar(bar)
        self.toolbar = bar
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
        answer = QMessageBox.question(
            self,
            "Recover unsaved edits?",
            f"“{name}” has edits that were never saved{stamp}, for example because Mission "
            "Desktop closed unexpectedly.\n\nRecover them? (No keeps the last saved revision "
            "and throws the edits away.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Normal, text)
        return value.strip() if ok and value.strip() else None

    def ask_confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

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
        dialog.exec()

    def show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

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

    # ================================================================= state
    @property
    def scenario(self) -> Scenario:
        return self.document.scenario

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def _update_title(self) -> None:
        star = " *" if self.is_modified() else ""
        self.setWindowTitle(f"{APP_TITLE} — {self.scenario.name}{star}")

    def _update_actions(self) -> None:
        self.export_csv_action.setEnabled(self._results() is not None)
        self.export_map_action.setEnabled(hasattr(self.service_map, "export_png"))
        self.export_plots_action.setEnabled(hasattr(self.run_view, "export_plots_png"))

    def _on_scenario_changed(self, scenario: Scenario) -> None:
        self._update_title()
        setter = getattr(self.service_map, "set_scenario", None)
        if setter is not None:
            setter(scenario)
        setter = getattr(self.run_view, "set_scenario", None)
        if setter is not None:
            setter(scenario)
        self.scenario_changed.emit(scenario)

    def _on_clean_changed(self, clean: bool) -> None:
        self._update_title()
        self.modified_changed.emit(not clean)

    def _on_undo_index(self, _index: int) -> None:
        if self.scenario_id is not None:
            self.autosave_timer.start()

    def _on_layout_changed(self, layout: dict) -> None:
        def change(doc: dict[str, Any]) -> None:
            ui = doc.setdefault("ui", {})
            ui["layout"] = {k: [float(x) for x in v] for k, v in layout.items()}

        if (self.scenario.ui or {}).get("layout") != layout:
            self.document.edit(change, "Move services on the map")

    def _on_run_finished(self, results: Any) -> None:
        if isinstance(results, dict):
            self.last_results = results
            self._record_run(results)
        self._update_actions()
        self.statusBar().showMessage("Run finished", 5000)

    def _record_run(self, results: dict[str, Any]) -> None:
        """Keep the run's results in the library, so reopening shows them without re-running."""
        if self.scenario_id is None:
            return
        s = self.scenario
        selected = getattr(self.run_view, "selected_variants", None)
        spin = getattr(self.run_view, "replications_spin", None)
        settings = {
            "variants": list(selected()) if callable(selected) else None,
            "replications": spin.value() if spin is not None else s.run.replications,
            "seed": s.run.seed,
            "horizon": s.run.horizon,
            "warm_up": s.run.warm_up,
            # the run used the scenario as edited; unsaved edits are not in the revision
            "unsaved_edits": self.is_modified(),
        }
        try:
            self.library.record_run(self.scenario_id, None, settings, results)
        except StoreError as e:
            self.statusBar().showMessage(
                f"The results could not be kept in the library: {e}", 10000
            )

    def _results(self) -> dict[str, Any] | None:
        if self.last_results is not None:
            return self.last_results
        shown = getattr(self.run_view, "results", None)
        return shown if isinstance(shown, dict) else None

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
            item.setToolTip(f"{rec.name}\n{saved[0].upper()}{saved[1:]}")
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
        if not self.maybe_save():
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
        self.document.reset(scenario)
        if draft is not None and draft != scenario:
            if self.ask_recover_draft(scenario.name, when):
                self.document.replace(draft, "Recover unsaved edits")
                self.statusBar().showMessage("Recovered unsaved edits from the autosave", 5000)
            else:
                self._discard_draft()
        self.last_results = None
        try:
            run = self.library.last_run(scenario_id)
        except StoreError:
            run = None
        if run is not None and run.results:
            self.last_results = run.results
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

    def open_file(self, path: str | Path) -> int | None:
        """Open a scenario file: validate, add to the library (asking about a duplicate name),
        and show it. Returns the library id, or None if nothing was opened."""
        if not self.maybe_save():
            return None
        sid = self.import_file(path)
        if sid is not None:
            identical = self._last_import_identical
            # already shown, unedited: keep the undo history; otherwise show the library's copy
            keep = identical and sid == self.scenario_id and not self.is_modified()
            self.open_scenario(sid, force=not keep)
            if identical:
                self.statusBar().showMessage(ALREADY_IN_LIBRARY, 8000)
        return sid

    def import_file(self, path: str | Path) -> int | None:
        """Add a file to the library without opening it. A bad file changes nothing."""
        path = Path(path)
        try:
            scenario = load_scenario(path)
        except ScenarioError as e:
            self.show_problems(e)
            self.statusBar().showMessage(f"{path.name} was not opened: it has problems", 8000)
            return None
        self._last_import_identical = False
        try:
            existing = self.library.find_by_name(scenario.name)
            same = next(
                (r for r in existing if self.library.current_scenario(r.id) == scenario), None
            )
            if same is not None:
                # the very same content: nothing to ask, nothing to add
                self._last_import_identical = True
                self.add_recent_file(path)
                self.statusBar().showMessage(f"{path.name}: already in your library", 8000)
                return same.id
            if existing:
                choice = self.ask_duplicate_choice(scenario.name)
                if choice == REPLACE:
                    target: ScenarioRecord = existing[0]
                    if target.id == self.scenario_id and self.is_modified():
                        self._discard_draft()
                    self.library.replace_scenario(target.id, scenario, f"Replaced by {path.name}")
                    sid = target.id
                    if sid == self.scenario_id:
                        self.document.reset(self.library.current_scenario(sid))
                    message = f"Replaced “{scenario.name}” with {path.name} (its history is kept)"
                elif choice == KEEP_BOTH:
                    name = unique_name(scenario.name, set(self.library_names()))
                    doc = scenario_to_dict(scenario)
                    doc["name"] = name
                    scenario = scenario_from_dict(doc)
                    sid = self.library.add_scenario(scenario, "import", f"Imported {path.name}").id
                    message = f"Added {path.name} as “{name}”"
                else:
                    self.statusBar().showMessage(f"{path.name} was not opened", 5000)
                    return None
            else:
                sid = self.library.add_scenario(scenario, "import", f"Imported {path.name}").id
                message = f"Added “{scenario.name}” from {path.name}"
        except StoreError as e:
            self.show_error("The library could not be changed", str(e))
            return None
        self.add_recent_file(path)
        self.refresh_library()
        self.statusBar().showMessage(message, 8000)
        return sid

    def open_file_dialog(self) -> None:
        paths = self.ask_open_paths("Open a scenario file")
        if paths:
            self.open_file(paths[0])

    def import_files_dialog(self) -> None:
        for path in self.ask_open_paths("Import scenario files", many=True):
            self.import_file(path)

    # ----------------------------------------------------------------- recent files
    def recent_files(self) -> list[str]:
        try:
            value = self.library.get_setting(SETTING_RECENT_FILES, [])
        except StoreError:
            return []
        return [str(v) for v in value] if isinstance(value, list) else []

    def add_recent_file(self, path: Path) -> None:
        text = str(Path(path).resolve())
        files = [text] + [f for f in self.recent_files() if f != text]
        try:
            self.library.set_setting(SETTING_RECENT_FILES, files[:MAX_RECENT])
        except StoreError:
            pass

    def clear_recent_files(self) -> None:
        try:
            self.library.set_setting(SETTING_RECENT_FILES, [])
        except StoreError:
            pass
        self._fill_recent_menu()

    def open_recent_file(self, path: str | Path) -> int | None:
        """Open a recent file; one that has gone is taken off the list, with a word why."""
        if not Path(path).is_file():
            files = [f for f in self.recent_files() if f != str(path)]
            try:
                self.library.set_setting(SETTING_RECENT_FILES, files)
            except StoreError:
                pass
            self.show_error(
                "File not found",
                f"{path} is no longer there (moved, renamed or deleted), so it has been taken "
                "off the recent files. Its scenario is still in your library if you opened it.",
            )
            return None
        return self.open_file(path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        if not files:
            action = self.recent_menu.addAction("(no recent files)")
            action.setEnabled(False)
            return
        for i, f in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{i} {Path(f).name}")
            action.setToolTip(f)
            action.setStatusTip(f)
            action.setData(f)
            action.triggered.connect(lambda _c=False, f=f: self.open_recent_file(f))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction(self.clear_recent_action)

    # ----------------------------------------------------------------- drag and drop
    @staticmethod
    def _dropped_paths(event: Any) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [
            Path(u.toLocalFile())
            for u in mime.urls()
            if u.isLocalFile() and u.toLocalFile().lower().endswith(".json")
        ]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = self._dropped_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        QTimer.singleShot(0, lambda: self.open_file(paths[0]))
        for extra in paths[1:]:
            QTimer.singleShot(0, lambda p=extra: self.import_file(p))

    # ================================================================= saving
    def save(self) -> bool:
        """Save the scenario as a new revision in the library."""
        scenario = self.scenario
        try:
            if self.scenario_id is None:
                record = self.library.add_scenario(scenario, "save", "Created")
                self.scenario_id = record.id
                revision = self.library.current_revision(record.id)
            else:
                revision = self.library.save_revision(self.scenario_id, scenario, "save")
        except StoreError as e:
            self.show_error("Not saved", str(e))
            return False
        self.autosave_timer.stop()
        self.undo_stack.setClean()
        self._update_title()
        self.refresh_library()
        self.statusBar().showMessage(f"Saved “{scenario.name}” as revision {revision.number}", 5000)
        self.scenario_saved.emit(revision)
        return True

    def save_as(self, name: str | None = None) -> bool:
        """Save a copy under a new name as a new library entry, and continue with the copy."""
        if name is None:
            suggestion = unique_name(f"{self.scenario.name} copy", set(self.library_names()))
            name = self.ask_text("Save As", "Name of the new scenario:", suggestion)
            if not name:
                return False
        name = unique_name(name, set(self.library_names()))
        doc = scenario_to_dict(self.scenario)
        doc["name"] = name
        try:
            copy = scenario_from_dict(doc)
        except ScenarioError as e:
            self.show_problems(e, "The name cannot be used")
            return False
        try:
            if self.scenario_id is not None:
                self.library.discard_draft(self.scenario_id)
            record = self.library.add_scenario(
                copy, "save", f"Saved as a copy of “{self.scenario.name}”"
            )
        except StoreError as e:
            self.show_error("Not saved", str(e))
            return False
        self.autosave_timer.stop()
        self.scenario_id = record.id
        self.document.reset(copy)
        self.refresh_library()
        self.statusBar().showMessage(f"Saved a copy as “{name}”", 5000)
        self.scenario_saved.emit(self.library.current_revision(record.id))
        return True

    def new_scenario(self) -> bool:
        if not self.maybe_save():
            return False
        name = unique_name("Untitled scenario", set(self.library_names()))
        try:
            record = self.library.add_scenario(blank_scenario(name), "save", "New scenario")
        except StoreError as e:
            self.show_error("No new scenario", str(e))
            return False
        self.refresh_library()
        ok = self.open_scenario(record.id)
        self.tabs.setCurrentWidget(self.editor)
        return ok

    def maybe_save(self) -> bool:
        """Before leaving the scenario: True to go on (saved or discarded), False to stay."""
        if not self.is_modified():
            return True
        choice = self.ask_save_changes(self.scenario.name)
        if choice == SAVE:
            return self.save()
        if choice == DISCARD:
            self._discard_draft()
            self.undo_stack.setClean()
            return True
        return False

    def _discard_draft(self) -> None:
        if self.scenario_id is None:
            return
        try:
            self.library.discard_draft(self.scenario_id)
        except StoreError:
            pass

    def autosave_now(self) -> bool:
        """Write unsaved edits to the library's draft (done 2 s after the last edit)."""
        self.autosave_timer.stop()
        if self.scenario_id is None:
            return False
        try:
            if self.is_modified():
                self.library.save_draft(self.scenario_id, self.scenario)
            else:
                self.library.discard_draft(self.scenario_id)
        except StoreError as e:
            self.statusBar().showMessage(f"Autosave failed: {e}", 10000)
            return False
        if self.is_modified():
            self.statusBar().showMessage("Edits autosaved", 2000)
        return True

    def export_scenario(self, path: str | Path) -> bool:
        try:
            save_scenario(self.scenario, path)
        except OSError as e:
            self.show_error("Not exported", f"{path} cannot be written: {e.strerror or e}")
            return False
        self.add_recent_file(Path(path))
        self.statusBar().showMessage(f"Exported to {path}", 5000)
        return True

    def export_dialog(self) -> None:
        stem = "".join(c if c.isalnum() or c in "-_ " else "_" for c in self.scenario.name).strip()
        path = self.ask_save_path(
            "Export scenario", f"{stem or 'scenario'}.mission.json", FILE_FILTER
        )
        if path is not None:
            if not path.name.endswith(".json"):
                path = path.with_name(path.name + ".mission.json")
            self.export_scenario(path)

    def export_results_csv(self, path: str | Path) -> bool:
        results = self._results()
        if results is None:
            self.show_error("No results", "Run the scenario first; there are no results to export.")
            return False
        try:
            write_csv(results, path)
        except OSError as e:
            self.show_error("Not exported", f"{path} cannot be written: {e.strerror or e}")
            return False
        self.statusBar().showMessage(f"Results written to {path}", 5000)
        return True

    def export_results_dialog(self) -> None:
        path = self.ask_save_path("Export results", "results.csv", "CSV files (*.csv)")
        if path is not None:
            self.export_results_csv(path)

    def export_map_dialog(self) -> None:
        export = getattr(self.service_map, "export_png", None)
        if export is None:
            return
        path = self.ask_save_path("Export map", "service-map.png", "PNG images (*.png)")
        if path is not None:
            export(str(path))
            self.statusBar().showMessage(f"Map saved to {path}", 5000)

    def export_plots_dialog(self) -> None:
        export = getattr(self.run_view, "export_plots_png", None)
        if export is None:
            return
        path = self.ask_save_path("Export plots", "live-plots.png", "PNG images (*.png)")
        if path is not None:
            export(str(path))
            self.statusBar().showMessage(f"Plots saved to {path}", 5000)

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
            self.document.reset(self.library.current_scenario(scenario_id))
        self.refresh_library()
        self.statusBar().showMessage(f"Restored: now revision {rev.number}", 5000)
        return True

    # ================================================================= zoom
    def set_zoom(self, percent: int, persist: bool = True) -> None:
        """Presentation zoom: scales the application's font (100–200%); remembered."""
        percent = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], int(percent)))
        self.zoom_percent = percent
        font = QFont(self._base_font)
        size = self._base_font.pointSizeF()
        if size > 0:
            font.setPointSizeF(size * percent / 100)
        else:
            font.setPixelSize(max(1, round(self._base_font.pixelSize() * percent / 100)))
        QApplication.setFont(font)
        # a style sheet stops the new font reaching the children: apply it afresh
        self.setStyleSheet("")
        self.setStyleSheet(FOCUS_STYLE)
        for view in (self.run_view, self.service_map):
            set_size = getattr(view, "set_font_size", None)
            if set_size is not None:
                set_size(round(PLOT_FONT_POINTS * percent / 100))
        action = getattr(self, "zoom_level_actions", {}).get(percent)
        if action is not None:
            action.setChecked(True)  # one group: the others untick
        if persist:
            try:
                self.library.set_setting(SETTING_ZOOM, percent)
            except StoreError:
                pass
        self.statusBar().showMessage(f"Zoom {percent}%", 2000)
        self.zoom_changed.emit(percent)

    def _restore_zoom(self) -> None:
        """The presentation zoom of the last session (kept in the library's settings)."""
        try:
            percent = self.library.get_setting(SETTING_ZOOM, 100)
        except StoreError:
            return
        if isinstance(percent, int | float) and int(percent) != 100:
            self.set_zoom(int(percent), persist=False)

    def zoom_in(self) -> None:
        bigger = [z for z in ZOOM_STEPS if z > self.zoom_percent]
        self.set_zoom(bigger[0] if bigger else ZOOM_STEPS[-1])

    def zoom_out(self) -> None:
        smaller = [z for z in ZOOM_STEPS if z < self.zoom_percent]
        self.set_zoom(smaller[-1] if smaller else ZOOM_STEPS[0])

    def zoom_reset(self) -> None:
        self.set_zoom(100)

    # ================================================================= closing
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.maybe_save():
            event.ignore()
            return
        self.autosave_timer.stop()
        # the simulation's child process must never outlive the window
        shutdown = getattr(self.run_view, "shutdown", None)
        if callable(shutdown):
            try:
                shutdown()
            except Exception as e:  # noqa: BLE001 - closing must not fail on a stuck run
                self.statusBar().showMessage(f"The run could not be stopped cleanly: {e}")
        event.accept()

    # ================================================================= helpers for tests
    def problems_shown(self) -> list[Problem]:  # pragma: no cover - convenience
        dialog = getattr(self, "last_problems_dialog", None)
        return list(dialog.problems) if dialog else []
