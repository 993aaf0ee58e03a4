"""The Report dialog: which format, where to write it, whether to open it, and who ran it.

The window asks through ``ask_report_options`` (so tests answer it); the dialog returns a
:class:`ReportOptions`, a small frozen record, or nothing when the user cancels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.shared.access import a11y, announce

#: (suffix, label) of each format, in the order offered
FORMAT_CHOICES = (
    (".html", "&HTML (one file, opens in any browser)"),
    (".pdf", "&PDF (paginated, for printing and circulating)"),
    (".docx", "&Word (.docx, to edit into a submission)"),
)
FILE_FILTERS = {
    ".html": "HTML files (*.html)",
    ".pdf": "PDF files (*.pdf)",
    ".docx": "Word documents (*.docx)",
}


@dataclass(frozen=True)
class ReportOptions:
    """What the user chose: the file to write (its suffix is the format), whether to open it
    in the system's viewer when written, and the analyst's name for the title block."""

    path: Path
    open_when_done: bool = True
    analyst: str = ""

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()


def with_suffix(path: Path, suffix: str) -> Path:
    """``path`` ending in ``suffix``: a known report suffix is replaced, any other kept."""
    if path.suffix.lower() in FILE_FILTERS:
        return path.with_suffix(suffix)
    return path.with_name(path.name + suffix)


def options_problem(text: str) -> str | None:
    """Why the typed path cannot be written (None: it can)."""
    if not text.strip():
        return "Choose where to write the report."
    path = Path(text.strip()).expanduser()
    if path.is_dir():
        return f"{path} is a folder; add a file name."
    if not path.parent.is_dir():
        return f"The folder {path.parent} does not exist."
    return None


class ReportDialog(QDialog):
    """Format (HTML, PDF, Word), file, "open when written" and the analyst's name."""

    def __init__(self, scenario_name: str, suggested: ReportOptions, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Report")
        self.options: ReportOptions | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(f"Write the report of the last run of “{scenario_name}”.", self)
        intro.setTextFormat(Qt.TextFormat.PlainText)  # a name from a file is never markup
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.intro = intro

        form = QFormLayout()
        formats = QWidget(self)
        flay = QVBoxLayout(formats)
        flay.setContentsMargins(0, 0, 0, 0)
        self.format_group = QButtonGroup(self)
        self.format_buttons: dict[str, QRadioButton] = {}
        for suffix, label in FORMAT_CHOICES:
            button = QRadioButton(label, formats)
            a11y(button, label.replace("&", ""), f"Write the report as {suffix}")
            self.format_group.addButton(button)
            self.format_buttons[suffix] = button
            flay.addWidget(button)
        form.addRow("Format:", formats)

        path_row = QWidget(self)
        play = QHBoxLayout(path_row)
        play.setContentsMargins(0, 0, 0, 0)
        self.path_edit = QLineEdit(str(suggested.path), path_row)
        a11y(self.path_edit, "Report file", "Where the report is written")
        self.browse_button = QPushButton("&Browse…", path_row)
        a11y(self.browse_button, "Choose the report file", "Choose the file in a file dialog")
        self.browse_button.clicked.connect(self._browse)
        play.addWidget(self.path_edit, 1)
        play.addWidget(self.browse_button)
        file_label = QLabel("&File:", self)
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, path_row)

        self.analyst_edit = QLineEdit(suggested.analyst, self)
        self.analyst_edit.setPlaceholderText("optional")
        a11y(self.analyst_edit, "Your name", "Shown in the title block as who ran it (remembered)")
        name_label = QLabel("Your &name:", self)
        name_label.setBuddy(self.analyst_edit)
        form.addRow(name_label, self.analyst_edit)
        layout.addLayout(form)

        self.open_check = QCheckBox("&Open the report when it is written", self)
        self.open_check.setChecked(suggested.open_when_done)
        a11y(self.open_check, "Open the report when it is written", "In the system's viewer")
        layout.addWidget(self.open_check)

        self.problem_label = QLabel("", self)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #B00020;")
        self.problem_label.hide()
        layout.addWidget(self.problem_label)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Write &report")  # Alt+W: Word
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        chosen = suggested.suffix if suggested.suffix in FILE_FILTERS else ".html"
        self.format_buttons[chosen].setChecked(True)
        self.format_group.buttonToggled.connect(self._on_format)
        self.path_edit.textEdited.connect(self._on_path_edited)
        self.resize(560, self.sizeHint().height())

    # ----------------------------------------------------------------- choices
    def chosen_suffix(self) -> str:
        for suffix, button in self.format_buttons.items():
            if button.isChecked():
                return suffix
        return ".html"  # pragma: no cover - one is always checked

    def set_format(self, suffix: str) -> None:
        self.format_buttons[suffix].setChecked(True)

    def _on_format(self, _button: QRadioButton, checked: bool) -> None:
        if checked and self.path_edit.text().strip():
            path = Path(self.path_edit.text().strip())
            self.path_edit.setText(str(with_suffix(path, self.chosen_suffix())))

    def _on_path_edited(self, text: str) -> None:
        """A typed report suffix chooses the format (``.pdf`` typed means PDF)."""
        suffix = Path(text.strip()).suffix.lower()
        if suffix in self.format_buttons and suffix != self.chosen_suffix():
            self.format_group.blockSignals(True)
            self.format_buttons[suffix].setChecked(True)
            self.format_group.blockSignals(False)

    def _browse(self) -> None:
        suffix = self.chosen_suffix()
        path, _ = QFileDialog.getSaveFileName(
            self, "Write the report to", self.path_edit.text(), FILE_FILTERS[suffix]
        )
        if path:
            chosen = Path(path)
            if chosen.suffix.lower() != suffix:
                chosen = with_suffix(chosen, suffix)
            self.path_edit.setText(str(chosen))

    # ----------------------------------------------------------------- answer
    def current_options(self) -> ReportOptions | None:
        """The options as filled in, or None (with the reason shown) if the file is unusable."""
        problem = options_problem(self.path_edit.text())
        if problem is not None:
            self.problem_label.setText(problem)
            self.problem_label.show()
            announce(self.problem_label)
            return None
        path = Path(self.path_edit.text().strip()).expanduser()
        if path.suffix.lower() != self.chosen_suffix():
            path = with_suffix(path, self.chosen_suffix())
        return ReportOptions(
            path=path,
            open_when_done=self.open_check.isChecked(),
            analyst=self.analyst_edit.text().strip(),
        )

    def accept(self) -> None:
        options = self.current_options()
        if options is None:
            self.path_edit.setFocus()
            return
        self.options = options
        super().accept()
