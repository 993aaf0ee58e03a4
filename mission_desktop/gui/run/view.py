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

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QStyle,
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
from mission_desktop.gui.run.kpi import KpiPanel
from mission_desktop.gui.run.plots import LivePlots, baseline_id, plural_unit
from mission_desktop.gui.shared.access import announce

#: presentation pace range per time unit (simulated units per wall second)
PACE_RANGES = {
    "minute": (1.0, 7 * 24 * 60.0),
    "hour": (1.0, 30 * 24.0),
    "day": (1.0, 365.0),
    "week": (0.25, 52.0),
}
SLIDER_STEPS = 200
#: a presentation run should take about this long by default (wall seconds)
DEFAULT_SHOW_SECONDS = 30.0
#: the share of the Live tab the service map may take, at least and at most (the plots
#: keep the rest): within these, the map gets the room it needs to be drawn full width
MAP_SHARE = (0.35, 0.6)
#: presentation mode's slides, in Page Down order, and how the status line names them
MAP_SLIDE, PLOTS_SLIDE, RESULTS_SLIDE = "map", "plots", "results"
SLIDES = (MAP_SLIDE, PLOTS_SLIDE, RESULTS_SLIDE)
SLIDE_NAMES = {
    MAP_SLIDE: "Showing the live map",
    PLOTS_SLIDE: "Showing the live plots",
    RESULTS_SLIDE: "Showing the results",
}
#: the run-problem banner: a light warm background with a dark border and dark text
PROBLEM_BANNER_STYLE = (
    "#runProblemBanner { background: #FBE3D6; border: 2px solid #D55E00; border-radius: 4px; }"
    " #runProblemBanner QLabel { color: #111111; background: transparent; }"
)


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


def _nice(value: float) -> float:
    if value >= 100:
        return float(round(value / 5) * 5)
    if value >= 10:
        return float(round(value))
    return round(value, 1)


