"""The main window: the library on the left; Map, Edit and Run in the centre.

Its parts live with what the user sees: the library's list and actions
(:mod:`~mission_desktop.gui.library.actions`), files in and out
(:mod:`~mission_desktop.gui.files.exchange`), saving (:mod:`~mission_desktop.gui.edit.saving`),
menus (:mod:`.menus`), questions and messages (:mod:`.prompts`) and zoom (:mod:`.zoom`)."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QCloseEvent,
    QFont,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.data.actions import DataWizardMixin
from mission_desktop.gui.decide.actions import DecideMixin
from mission_desktop.gui.edit.document import ScenarioDocument
from mission_desktop.gui.edit.panel import EditorPanel
from mission_desktop.gui.edit.saving import SavingMixin
from mission_desktop.gui.files.exchange import FileExchangeMixin
from mission_desktop.gui.library.actions import LibraryMixin
from mission_desktop.gui.library.delegate import LibraryItemDelegate
from mission_desktop.gui.map.view import ServiceMapView
from mission_desktop.gui.report.actions import ReportMixin
from mission_desktop.gui.shared.access import a11y
from mission_desktop.gui.shared.palette import FOCUS_STYLE
from mission_desktop.gui.shared.wheel import install_wheel_guard
from mission_desktop.gui.window.menus import MenusMixin
from mission_desktop.gui.window.presentation import PresentationMixin
from mission_desktop.gui.window.prompts import PromptsMixin
from mission_desktop.gui.window.zoom import PLOT_FONT_POINTS, ZoomMixin
from mission_desktop.lazy import lazy_exports
from mission_desktop.model import (
    Problem,
    Scenario,
)
from mission_desktop.model.blank import blank_scenario
from mission_desktop.store import Library, StoreError

#: the Run view (its plots import pyqtgraph and numpy) on first use: a window made with
#: ``run_view_later`` paints its first frame without them
__getattr__, __dir__ = lazy_exports(globals(), {"RunView": "..run.view"})

APP_TITLE = "Mission Desktop"
#: the library setting holding the variants ticked for a scenario, by its library id
SETTING_RUN_VARIANTS = "gui.run_variants.{scenario_id}"
AUTOSAVE_MS = 2000
#: initial width of the library list (px): long scenario names fit on two lines
LIBRARY_WIDTH = 290


class MainWindow(
    LibraryMixin,
    FileExchangeMixin,
    SavingMixin,
    MenusMixin,
    PromptsMixin,
    ZoomMixin,
    PresentationMixin,
    ReportMixin,
    DataWizardMixin,
    DecideMixin,
    QMainWindow,
):
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

    def __init__(
        self, library: Library, parent: QWidget | None = None, *, run_view_later: bool = False
    ):
        """``run_view_later``: the Run tab holds a placeholder until :meth:`build_run_view`
        (the app's fast start builds it once the first frame is painted)."""
        super().__init__(parent)
        install_wheel_guard()  # before any control is made: the wheel scrolls forms
        self.library = library
        self.scenario_id: int | None = None
        #: the revision the edits started from (a save over a newer one asks first)
        self.base_revision_id: int | None = None
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
        self._build_centre(run_view_later)
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
    def _build_centre(self, run_view_later: bool = False) -> None:
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
        self.service_map = ServiceMapView()
        self.service_map.setAccessibleName("Service map")
        self.editor = EditorPanel(self.document)
        self.run_view = _RunViewPlaceholder() if run_view_later else _run_view_class()()
        self.run_view.setAccessibleName("Run view")
        self.tabs.addTab(self.service_map, "&Map")
        self.tabs.addTab(self.editor, "E&dit")
        self.tabs.addTab(self.run_view, "R&un")
        splitter.addWidget(self.tabs)
        # the Run tab chosen before the Run view is in place: it goes in on the next turn
        self.tabs.currentChanged.connect(self._on_tab_changed)
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
        self.scenario_opened.connect(lambda _s: self._restore_variants())
        self._connect_run_view()

    def _connect_run_view(self) -> None:
        snapshot = getattr(self.run_view, "snapshot_received", None)
        update = getattr(self.service_map, "update_snapshot", None)
        if snapshot is not None and update is not None:
            snapshot.connect(update)
        finished = getattr(self.run_view, "run_finished", None)
        if finished is not None:
            finished.connect(self._on_run_finished)
        started = getattr(self.run_view, "run_started", None)
        if started is not None:
            started.connect(self._remember_variants)
        shown = getattr(self.run_view, "results_changed", None)
        if shown is not None:  # what is shown is what can be exported
            shown.connect(self._update_actions)

    def _on_tab_changed(self, _index: int) -> None:
        if isinstance(self.tabs.currentWidget(), _RunViewPlaceholder):
            QTimer.singleShot(0, self.build_run_view)

    def build_run_view(self) -> None:
        """Put the real Run view in place of the placeholder (a window made with
        ``run_view_later``), wired as :meth:`_build_centre` wires it and showing the scenario
        open now; nothing if it is in place already."""
        placeholder = self.run_view
        if not isinstance(placeholder, _RunViewPlaceholder):
            return
        view = _run_view_class()()
        view.setAccessibleName("Run view")
        index = self.tabs.indexOf(placeholder)
        current = self.tabs.currentIndex()
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, view, "R&un")
        self.tabs.setCurrentIndex(current)
        self.run_view = view
        placeholder.deleteLater()
        self._connect_run_view()
        if self.zoom_percent != 100:  # as set_zoom sets it
            set_size = getattr(view, "set_font_size", None)
            if set_size is not None:
                set_size(round(PLOT_FONT_POINTS * self.zoom_percent / 100))
        self._add_run_actions()
        setter = getattr(view, "set_scenario", None)
        if setter is not None:
            setter(self.scenario)
        self._restore_variants()
        self._update_actions()

    # ================================================================= run choices
    def _remember_variants(self) -> None:
        """The variants ticked for this run, kept for the scenario (library settings)."""
        selected = getattr(self.run_view, "selected_variants", None)
        if self.scenario_id is None or not callable(selected):
            return
        try:
            self.library.set_setting(
                SETTING_RUN_VARIANTS.format(scenario_id=self.scenario_id), list(selected())
            )
        except StoreError:
            pass

    def _restore_variants(self) -> None:
        """Tick the variants last run for this scenario; a scenario never run: all."""
        setter = getattr(self.run_view, "set_selected_variants", None)
        if not callable(setter):
            return
        ids = [v.id for v in self.scenario.effective_variants]
        remembered = None
        if self.scenario_id is not None:
            try:
                remembered = self.library.get_setting(
                    SETTING_RUN_VARIANTS.format(scenario_id=self.scenario_id)
                )
            except StoreError:
                remembered = None
        chosen = [v for v in remembered if v in ids] if isinstance(remembered, list) else []
        setter(chosen or ids)

    def run_is_going(self) -> bool:
        controller = getattr(self.run_view, "controller", None)
        return bool(getattr(controller, "is_running", False))

    def confirm_leave_run(self) -> bool:
        """Before another scenario replaces the one running: ask; True to go on."""
        if not self.run_is_going():
            return True
        if not self.ask_confirm(
            "Stop the run?",
            f"“{self.scenario.name}” is running. Opening another scenario stops the run. "
            "Stop it and open the other scenario?",
        ):
            return False
        stop = getattr(self.run_view, "stop_run", None)
        if callable(stop):
            stop()
        return True

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
        shown = self._results() is not None
        self.export_csv_action.setEnabled(shown)
        self.export_xlsx_action.setEnabled(shown)
        self.export_map_action.setEnabled(hasattr(self.service_map, "export_png"))
        self.export_plots_action.setEnabled(hasattr(self.run_view, "export_plots_png"))
        self.report_action.setEnabled(self.can_report())

    def _on_scenario_changed(self, scenario: Scenario) -> None:
        self._update_title()
        setter = getattr(self.service_map, "set_scenario", None)
        if setter is not None:
            setter(scenario)
        setter = getattr(self.run_view, "set_scenario", None)
        if setter is not None:
            setter(scenario)  # the results shown are cleared: they were another scenario's
        self._update_actions()
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
            #: the results of a run made in this window (not reloaded from the library)
            self.run_here_results = results
            self.note_revision(results)
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

    def note_revision(self, results: dict[str, Any], revision_id: int | None = None) -> None:
        """Put the library's revision number of what ran (``revision_id``, default the
        current one) in the results' provenance, so exports' metadata carry it; a run of
        unsaved edits says so (``unsaved_edits``)."""
        prov = results.get("provenance")
        if not isinstance(prov, dict) or self.scenario_id is None:
            return
        try:
            if revision_id is None:
                revision = self.library.current_revision(self.scenario_id)
                if self.is_modified():
                    prov["unsaved_edits"] = True
            else:
                revisions = self.library.revisions(self.scenario_id)
                revision = next((r for r in revisions if r.id == revision_id), None)
        except StoreError:
            return
        if revision is not None and prov.get("scenario_revision") is None:
            prov["scenario_revision"] = revision.number

    def _results(self) -> dict[str, Any] | None:
        """The results on screen (the run view's): what exports write. One source, so an
        export never writes an older run's results; None when nothing is shown (a run going
        on, a new scenario opened, the scenario edited)."""
        shown = getattr(self.run_view, "results", None)
        return shown if isinstance(shown, dict) else None

    # ================================================================= closing
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.maybe_save():
            event.ignore()
            return
        self.autosave_timer.stop()
        self.cancel_report(wait=True)  # its thread must not outlive the window
        self.close_data_wizard()
        self.stop_decide(wait=True)
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


class _RunViewPlaceholder(QLabel):
    """The Run tab until the real Run view is built: it says so, and has none of its API
    (the window asks for that API with ``getattr``, so nothing is called on it)."""

    def __init__(self) -> None:
        super().__init__("Opening the Run view…")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleDescription("The Run view appears here in a moment")


def _run_view_class() -> type:
    """The Run view's class, looked up in this module each time (tests replace it)."""
    return sys.modules[__name__].RunView
