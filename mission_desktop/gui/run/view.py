"""The run view: choose variants and replications, run, watch live, read the key figures.

Left: the run controls (variants, replications, pace, Run / Pause / Stop, progress with an
estimate of the time left). Right: a "Live" tab with the service map beside the live plots,
and a "Results" tab with the key-figure tiles. The simulation itself runs off the GUI thread
in :class:`~mission_desktop.gui.run.worker.RunController`.

The parts live beside it, as mixins: the controls (controls.py), running and its progress
(running.py), the live split (live_split.py), the pace (pace.py), presentation slides
(slides.py) and the problem banner (problems.py).

The main window embeds this widget and puts ``run_action``, ``pause_action`` and
``stop_action`` (and the export actions) in its menus and toolbar.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.map.key import MapKey
from mission_desktop.gui.map.view import ServiceMapView
from mission_desktop.gui.run import worker as w
from mission_desktop.gui.run.cohorts_view import CohortsPanel
from mission_desktop.gui.run.controls import ControlsMixin
from mission_desktop.gui.run.costs_view import CostsPanel
from mission_desktop.gui.run.kpi_panel import KpiPanel
from mission_desktop.gui.run.live_split import LiveSplitMixin
from mission_desktop.gui.run.pace import PaceMixin
from mission_desktop.gui.run.plots import LivePlots
from mission_desktop.gui.run.problems import ProblemsMixin
from mission_desktop.gui.run.running import RunningMixin
from mission_desktop.gui.run.slides import MAP_SLIDE, SlidesMixin
from mission_desktop.report.summary import baseline_id


class RunView(
    RunningMixin, ControlsMixin, LiveSplitMixin, SlidesMixin, PaceMixin, ProblemsMixin, QWidget
):
    """See the module docstring. Public API: set_scenario, show_results, the actions."""

    run_started = Signal()
    run_finished = Signal(object)
    run_failed = Signal(str)
    run_state_changed = Signal(str)
    snapshot_received = Signal(object)
    #: the results shown changed (a run ended or started, results shown, another scenario)
    results_changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        controller: w.RunController | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Run and watch")
        self._scenario = None
        self._results: dict | None = None
        self._phase = w.LIVE
        self.controller = controller or w.RunController(self)
        if self.controller.parent() is None:
            self.controller.setParent(self)

        # ------------------------------------------------------------ actions
        self.run_action = QAction("&Run", self)
        self.run_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.run_action.setToolTip("Run the selected variants (F5)")
        self.run_action.triggered.connect(self.start_run)
        self.pause_action = QAction("&Pause", self)
        self.pause_action.setShortcut(QKeySequence(Qt.Key.Key_F6))
        self.pause_action.setCheckable(True)
        self.pause_action.setToolTip("Pause or resume the run (F6)")
        self.pause_action.triggered.connect(self._on_pause_triggered)
        self.stop_action = QAction("&Stop", self)
        # not Esc: in a workshop Esc is the reflex for "cancel this field", and a window-wide
        # Esc would stop a run from anywhere (and take Esc from the fields that use it)
        self.stop_action.setShortcut(QKeySequence(Qt.Modifier.SHIFT | Qt.Key.Key_F5))
        self.stop_action.setToolTip("Stop the run (Shift+F5)")
        self.stop_action.triggered.connect(self.stop_run)
        self.export_plots_action = QAction("Export &plots as PNG…", self)
        self.export_plots_action.triggered.connect(self._export_plots_dialog)
        self.export_map_action = QAction("Export &map as PNG…", self)
        self.export_map_action.triggered.connect(self._export_map_dialog)
        for action in (self.run_action, self.pause_action, self.stop_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)

        controls = self._build_controls()

        # ------------------------------------------------------------ views
        # the map here is small: its in-scene legend would shrink it further, so a compact
        # one-line key sits under it instead (the Map tab keeps the full legend)
        self.service_map = ServiceMapView()
        self.service_map.show_legend(False)
        self.map_key = MapKey()
        map_pane = QWidget()
        map_pane.setAccessibleName("Live service map")
        mp = QVBoxLayout(map_pane)
        mp.setContentsMargins(0, 0, 0, 0)
        mp.setSpacing(2)
        mp.addWidget(self.service_map, 1)
        mp.addWidget(self.map_key)
        self.map_pane = map_pane
        # built for a scenario on first use (see the plots property): hidden at start, a
        # plot per service is most of the cost of opening the window
        self._live_plots = LivePlots()
        self._plots_pending: list[str] | None = None
        self.kpi = KpiPanel()
        self.costs = CostsPanel()
        self.cohorts = CohortsPanel()
        #: the pages that show a run's results: each has set_scenario, clear, show_results
        #: and set_font_size
        self.result_pages = (self.kpi, self.costs, self.cohorts)
        live = QSplitter(Qt.Orientation.Horizontal)
        live.addWidget(map_pane)
        live.addWidget(self._live_plots)
        live.setStretchFactor(0, 1)
        live.setStretchFactor(1, 1)
        live.setChildrenCollapsible(False)
        self.service_map.setMinimumSize(320, 200)
        self.live_splitter = live
        #: True once the user drags the splitter: from then on their split is kept
        self._user_split = False
        live.splitterMoved.connect(self._on_splitter_moved)
        live.installEventFilter(self)
        # once the plots have been laid out at a new size, the split is set again (what
        # they need depends on their layout)
        self._split_timer = QTimer(self)
        self._split_timer.setSingleShot(True)
        self._split_timer.setInterval(0)
        self._split_timer.timeout.connect(self._auto_split)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Live view and results")
        self.tabs.addTab(live, "&Live")
        self.tabs.addTab(self.kpi, "Resul&ts")
        self.tabs.addTab(self.costs, "&Costs")
        self.tabs.addTab(self.cohorts, "C&ohorts")

        # a run that fails says why here, above the plots and key figures: it cannot be
        # missed, and (unlike a dialog) it blocks nothing, neither the user nor a test
        self._build_problem_banner()

        # presentation mode: one line instead of the controls — what is running, how far,
        # and how to leave — in large type for the back of the room
        self.presentation_bar = QLabel()
        self.presentation_bar.setTextFormat(Qt.TextFormat.PlainText)
        self.presentation_bar.setObjectName("presentationBar")
        self.presentation_bar.setStyleSheet(
            "QLabel#presentationBar { background: #1F2A44; color: #FFFFFF; padding: 6px 12px;"
            " font-weight: bold; }"
        )
        self.presentation_bar.setAccessibleName("Presentation status")
        self.presentation_bar.setWordWrap(True)  # never wider than the screen
        self.presentation_bar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.presentation_bar.hide()
        self._presenting = False
        self._slide = MAP_SLIDE

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.presentation_bar)
        rl.addWidget(self.problem_banner)
        rl.addWidget(self.tabs, 1)

        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addWidget(right, 1)

        # ------------------------------------------------------------ wiring
        c = self.controller
        c.snapshots_received.connect(self.plots.add_snapshots)
        c.snapshot_received.connect(self._on_snapshot)
        c.progress_changed.connect(self._on_progress)
        c.state_changed.connect(self._on_state)
        c.run_finished.connect(self._on_finished)
        c.run_failed.connect(self._on_failed)
        self._finished_results: dict | None = None
        self.kpi.results_shown.connect(self._on_results_shown)
        self._update_actions()

        # cleanup without the main window's help: when the application quits or this widget
        # is destroyed, cancel the run. The callback holds only plain-Python objects (the
        # run's handle), never this widget, so it is safe after the Qt objects are gone.
        self._shut_down = False
        handle = self.controller.handle

        def _cancel_run(*_args) -> None:
            handle.shutdown(1.0)

        self._cancel_run_on_exit = _cancel_run
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(_cancel_run)
        self.destroyed.connect(_cancel_run)

    # ------------------------------------------------------------------ scenario
    @property
    def scenario(self):
        return self._scenario

    def set_scenario(self, scenario) -> None:
        """Show a scenario (stops any run of the previous one)."""
        if self.controller.is_running:
            self.controller.stop()
        self._flush_finished()
        if self.controller.mode == "process":
            w.warm_up()  # the process server starts now, in the background, not at Run
        self._scenario = scenario
        self._results = None
        self.results_changed.emit()
        self.hide_problem()
        previously = set(self.selected_variants())
        self.variant_list.blockSignals(True)
        self.variant_list.clear()
        variants = scenario.effective_variants
        base = baseline_id([v.id for v in variants])
        for v in variants:
            text = v.name
            if v.id == base and "baseline" not in text.lower():
                text += " (baseline)"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = v.id in previously if previously else True
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.variant_list.addItem(item)
        self.variant_list.blockSignals(False)
        self.map_variant_combo.blockSignals(True)
        self.map_variant_combo.clear()
        for v in variants:
            self.map_variant_combo.addItem(v.name, v.id)
        self.map_variant_combo.blockSignals(False)
        self.replications_spin.setValue(scenario.run.replications)
        self._configure_pace(scenario)
        self.service_map.set_scenario(scenario)
        self.map_key.set_departments(self.service_map.department_colours)
        self._orient_live_split()
        self.service_map.set_variant(self.map_variant_combo.currentData())
        self._user_split = False
        self._plots_pending = [v.id for v in variants]  # built when first shown or used
        if self.isVisible():
            self._build_plots()
        self.service_map.fit_map()
        for page in self.result_pages:
            page.set_scenario(scenario)
        self._reset_progress()
        self._set_status("Ready. Press Run (F5).")
        self._update_actions()

    @property
    def plots(self) -> LivePlots:
        """The live plots, built for the scenario shown when first used or shown: a view
        that stays hidden (the Run tab at start, edits made on the Edit tab) builds none."""
        if self._plots_pending is not None:
            self._build_plots()
        return self._live_plots

    def _build_plots(self) -> None:
        variants, self._plots_pending = self._plots_pending, None
        if variants is None or self._scenario is None:
            return
        self._live_plots.set_scenario(self._scenario, variants)
        self._apply_live_split()  # after the plots: they keep room for every row
        self._split_timer.start()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._plots_pending is not None:
            self._build_plots()
        super().showEvent(event)

    def selected_variants(self) -> list[str]:
        out = []
        for i in range(self.variant_list.count()):
            item = self.variant_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def set_selected_variants(self, variant_ids) -> None:
        wanted = set(variant_ids)
        for i in range(self.variant_list.count()):
            item = self.variant_list.item(i)
            vid = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if vid in wanted else Qt.CheckState.Unchecked)

    # ------------------------------------------------------------------ presentation
    def set_font_size(self, points: int) -> None:
        """Presentation zoom for the plots, the live map and the key figures."""
        self.plots.set_font_size(points)
        self.service_map.set_font_size(points)
        for page in self.result_pages:
            page.set_font_size(points)

    def _set_status(self, text: str) -> None:
        """The run's status in words, beside the controls and on the presentation bar."""
        self.progress_label.setText(text)
        self._update_presentation_bar()

    def export_plots_png(self, path: str) -> bool:
        return self.plots.export_png(path)

    def export_map_png(self, path: str) -> bool:
        return self.service_map.export_png(path)

    def _export_dialog(self, title: str, export) -> None:
        path, _ = QFileDialog.getSaveFileName(self, title, "", "PNG image (*.png)")
        if path:
            if not path.lower().endswith(".png"):
                path += ".png"
            ok = export(path)
            self._set_status(
                f"Saved {path}"
                if ok
                else f"Could not save {path}: check the folder exists and you may write to it."
            )

    @Slot()
    def _export_plots_dialog(self) -> None:
        self._export_dialog("Export plots as PNG", self.export_plots_png)

    @Slot()
    def _export_map_dialog(self) -> None:
        self._export_dialog("Export map as PNG", self.export_map_png)

    def shutdown(self, timeout: float = 1.0) -> None:
        """Cancel any run and stop the timers (idempotent; safe to call more than once).

        Also done by itself when the application quits or this widget is destroyed."""
        if self._shut_down:
            return
        self._shut_down = True
        try:
            self.controller.shutdown(timeout)
            self.plots.finish()
        except RuntimeError:  # the Qt side is already gone: cancel through the plain handle
            self.controller.handle.shutdown(timeout)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.shutdown()
        super().closeEvent(event)
