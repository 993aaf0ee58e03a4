"""The run view: choose variants and replications, run, watch live, read the key figures.

Left: the run controls (variants, replications, pace, Run / Pause / Stop, progress with an
estimate of the time left). Right: a "Live" tab with the service map beside the live plots,
and a "Results" tab with the key-figure tiles. The simulation itself runs off the GUI thread
in :class:`~mission_desktop.gui.run.worker.RunController`.

The main window embeds this widget and puts ``run_action``, ``pause_action`` and
``stop_action`` (and the export actions) in its menus and toolbar.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.map.key import MapKey
from mission_desktop.gui.map.view import ServiceMapView
from mission_desktop.gui.run import worker as w
from mission_desktop.gui.run.cohorts_view import CohortsPanel
from mission_desktop.gui.run.costs_view import CostsPanel
from mission_desktop.gui.run.kpi_panel import KpiPanel
from mission_desktop.gui.run.live_split import LiveSplitMixin
from mission_desktop.gui.run.pace import SLIDER_STEPS, PaceMixin
from mission_desktop.gui.run.plots import LivePlots, baseline_id
from mission_desktop.gui.run.problems import ProblemsMixin
from mission_desktop.gui.run.slides import MAP_SLIDE, SlidesMixin
from mission_desktop.gui.shared.text import ask_plain, plain_label


def format_duration(seconds: float) -> str:
    """'about 20 s', 'about 3 min', 'about 1 h 5 min' (or '' when unknown)."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return ""
    if seconds < 60:
        return f"about {max(round(seconds), 1)} s"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min"
    h, rest = divmod(round(seconds / 60), 60)
    return f"about {h} h {rest} min"


