"""Wizard pages 1 and 2: choose the log and map its columns (a preview of its first rows,
read off the GUI thread), then fit it in a worker thread with progress and Cancel, listing
every row that could not be used with its number and why."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from mission_desktop.data.logread import COLUMNS, REQUIRED, UNIT_SECONDS, LogError
from mission_desktop.gui.data.preview import guess_mapping, read_preview
from mission_desktop.gui.data.work_page import WorkPage
from mission_desktop.gui.shared.access import a11y
from mission_desktop.gui.shared.job import Job, JobState
from mission_desktop.gui.shared.text import plain_label

NOT_IN_LOG = "(not in the log)"
FIELD_LABELS = {
    "person": "Person",
    "service": "Service",
    "arrived": "Arrived",
    "started": "Started",
    "ended": "Ended",
    "outcome": "Outcome",
    "cohort": "Cohort",
}


def _table(parent: QWidget, name: str) -> QTableWidget:
    table = QTableWidget(parent)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    a11y(table, name, name)
    return table


class LogPage(QWizardPage):
    """Page 1: the log file, its time unit, a preview and the column mapping."""

    def __init__(self, wizard) -> None:
        super().__init__()
        self.setTitle("Choose the event log")
        self.setSubTitle(
            "One row per visit to a service (CSV, XLSX or Parquet). Check that each field "
            "below names the right column; the first rows of the file are shown."
        )
        self.owner = wizard
        self.header: list[str] = []
        self.preview_job: Job | None = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("no log chosen yet")
        a11y(self.path_edit, "Event log file", "The log to fit")
        self.choose_button = QPushButton("Choose the &log…", self)
        a11y(self.choose_button, "Choose the log file", "Choose a CSV, XLSX or Parquet log")
        self.choose_button.clicked.connect(self._choose)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)

        form = QFormLayout()
        self.unit_combo = QComboBox(self)
        for unit in UNIT_SECONDS:
            self.unit_combo.addItem(f"{unit}s", unit)
        self.unit_combo.setCurrentIndex(list(UNIT_SECONDS).index("day"))
        a11y(self.unit_combo, "Time unit", "The scenario's time unit (and that of numeric times)")
        unit_label = QLabel("&Time unit:", self)
        unit_label.setBuddy(self.unit_combo)
        form.addRow(unit_label, self.unit_combo)
        self.combos: dict[str, QComboBox] = {}
        grid = QWidget(self)
        glay = QFormLayout(grid)
        glay.setContentsMargins(0, 0, 0, 0)
        for field in COLUMNS:
            combo = QComboBox(grid)
            need = "required" if field in REQUIRED else "optional"
            a11y(combo, f"Column for {FIELD_LABELS[field].lower()}", f"The log's {field} column ({need})")
            combo.currentIndexChanged.connect(lambda _i: self.completeChanged.emit())
            self.combos[field] = combo
            glay.addRow(f"{FIELD_LABELS[field]}{' *' if field in REQUIRED else ''}:", combo)
        form.addRow("Columns:", grid)
        layout.addLayout(form)
        self.status = plain_label(QLabel("", self))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.preview = _table(self, "First rows of the log")
        layout.addWidget(self.preview, 1)

    # ----------------------------------------------------------------- the file
    def _choose(self) -> None:
        path = self.owner.main_window.ask_log_path()
        if path is not None:
            self.load(path)

    def load(self, path: str | Path) -> Job:
        """Show ``path`` and read its first rows off the GUI thread."""
        path = Path(path)
        self.path_edit.setText(str(path))
        self.header = []
        self._fill_combos()
        self.preview.clear()
        self.preview.setRowCount(0)
        self.preview.setColumnCount(0)
        self.status.setText(f"Reading the first rows of {path.name}…")
        job = Job(lambda _state: read_preview(path), (LogError,), (), self)
        job.done.connect(lambda value: self._show_preview(path, *value))
        job.failed.connect(self._preview_failed)
        job.start(replacing=self.preview_job)  # the old one is cancelled and says nothing
        self.preview_job = job
        return job

    def _preview_failed(self, text: str) -> None:
        self.status.setText(f"This log cannot be read: {text}")
        self.completeChanged.emit()

    def _show_preview(self, path: Path, header: list[str], rows: list[list[str]]) -> None:
        if Path(self.path_edit.text()) != path:
            return  # another file was chosen meanwhile
        self.header = header
        self.preview.setColumnCount(len(header))
        self.preview.setHorizontalHeaderLabels(header)  # header items are plain text
        self.preview.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row[: len(header)]):
                self.preview.setItem(r, c, QTableWidgetItem(value))
        self.preview.resizeColumnsToContents()
        self._fill_combos()
        guessed = guess_mapping(header)
        for field, column in guessed.items():
            if column is not None:
                self.combos[field].setCurrentIndex(self.combos[field].findData(column))
        found = [FIELD_LABELS[f].lower() for f, c in guessed.items() if c is not None]
        self.status.setText(
            f"The first {len(rows)} rows of {path.name}. Matched by name: "
            f"{', '.join(found) or 'nothing'}; check each column above."
        )
        self.completeChanged.emit()

    def _fill_combos(self) -> None:
        for field, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            if field not in self.header:  # a column named as the field is always read as it
                combo.addItem(NOT_IN_LOG, None)
            for column in self.header:
                combo.addItem(column, column)
            combo.blockSignals(False)
        self.completeChanged.emit()

    # ----------------------------------------------------------------- answers
    def mapping(self) -> dict[str, str]:
        """{field: column} for every field mapped to a column."""
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData() is not None}

    def problem(self) -> str | None:
        if not self.header:
            return "Choose a log that can be read."
        mapping = self.mapping()
        missing = [FIELD_LABELS[f].lower() for f in REQUIRED if f not in mapping]
        if missing:
            return f"Choose the column for {', '.join(missing)}."
        columns = list(mapping.values())
        twice = sorted({c for c in columns if columns.count(c) > 1})
        if twice:
            return f"One column is mapped to two fields: {', '.join(twice)}."
        return None

    def isComplete(self) -> bool:  # noqa: N802
        return self.problem() is None

    def log_path(self) -> Path:
        return Path(self.path_edit.text())

    def time_unit(self) -> str:
        return self.unit_combo.currentData()


class FitPage(WorkPage):
    """Page 2: the fit in a worker thread (progress, Cancel); the rows left out."""

    def __init__(self, wizard) -> None:
        super().__init__()
        self.setTitle("Fitting the log")
        self.setSubTitle("Reading every row, following each person's journey, fitting each service.")
        self.owner = wizard
        self.fitted = None
        layout = QVBoxLayout(self)
        self._add_controls(
            layout,
            ("Fitting progress", "How far the fit has got"),
            ("&Cancel fitting", "Cancel fitting", "Stop the fit at its next step"),
            ("Fit &again", "Fit again", "Start the fit again"),
        )
        self.bar.setRange(0, 1000)
        self.bad_label = plain_label(QLabel("Rows left out:", self))
        layout.addWidget(self.bad_label)
        self.bad_table = _table(self, "Rows left out, with their numbers and why")
        self.bad_table.setColumnCount(2)
        self.bad_table.setHorizontalHeaderLabels(["Row", "Why it was left out"])
        self.bad_table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.bad_table, 1)
        self.report_label = plain_label(QLabel("The fit report (as `mission-desktop fit` prints it):", self))
        layout.addWidget(self.report_label)
        self.report = QPlainTextEdit(self)
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.report.setReadOnly(True)
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        a11y(self.report, "Fit report", "The whole fit report, as `mission-desktop fit` prints it")
        layout.addWidget(self.report, 2)

    def start(self) -> Job:
        self.cancel(wait=True)
        page = self.owner.log_page
        path, columns, unit = page.log_path(), page.mapping(), page.time_unit()
        self.fitted = None
        self.bar.setValue(0)
        self.bad_table.setRowCount(0)
        self.bad_table.show()
        self.report.clear()
        self.status.setText(f"Fitting {path.name}…")
        self.cancel_button.setEnabled(True)
        self.retry_button.setEnabled(False)
        from mission_desktop.data.fit import FitCancelled

        def work(state: JobState):
            def progress(stage: str, fraction: float) -> None:
                state.set_progress(float(fraction), str(stage))

            return self.owner.fit_function(path, columns, unit, progress, state.is_cancelled)

        job = Job(
            work,
            (LogError,),
            (FitCancelled,),
            self,
        )
        self._run(
            job, "Fitting cancelled. Fit again, or go back.", "This log cannot be fitted: {}"
        )
        self.completeChanged.emit()
        return job

    def _on_progress(self, fraction: float, stage: str) -> None:
        self.bar.setValue(int(1000 * max(0.0, min(fraction, 1.0))))
        self.status.setText(f"Fitting: {stage}…")

    def _stopped(self, text: str) -> None:
        super()._stopped(text)
        self.completeChanged.emit()

    def _on_done(self, fitted) -> None:
        self.fitted = fitted
        log = fitted.result.log
        self.bar.setValue(1000)
        self.cancel_button.setEnabled(False)
        self.retry_button.setEnabled(True)
        left = f"{log.bad_count:,} left out" if log.bad_count else "none left out"
        self.status.setText(
            f"Fitted: {log.rows:,} rows, {log.used:,} used, {left}; "
            f"{len(fitted.result.services)} services and {len(fitted.result.cohorts)} cohorts."
        )
        word = "Row" if log.row_word == "row" else "Record"
        self.bad_table.setHorizontalHeaderLabels([word, "Why it was left out"])
        self.bad_table.setRowCount(len(log.bad_listed))
        for i, (number, why) in enumerate(log.bad_listed):
            self.bad_table.setItem(i, 0, QTableWidgetItem(str(number)))
            self.bad_table.setItem(i, 1, QTableWidgetItem(why))
        more = log.bad_count - len(log.bad_listed)
        self.bad_label.setText(
            "Rows left out: none." if not log.bad_count else
            f"Rows left out ({log.bad_count:,}{f'; the first {len(log.bad_listed)} listed' if more else ''}"
            + (", numbered as a spreadsheet shows them, the header being row 1):"
               if log.row_word == "row" else ", records counted from 1):")
        )
        self.bad_table.setVisible(bool(log.bad_count))
        self.report.setPlainText(fitted.report)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.fitted is not None


