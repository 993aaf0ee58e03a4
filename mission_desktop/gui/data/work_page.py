"""A From-data wizard page whose work runs off the GUI thread as a
:class:`~mission_desktop.gui.shared.job.Job` (the fit, the calibration): a progress bar,
Cancel and "again" buttons, a status line; the work starts when the page is entered and
stops when Back leaves it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from mission_desktop.gui.shared.access import a11y
from mission_desktop.gui.shared.job import Job
from mission_desktop.gui.shared.text import plain_label

#: a button's text (with its mnemonic), accessible name and description
ButtonWords = tuple[str, str, str]


class WorkPage(QWizardPage):
    """A subclass builds its controls with :meth:`_add_controls`, makes its job in
    :meth:`start` and hands it to :meth:`_run`; it shows progress in ``_on_progress`` and
    the answer in ``_on_done``."""

    #: said while Cancel takes effect
    cancelling_text = "Cancelling at the next step…"

    job: Job | None = None

    def _add_controls(
        self,
        layout: QVBoxLayout,
        bar: tuple[str, str],
        cancel: ButtonWords,
        again: ButtonWords,
    ) -> None:
        """The row of progress bar, Cancel and again, then the status line, into ``layout``."""
        row = QHBoxLayout()
        self.bar = QProgressBar(self)
        a11y(self.bar, *bar)
        self.cancel_button = QPushButton(cancel[0], self)
        a11y(self.cancel_button, *cancel[1:])
        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button = QPushButton(again[0], self)
        a11y(self.retry_button, *again[1:])
        self.retry_button.clicked.connect(self.start)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.retry_button)
        layout.addLayout(row)
        self.status = plain_label(QLabel("", self))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

    def initializePage(self) -> None:  # noqa: N802
        self.start()

    def cleanupPage(self) -> None:  # noqa: N802 - Back: stop the work under way
        self.cancel(wait=True)

    def start(self) -> Job:
        raise NotImplementedError

    def _run(self, job: Job, cancelled_text: str, failed_text: str) -> Job:
        """Connect ``job`` to this page and start it in place of the last one;
        ``failed_text`` has ``{}`` for the failure's message."""
        job.progressed.connect(self._on_progress)
        job.done.connect(self._on_done)
        job.cancelled.connect(lambda: self._stopped(cancelled_text))
        job.failed.connect(lambda text: self._stopped(failed_text.format(text)))
        job.start(replacing=self.job)
        self.job = job
        return job

    def cancel(self, wait: bool = False) -> None:
        if self.job is not None and self.job.is_running():
            self.job.cancel()
            self.status.setText(self.cancelling_text)
            if wait:
                self.job.wait()

    def _stopped(self, text: str) -> None:
        self.status.setText(text)
        self.cancel_button.setEnabled(False)
        self.retry_button.setEnabled(True)

    def _on_progress(self, fraction: float, step: str) -> None:
        raise NotImplementedError

    def _on_done(self, value) -> None:
        raise NotImplementedError
