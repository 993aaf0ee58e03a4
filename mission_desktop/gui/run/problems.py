"""Why a run failed, in a banner above the plots and key figures: it cannot be missed and
(unlike a dialog) it blocks nothing, neither the user nor a test. A mixin of
:class:`~mission_desktop.gui.run.view.RunView`."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QStyle, QToolButton

from mission_desktop.gui.shared.access import announce

#: the run-problem banner: a light warm background with a dark border and dark text
PROBLEM_BANNER_STYLE = (
    "#runProblemBanner { background: #FBE3D6; border: 2px solid #D55E00; border-radius: 4px; }"
    " #runProblemBanner QLabel { color: #111111; background: transparent; }"
)


class ProblemsMixin:
    """See the module docstring."""

    def _build_problem_banner(self) -> None:
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
