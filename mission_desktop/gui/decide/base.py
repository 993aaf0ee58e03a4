"""The frame every Decide dialog shares: what it does in words, its settings, Run with a
progress bar and Cancel, the answer, and a button that applies it to the scenario.

A subclass fills :meth:`settings` (widgets above Run), :meth:`work` (the computation, given
``progress`` and ``cancel``; it runs off the GUI thread and sees only the frozen scenario and
plain values read here before it starts) and :meth:`show_result`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.decide.job import DecideJob
from mission_desktop.gui.shared.access import a11y, announce
from mission_desktop.gui.shared.text import plain_label

#: called on the GUI thread, returns what makes the executor (a context manager) on the
#: worker thread; the window supplies it (so its settings are never read off the GUI thread)
ExecutorFactory = Callable[[], Callable[[], Any]]


class DecideDialog(QDialog):
    """A non-modal dialog over the window's scenario; ``applied`` says what it changed."""

    #: the dialog's answer was applied to the scenario (carries a short description)
    applied = Signal(str)
    #: the computation ended (done, cancelled or failed)
    finished_work = Signal()

    title = ""
    intro = ""
    apply_text = "&Apply"
    has_apply = True

    def __init__(self, window: Any, executor_factory: ExecutorFactory, parent: QWidget | None = None):
        super().__init__(parent)
        self.window_ = window
        self.executor_factory = executor_factory
        self.job: DecideJob | None = None
        self.result: dict[str, Any] | None = None
        self.setWindowTitle(self.title)
        self.setAccessibleName(self.title)
        self.resize(980, 680)
        lay = QVBoxLayout(self)
        self.intro_label = plain_label(QLabel(self), self.intro)
        self.intro_label.setWordWrap(True)
        lay.addWidget(self.intro_label)
        self.settings_row = QHBoxLayout()
        lay.addLayout(self.settings_row)
        self.settings(self.settings_row)
        self.run_button = QPushButton("&Run", self)
        a11y(self.run_button, "Run", "Work it out now (off the window: it stays usable)")
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Ca&ncel", self)
        a11y(self.cancel_button, "Cancel", "Stop at the next replication; nothing is shown")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Progress")
        self.progress.setFormat("%v of %m replications")
        self.settings_row.addStretch(1)
        self.settings_row.addWidget(self.run_button)
        self.settings_row.addWidget(self.cancel_button)
        lay.addWidget(self.progress)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("What it found")
        lay.addWidget(self.status)
        self.body = QVBoxLayout()
        lay.addLayout(self.body, 1)
        self.build_body(self.body)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.apply_button = QPushButton(self.apply_text, self)
        a11y(self.apply_button, self.apply_text.replace("&", ""), "Change the scenario (Undo takes it back)")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.apply_button.setVisible(self.has_apply)
        close = QPushButton("&Close", self)
        close.clicked.connect(self.close)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        lay.addLayout(buttons)

    # ----------------------------------------------------------------- for subclasses
    def settings(self, row: QHBoxLayout) -> None:
        """Add the widgets chosen before Run."""

    def build_body(self, body: QVBoxLayout) -> None:
        """Add the widgets that show the answer."""

    def work(self) -> Callable[..., dict[str, Any]]:
        """The computation (read the settings here, on the GUI thread)."""
        raise NotImplementedError

    def show_result(self, result: dict[str, Any]) -> None:
        raise NotImplementedError

    def apply(self) -> None:
        raise NotImplementedError

    # ----------------------------------------------------------------- helpers for subclasses
    def number_setting(
        self,
        row: QHBoxLayout,
        text: str,
        bounds: tuple[int, int],
        value: int,
        words: tuple[str, str],
        suffix: str = "",
    ) -> QSpinBox:
        """A whole-number setting with its label (``text``, with its mnemonic), added to
        ``row``; ``words``: its accessible name and description."""
        label = QLabel(text, self)
        box = QSpinBox(self)
        box.setRange(*bounds)
        box.setValue(value)
        if suffix:
            box.setSuffix(suffix)
        a11y(box, *words)
        label.setBuddy(box)
        row.addWidget(label)
        row.addWidget(box)
        return box

    def choice_row(
        self, body: QVBoxLayout, text: str, words: tuple[str, str], chosen: Callable[[], None]
    ) -> QComboBox:
        """A labelled drop-down on a row of its own in ``body``; ``chosen()`` when it changes."""
        row = QHBoxLayout()
        label = QLabel(text, self)
        combo = QComboBox(self)
        a11y(combo, *words)
        label.setBuddy(combo)
        combo.currentIndexChanged.connect(lambda _i: chosen())
        row.addWidget(label)
        row.addWidget(combo, 1)
        body.addLayout(row)
        return combo

    def edit_scenario(
        self, change: Callable[[dict[str, Any]], None], undo_text: str, refused: str = "Not applied"
    ) -> bool:
        """``change`` the scenario through the window's document (one step Undo takes back);
        True if it was made, else the problems are said after ``refused``."""
        problems = self.window_.document.edit(change, undo_text)
        if problems:
            self._say(f"{refused}: " + "; ".join(f"{p.path}: {p.message}" for p in problems))
            return False
        return True

    # ----------------------------------------------------------------- running
    @property
    def scenario(self) -> Any:
        return self.window_.scenario

    def is_running(self) -> bool:
        return self.job is not None and self.job.is_running()

    def start(self) -> DecideJob | None:
        if self.is_running():
            return self.job
        try:
            work = self.work()
        except ValueError as e:
            self.status.setText(str(e))
            return None
        job = DecideJob(work, self)
        self.job = job
        self.result = None
        self.apply_button.setEnabled(False)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.status.setText("Working it out…")
        job.progressed.connect(self._on_progress)
        job.done.connect(self._on_done)
        job.cancelled.connect(lambda: self._say("Cancelled; nothing was changed."))
        job.failed.connect(lambda text: self._say(f"It could not be worked out:\n{text}"))
        job.ended.connect(self._on_ended)
        job.start()
        return job

    def cancel(self) -> None:
        if self.job is not None and self.job.is_running():
            self.job.cancel()
            self.status.setText("Cancelling at the next replication…")

    def _say(self, text: str) -> None:
        self.status.setText(text)
        announce(self.status)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))

    def _on_done(self, result: dict[str, Any]) -> None:
        self.result = result
        self.show_result(result)

    def _on_ended(self) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
        self.finished_work.emit()

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.stop(wait=True)
        super().closeEvent(event)

    def stop(self, wait: bool = False) -> None:
        """Cancel a computation under way; ``wait`` blocks until its thread has ended."""
        if self.job is not None and self.job.is_running():
            self.job.cancel()
            if wait:
                self.job.wait()
