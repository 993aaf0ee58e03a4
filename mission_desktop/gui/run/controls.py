"""The run controls on the left of the run view: the variants to run, replications, pace,
Run / Pause / Stop and the progress. A mixin of :class:`~mission_desktop.gui.run.view.RunView`
(which owns the actions the buttons show, and the controller)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.run.pace import SLIDER_STEPS
from mission_desktop.gui.shared.text import plain_label


class ControlsMixin:
    """See the module docstring."""

    def _build_controls(self) -> QWidget:
        """Make the controls (after the actions) and return their panel."""
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
        return controls

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