class RunView(LiveSplitMixin, SlidesMixin, PaceMixin, ProblemsMixin, QWidget):
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

        # ------------------------------------------------------------ controls
        self.variant_list = QListWidget()
        self.variant_list.setAccessibleName("Variants to run")
        self.variant_list.setToolTip("Tick the variants to compare (space toggles)")
        self.variant_list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.variant_list.setMaximumHeight(170)
        self.variant_list.itemChanged.connect(lambda _item: self._update_actions())

        self.replications_spin = QSpinBox()
        self.replications_spin.setRange(1, 10_000)
        self.replications_spin.setAccessibleName("Replications")
        self.replications_spin.setToolTip(
            "How many times each variant is run with different random numbers; more "
            "replications give narrower confidence intervals"
        )

        self.fast_check = QCheckBox("As fast as possible")
        self.fast_check.setAccessibleName("Run as fast as possible")
        self.fast_check.toggled.connect(self._on_pace_changed)
        self.pace_slider = QSlider(Qt.Orientation.Horizontal)
        self.pace_slider.setRange(0, SLIDER_STEPS)
        self.pace_slider.setPageStep(SLIDER_STEPS // 10)
        self.pace_slider.setAccessibleName("Presentation pace")
        self.pace_slider.valueChanged.connect(self._on_pace_changed)
        self.pace_label = QLabel()
        self.pace_label.setAccessibleName("Presentation pace value")

        self.run_button = self._tool_button(self.run_action, "Run")
        self.pause_button = self._tool_button(self.pause_action, "Pause or resume")
        self.stop_button = self._tool_button(self.stop_action, "Stop")

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setAccessibleName("Run progress")
        self.progress_label = plain_label(QLabel(), "Ready.")
        self.progress_label.setWordWrap(True)
        self.progress_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress_label.setAccessibleName("Run status")

        self.map_variant_combo = QComboBox()
        self.map_variant_combo.setAccessibleName("Variant shown on the map")
        self.map_variant_combo.currentIndexChanged.connect(self._on_map_variant)

        form = QFormLayout()
        form.addRow(self._buddy("Re&plications:", self.replications_spin), self.replications_spin)
        pace_box = QVBoxLayout()
        pace_box.addWidget(self.pace_slider)
        pace_box.addWidget(self.pace_label)
        pace_box.addWidget(self.fast_check)
        form.addRow(self._buddy("P&ace:", self.pace_slider), pace_box)
        form.addRow(self._buddy("&Map shows:", self.map_variant_combo), self.map_variant_combo)

        buttons = QHBoxLayout()
        for b in (self.run_button, self.pause_button, self.stop_button):
            buttons.addWidget(b)
        variants_box = QGroupBox("Varia&nts")
        vb = QVBoxLayout(variants_box)
        vb.addWidget(self.variant_list)
        #: says so when the ticked variants leave nothing to compare
        self.compare_note = plain_label(QLabel())
        self.compare_note.setWordWrap(True)
        self.compare_note.setAccessibleName("What the run will compare")
        vb.addWidget(self.compare_note)

        controls = QWidget()
        controls.setAccessibleName("Run controls")
        cl = QVBoxLayout(controls)
        cl.addWidget(variants_box)
        cl.addLayout(form)
        cl.addLayout(buttons)
        cl.addWidget(self.progress_bar)
        cl.addWidget(self.progress_label)
        cl.addStretch(1)
        # a fixed width: status text changing during a run must not resize (and so repaint)
        # the plots and map beside it
        controls.setFixedWidth(330)
        self.controls_panel = controls

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

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _buddy(text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    @staticmethod
    def _tool_button(action: QAction, name: str) -> QToolButton:
        b = QToolButton()
        b.setDefaultAction(action)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        b.setAccessibleName(name)
        b.setMinimumHeight(36)
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return b

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

    def _reset_progress(self) -> None:
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%p%")

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

    # ------------------------------------------------------------------ running
    @Slot()
    def start_run(self) -> None:
        """Run the ticked variants (a run already going is cancelled first)."""
        if self._scenario is None:
            return
        variants = self.selected_variants()
        if not variants:
            self._set_status("Tick at least one variant to run.")
            return
        if self.controller.is_running and not self.ask_restart():
            return
        self._flush_finished()
        self._results = None
        self.results_changed.emit()
        self._shut_down = False
        self.hide_problem()
        for page in self.result_pages:
            page.clear()
        self.plots.set_variants(variants)
        self.plots.start()
        self.service_map.clear_live()
        if self.service_map.variant_id not in variants:
            index = self.map_variant_combo.findData(variants[0])
            self.map_variant_combo.setCurrentIndex(index)
            self.service_map.set_variant(variants[0])
        self.pause_action.setChecked(False)
        self._reset_progress()
        self.tabs.setCurrentIndex(0)
        self.controller.start(
            self._scenario,
            variants,
            self.replications_spin.value(),
            pace=self.pace(),
        )
        self.run_started.emit()

    def ask_restart(self) -> bool:
        """Before Run (F5) throws away the run going on: ask (tests replace this)."""
        return (
            ask_plain(
                self,
                "Restart the run?",
                "A run is going on. Stop it and start again from the beginning?",
                default=QMessageBox.StandardButton.No,
            )
            == QMessageBox.StandardButton.Yes
        )

    def compare_text(self) -> str:
        """'' when the ticked variants are compared, else what the run will show."""
        ticked = self.selected_variants()
        if len(ticked) != 1 or self._scenario is None:
            return ""
        variants = {v.id: v.name for v in self._scenario.effective_variants}
        name = variants.get(ticked[0], ticked[0])
        if len(variants) == 1:
            return f"Only one variant (“{name}”): nothing will be compared."
        return f"Only “{name}” is ticked: nothing will be compared. Tick others to compare."

    @Slot()
    def stop_run(self) -> None:
        self.controller.stop()

    @Slot(bool)
    def _on_pause_triggered(self, checked: bool) -> None:
        if checked:
            self.controller.pause()
        else:
            self.controller.resume()

    @Slot(object)
    def _on_snapshot(self, snapshot) -> None:
        self.service_map.update_snapshot(snapshot)
        self.snapshot_received.emit(snapshot)

    @Slot(int)
    def _on_map_variant(self, _index: int) -> None:
        vid = self.map_variant_combo.currentData()
        self.service_map.set_variant(vid)
        snap = self.controller.latest_snapshots().get(vid)
        if snap is not None:
            self.service_map.update_snapshot(snap)

    @Slot(int, int, float)
    def _on_progress(self, done: int, total: int, eta: float) -> None:
        if total <= 0:
            return
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        left = format_duration(eta)
        state = self.controller.state
        if self._phase == w.REPLICATIONS:
            text = f"Replications: {done} of {total} runs done"
        else:
            text = self.live_status(done / total)
        if state == w.PAUSED:
            text += " — paused"
        elif left:
            text += f" — {left} left"
        self.progress_bar.setFormat(f"{done / total:.0%}")
        self._set_status(text)
        self.progress_bar.setAccessibleDescription(text)

    def live_status(self, fraction: float) -> str:
        """'Live: replication 1 of 10, 5 variants — day 197 of 365'."""
        unit = self._scenario.time_unit if self._scenario else "day"
        horizon = float(self._scenario.run.horizon) if self._scenario else 1.0
        request = self.controller.request
        reps = request.replications if request is not None else self.replications_spin.value()
        n = len(request.variants) if request is not None else len(self.selected_variants())
        variants = f"{n} variant" + ("" if n == 1 else "s")
        return (
            f"Live: replication 1 of {reps:,}, {variants} — "
            f"{unit} {fraction * horizon:,.0f} of {horizon:,.0f}"
        )

    @Slot(str)
    def _on_state(self, state: str) -> None:
        if state in (w.LIVE, w.REPLICATIONS):
            self._phase = state
        messages = {
            w.LIVE: "Running live…",
            w.PAUSED: "Paused. Press F6 to resume.",
            w.REPLICATIONS: "Running the replications…",
            # "Finished." once the last tile is shown (_on_results_shown)
            w.FINISHED: "Showing the results…",
            w.STOPPED: "Stopped.",
        }
        if state in messages:
            self._set_status(messages[state])
        if state == w.LIVE and self.controller.request is not None:
            self.plots.set_replications(self.controller.request.replications)
        if state in (w.FINISHED, w.STOPPED, w.FAILED):
            self.plots.finish()
            self.pause_action.setChecked(False)
        self.pause_action.setText("Resume" if state == w.PAUSED else "Pause")
        self.pause_action.setChecked(state == w.PAUSED)
        self._update_actions()
        self.run_state_changed.emit(state)

    @Slot(object)
    def _on_finished(self, results: dict) -> None:
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.progress_bar.setFormat("100%")
        # the summary at once, the tiles one per pass of the event loop (a large results
        # table would otherwise freeze the window for a moment); run_finished follows
        self._results = results
        self.results_changed.emit()
        self._finished_results = results
        self.plots.show_results(results)  # the mean of every replication, with its band
        self.kpi.show_results(results, progressive=True)
        self.costs.show_results(results)
        self.cohorts.show_results(results)
        if results.get("variants"):
            self.tabs.setCurrentWidget(self.kpi)

    @Slot()
    def _on_results_shown(self) -> None:
        results, self._finished_results = self._finished_results, None
        if results is not None:
            self._set_status("Finished.")
            self.run_finished.emit(results)

    def _flush_finished(self) -> None:
        """A finished run whose tiles are still being built is announced now (it must
        reach the library even if the user moves on at once)."""
        self._on_results_shown()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.show_problem(message)
        first = message.split("\n", 1)[0].strip().rstrip(":")
        self._set_status(f"{first} — see the message above the plots.")
        self.progress_label.setAccessibleDescription(message)
        self.run_failed.emit(message)

    def show_results(self, results: dict) -> None:
        """Show a run's results (also used to show the last saved results of a scenario)."""
        self._flush_finished()
        self._results = results
        self.plots.show_results(results)
        self.results_changed.emit()
        for page in self.result_pages:
            page.show_results(results)
        if results.get("variants"):
            self.tabs.setCurrentWidget(self.kpi)

    @property
    def results(self) -> dict | None:
        return self._results

    def _update_actions(self) -> None:
        running = self.controller.is_running
        has = self._scenario is not None
        self.run_action.setEnabled(has and bool(self.selected_variants()))
        self.run_action.setText("&Restart" if running else "&Run")
        self.pause_action.setEnabled(running)
        self.stop_action.setEnabled(running)
        self.variant_list.setEnabled(not running)
        self.replications_spin.setEnabled(not running)
        note = self.compare_text()
        self.compare_note.setText(note)
        self.compare_note.setVisible(bool(note))

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
