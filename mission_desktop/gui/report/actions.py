"""File > Report…: the report of the last run, built off the GUI thread (mixed into MainWindow).

The questions go through ``ask_report_options`` and the messages through ``show_error`` and
``open_in_viewer``, so tests answer them and nothing modal blocks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QProgressDialog

from mission_desktop.gui.report.dialog import ReportDialog, ReportOptions
from mission_desktop.gui.report.worker import ReportJob
from mission_desktop.store import StoreError

SETTING_ANALYST = "gui.report.analyst"
SETTING_FORMAT = "gui.report.format"
SETTING_FOLDER = "gui.report.folder"
SETTING_OPEN = "gui.report.open_when_done"


def build_report(*args: Any, **kwargs: Any) -> Path:
    """The report builder, imported on first use (matplotlib is slow to load and the
    window should open without it). Tests replace this name."""
    from mission_desktop.report.document import build_report as build

    return build(*args, **kwargs)


def results_problems(results: Any, scenario: Any) -> list[str]:
    from mission_desktop.report.document.results_check import results_problems as problems

    return problems(results, scenario)


class ReportMixin:
    """The Report action, its dialog, the build in a thread with progress and Cancel."""

    report_job: ReportJob | None = None
    report_progress: QProgressDialog | None = None

    def _build_report_actions(self) -> None:
        self.report_action: QAction = self._action(
            "&Report…",
            self.report_dialog,
            "Ctrl+R",
            "Write the last run's report: HTML, PDF or Word, with the assurance pack",
        )

    def can_report(self) -> bool:
        return self._results() is not None and not self.report_running()

    def report_running(self) -> bool:
        return self.report_job is not None and self.report_job.is_running()

    # ----------------------------------------------------------------- settings
    def _report_setting(self, key: str, default: Any) -> Any:
        try:
            return self.library.get_setting(key, default)
        except StoreError:
            return default

    def _remember_report_options(self, options: ReportOptions) -> None:
        try:
            self.library.set_setting(SETTING_ANALYST, options.analyst)
            self.library.set_setting(SETTING_FORMAT, options.suffix)
            self.library.set_setting(SETTING_FOLDER, str(options.path.parent))
            self.library.set_setting(SETTING_OPEN, options.open_when_done)
        except StoreError:
            pass  # a read-only library still writes reports

    def suggested_report_options(self) -> ReportOptions:
        suffix = self._report_setting(SETTING_FORMAT, ".html")
        suffix = suffix if suffix in (".html", ".pdf", ".docx") else ".html"
        folder = Path(str(self._report_setting(SETTING_FOLDER, "") or Path.home()))
        if not folder.is_dir():
            folder = Path.home()
        stem = "".join(c if c.isalnum() or c in "-_ " else "_" for c in self.scenario.name)
        stem = stem.strip()[:80] or "scenario"
        analyst = self._report_setting(SETTING_ANALYST, "")
        return ReportOptions(
            path=folder / f"{stem} report{suffix}",
            open_when_done=bool(self._report_setting(SETTING_OPEN, True)),
            analyst=analyst if isinstance(analyst, str) else "",
        )

    # ----------------------------------------------------------------- prompts (patch in tests)
    def ask_report_options(self, suggested: ReportOptions) -> ReportOptions | None:
        dialog = ReportDialog(self.scenario.name, suggested, self)
        self.last_report_dialog = dialog
        dialog.exec()
        return dialog.options

    def open_in_viewer(self, path: Path) -> bool:
        """Open a written report in the system's viewer (browser, PDF reader, Word)."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # ----------------------------------------------------------------- the report
    def report_dialog(self) -> ReportJob | None:
        results = self._results()
        if results is None:
            self.show_error("No results", "Run the scenario first; there is nothing to report.")
            return None
        if self.report_running():
            self.show_error("A report is being written", "Wait for it, or cancel it, first.")
            return None
        problems = results_problems(results, self.scenario)
        if problems:
            self.show_error(
                "These results cannot be reported",
                "The last results do not match the scenario as it is now (run it again):\n"
                + "\n".join(f"• {p}" for p in problems),
            )
            return None
        options = self.ask_report_options(self.suggested_report_options())
        if options is None:
            return None
        self._remember_report_options(options)
        return self.start_report(options, results)

    def start_report(self, options: ReportOptions, results: dict[str, Any]) -> ReportJob:
        """Build the report in a thread; the job's signals (GUI thread) say how it ended."""
        job = ReportJob(
            build_report,
            self.scenario,
            results,
            options.path,
            self,
            analyst=options.analyst,
            ran_here=results is getattr(self, "run_here_results", None),
        )
        self.report_job = job
        progress = QProgressDialog("Writing the report…", "&Cancel", 0, 4, self)
        progress.setWindowTitle("Report")
        progress.setAccessibleName("Report progress")
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setWindowModality(Qt.WindowModality.NonModal)
        progress.canceled.connect(job.cancel)
        self.report_progress = progress
        job.progressed.connect(self._on_report_progress)
        job.written.connect(lambda path: self._on_report_written(Path(path), options))
        job.cancelled.connect(
            lambda: self.statusBar().showMessage("Report cancelled; nothing was written", 8000)
        )
        job.failed.connect(lambda text: self.show_error("Report not written", text))
        job.ended.connect(self._on_report_ended)
        job.start()
        progress.show()
        self._update_actions()
        self.statusBar().showMessage(f"Writing {options.path.name}…")
        return job

    def cancel_report(self, wait: bool = False) -> None:
        """Stop a report being written (at its next step); ``wait`` blocks until it has."""
        job = self.report_job
        if job is not None and job.is_running():
            job.cancel()
            if wait:
                job.wait()

    def _on_report_progress(self, done: int, total: int, step: str) -> None:
        if self.report_progress is not None:
            self.report_progress.setMaximum(total)
            self.report_progress.setValue(done)
            self.report_progress.setLabelText(f"Writing the report: {step}…")

    def _on_report_written(self, path: Path, options: ReportOptions) -> None:
        self.statusBar().showMessage(f"Report written to {path}")  # kept until the next message
        if options.open_when_done and not self.open_in_viewer(path):
            self.show_error(
                "Report written", f"{path} was written, but no program here opens it."
            )

    def _on_report_ended(self) -> None:
        if self.report_progress is not None:
            self.report_progress.hide()
            self.report_progress.deleteLater()
            self.report_progress = None
        self._update_actions()