class RunView(QWidget):
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
        self.progress_label = QLabel("Ready.")
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
        variants_box = QGroupBox("&Variants")
        vb = QVBoxLayout(variants_box)
        vb.addWidget(self.variant_list)

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
        self.plots = LivePlots()
        self.kpi = KpiPanel()
        self.costs = CostsPanel()
        self.cohorts = CohortsPanel()
        #: the pages that show a run's results: each has set_scenario, clear, show_results
        #: and set_font_size
        self.result_pages = (self.kpi, self.costs, self.cohorts)
        live = QSplitter(Qt.Orientation.Horizontal)
        live.addWidget(map_pane)
        live.addWidget(self.plots)
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
        self.problem_banner = QFrame()
        self.problem_banner.setObjectName("runProblemBanner")
        self.problem_banner.setStyleSheet(PROBLEM_BANNER_STYLE)
        self.problem_banner.setAccessibleName("Run problem")
        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(32, 32)
        )
        icon.setAccessibleName("Warning")
        self.problem_label = QLabel()
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.problem_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.problem_label.setAccessibleName("Run problem")
        self.problem_dismiss = QToolButton()
        self.problem_dismiss.setText("&Dismiss")
        self.problem_dismiss.setAccessibleName("Dismiss the run problem")
        self.problem_dismiss.setToolTip("Hide this message")
        self.problem_dismiss.clicked.connect(self.hide_problem)
        bl = QHBoxLayout(self.problem_banner)
        bl.setContentsMargins(10, 8, 8, 8)
        bl.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        bl.addWidget(self.problem_label, 1)
        bl.addWidget(self.problem_dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.problem_banner.hide()

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

    # ------------------------------------------------------------------ live split
    def map_share(self, width: float, height: float, plots_need: float = 0.0) -> float:
        """The share of a ``width`` × ``height`` Live tab to give the map: what it needs to
        be drawn as large as the other direction allows, within :data:`MAP_SHARE`, and
        (above the plots) leaving the plots ``plots_need`` pixels when it can."""
        bounds = self.service_map.fit_rect()
        lo, hi = MAP_SHARE
        if bounds.isEmpty() or width <= 0 or height <= 0:
            return lo
        frame = 2 * self.service_map.frameWidth() + 2
        key_h = self.map_key.heightForWidth(int(width)) + 2
        if self.live_splitter.orientation() == Qt.Orientation.Vertical:
            hi = max(lo, min(hi, 1.0 - plots_need / height))
            scale = (width - frame) / bounds.width()  # the most the map can use: full width
            need = bounds.height() * scale + frame + key_h
            return min(max(need / height, lo), hi)
        scale = (height - key_h - frame) / bounds.height()  # full height
        need = bounds.width() * scale + frame
        return min(max(need / width, lo), hi)

    def _plots_need(self, width: int) -> int:
        """The height the plots need to show every row without scrolling (about)."""
        scroll = getattr(self.plots, "scroll", None)
        inner = scroll.widget() if scroll is not None else None
        if inner is None:
            return 0
        if self.plots.isVisible():  # the metric selector and legend above the grid
            chrome = self.plots.height() - scroll.height()
            width = scroll.viewport().width()
        else:
            chrome = 80
        rows = inner.heightForWidth(width) if inner.hasHeightForWidth() else -1
        return max(chrome, 0) + max(rows, inner.minimumSizeHint().height()) + 4

    def _orient_live_split(self) -> None:
        """A wide map (a long chain of services) reads better above the plots than beside."""
        bounds = self.service_map.content_rect()
        wide = bounds.width() > 1.6 * max(bounds.height(), 1.0)
        self.live_splitter.setOrientation(
            Qt.Orientation.Vertical if wide else Qt.Orientation.Horizontal
        )

    def _apply_live_split(self) -> None:
        splitter = self.live_splitter
        if self._presenting:  # one pane at a time fills the screen
            return
        vertical = splitter.orientation() == Qt.Orientation.Vertical
        width = splitter.width() if splitter.width() > 100 else 1000
        height = splitter.height() if splitter.height() > 100 else 800
        share = self.map_share(width, height, self._plots_need(width) if vertical else 0)
        total = (height if vertical else width) - splitter.handleWidth()
        first = round(total * share)
        if splitter.sizes() != [first, max(total - first, 1)]:
            splitter.setSizes([first, max(total - first, 1)])

    @Slot()
    def _auto_split(self) -> None:
        if not self._user_split and self._scenario is not None:
            self._apply_live_split()

    @Slot(int, int)
    def _on_splitter_moved(self, _pos: int, _index: int) -> None:
        self._user_split = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (
            watched is self.live_splitter
            and event.type() in (QEvent.Type.Resize, QEvent.Type.Show)
            and not self._user_split
            and self._scenario is not None
        ):
            self._apply_live_split()
            self._split_timer.start()
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ run problems
    def show_problem(self, message: str) -> None:
        """Show why a run failed in the banner above the plots (non-blocking)."""
        self.problem_label.setText(message)
        self.problem_label.setAccessibleDescription(message)
        self.problem_banner.setAccessibleDescription(message)
        self.problem_banner.show()
        announce(self.problem_label)

    @Slot()
    def hide_problem(self) -> None:
        self.problem_banner.hide()
        self.problem_label.clear()

    def problem_text(self) -> str:
        """The run problem shown in the banner ('' when none is shown)."""
        return self.problem_label.text() if not self.problem_banner.isHidden() else ""

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
        self.plots.set_scenario(scenario, [v.id for v in variants])
        self._user_split = False
        self._apply_live_split()  # after the plots: they keep room for every row
        self._split_timer.start()
        self.service_map.fit_map()
        for page in self.result_pages:
            page.set_scenario(scenario)
        self.progress_bar.setValue(0)
        self._set_status("Ready. Press Run (F5).")
        self._update_actions()

    def _configure_pace(self, scenario) -> None:
        lo, hi = PACE_RANGES.get(scenario.time_unit, (1.0, 365.0))
        self._pace_range = (lo, hi)
        wanted = min(max(float(scenario.run.horizon) / DEFAULT_SHOW_SECONDS, lo), hi)
        pos = round(math.log(wanted / lo) / math.log(hi / lo) * SLIDER_STEPS)
        self.pace_slider.blockSignals(True)
        self.pace_slider.setValue(pos)
        self.pace_slider.blockSignals(False)
        self._on_pace_changed()

    def pace(self) -> float | None:
        """Simulated time units per wall second, or None for as fast as possible."""
        if self.fast_check.isChecked():
            return None
        lo, hi = getattr(self, "_pace_range", (1.0, 365.0))
        return _nice(lo * (hi / lo) ** (self.pace_slider.value() / SLIDER_STEPS))

    def set_pace(self, pace: float | None) -> None:
        """Set the pace control (None = as fast as possible)."""
        if pace is None:
            self.fast_check.setChecked(True)
            return
        self.fast_check.setChecked(False)
        lo, hi = getattr(self, "_pace_range", (1.0, 365.0))
        pace = min(max(pace, lo), hi)
        self.pace_slider.setValue(round(math.log(pace / lo) / math.log(hi / lo) * SLIDER_STEPS))

    @Slot()
    def _on_pace_changed(self, *_args) -> None:
        fast = self.fast_check.isChecked()
        self.pace_slider.setEnabled(not fast)
        unit = plural_unit(self._scenario.time_unit if self._scenario else "day")
        if fast:
            text = "as fast as possible"
        else:
            text = f"{self.pace():g} {unit} per second"
        self.pace_label.setText(text)
        self.pace_slider.setAccessibleDescription(text)
        self.controller.set_pace(self.pace())

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
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.tabs.setCurrentIndex(0)
        self.controller.start(
            self._scenario,
            variants,
            self.replications_spin.value(),
            pace=self.pace(),
        )
        self.run_started.emit()

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
            w.FINISHED: "Finished.",
            w.STOPPED: "Stopped.",
        }
        if state in messages:
            self._set_status(messages[state])
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
        self.kpi.show_results(results, progressive=True)
        self.costs.show_results(results)
        self.cohorts.show_results(results)
        if results.get("variants"):
            self.tabs.setCurrentWidget(self.kpi)

    @Slot()
    def _on_results_shown(self) -> None:
        results, self._finished_results = self._finished_results, None
        if results is not None:
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

    # ------------------------------------------------------------------ presentation
    def set_font_size(self, points: int) -> None:
        """Presentation zoom for the plots, the live map and the key figures."""
        self.plots.set_font_size(points)
        self.service_map.set_font_size(points)
        for page in self.result_pages:
            page.set_font_size(points)

    @property
    def presenting(self) -> bool:
        return self._presenting

    def set_presentation(self, on: bool) -> None:
        """Presentation mode: the live map and plots fill the view; the controls give way
        to one status line (the run keys F5, F6 and Shift+F5 still work)."""
        self._presenting = bool(on)
        self.controls_panel.setVisible(not on)
        self.presentation_bar.setVisible(on)
        self.tabs.tabBar().setVisible(not on)
        if on:
            self.show_slide(MAP_SLIDE)
        else:
            self.tabs.setCurrentIndex(0)
            self.map_pane.show()
            self.plots.show()
            self._user_split = False
            self._apply_live_split()
            self._split_timer.start()
        self._update_presentation_bar()

    @property
    def slide(self) -> str | None:
        """In presentation mode, what fills the screen: MAP_SLIDE, PLOTS_SLIDE or
        RESULTS_SLIDE (None when not presenting)."""
        return self._slide if self._presenting else None

    def show_slide(self, slide: str) -> None:
        """Presentation mode shows one thing at a time, full screen, so it reads from the
        back of the room: the live map, the live plots, or the results."""
        self._slide = slide
        if slide == RESULTS_SLIDE:
            self.tabs.setCurrentIndex(1)
        else:
            self.tabs.setCurrentIndex(0)
            self.map_pane.setVisible(slide == MAP_SLIDE)
            self.plots.setVisible(slide == PLOTS_SLIDE)
        self._update_presentation_bar()

    def next_slide(self, step: int = 1) -> None:
        """Page Down / Page Up (what a presenter's clicker sends): the next or previous
        slide, round and round."""
        if not self._presenting:
            return
        i = SLIDES.index(self._slide) if self._slide in SLIDES else 0
        self.show_slide(SLIDES[(i + step) % len(SLIDES)])

    def _set_status(self, text: str) -> None:
        """The run's status in words, beside the controls and on the presentation bar."""
        self.progress_label.setText(text)
        self._update_presentation_bar()

    def _update_presentation_bar(self) -> None:
        if not self._presenting:
            return
        name = self._scenario.name if self._scenario is not None else ""
        status = self.progress_label.text()
        shown = SLIDE_NAMES.get(self._slide, "")
        self.presentation_bar.setText(
            f"{name} — {status}   ·   {shown}; Page Down: next · F5 run · F6 pause · "
            "Shift+F5 stop · F11 or Esc: leave"
        )

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
