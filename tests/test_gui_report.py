"""File > Report…: the dialog, the build off the GUI thread, Cancel, errors as messages."""

from __future__ import annotations

import copy
import json
import os
import threading
import time

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt, Signal  # noqa: E402
from PySide6.QtGui import QKeySequence  # noqa: E402
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget  # noqa: E402
from test_report_document import DOC, HOSTILE  # noqa: E402

import mission_desktop.gui.report.actions as report_actions  # noqa: E402
from mission_desktop.gui.report.dialog import ReportDialog, ReportOptions  # noqa: E402
from mission_desktop.gui.report.worker import CANCELLED, FAILED, WRITTEN  # noqa: E402
from mission_desktop.gui.window.main_window import MainWindow  # noqa: E402
from mission_desktop.model import scenario_from_dict  # noqa: E402
from mission_desktop.report.document import ReportCancelled, ReportError  # noqa: E402
from mission_desktop.sim import run_experiment  # noqa: E402
from mission_desktop.store import Library  # noqa: E402

#: generous: a real build on a loaded 2-core machine (the test waits on a signal, not a clock)
BUILD_TIMEOUT_MS = 180_000


class _RunView(QWidget):
    """The least of a run view: the results on screen, and a run ending."""

    run_finished = Signal(object)
    results_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.results = None

    def set_scenario(self, scenario):
        self.results = None  # another scenario's results are not shown

    def finish(self, results):
        """A run ending: its results shown, then run_finished (as the real one does)."""
        self.results = results
        self.results_changed.emit()
        self.run_finished.emit(results)


@pytest.fixture(scope="module")
def results() -> dict:
    return run_experiment(scenario_from_dict(copy.deepcopy(DOC)), workers=1)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, results):
    import mission_desktop.gui.window.main_window as mw

    monkeypatch.setenv("MISSION_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(mw, "RunView", _RunView)
    library = Library()
    w = MainWindow(library)
    qtbot.addWidget(w)
    w.errors = []
    w.opened = []
    monkeypatch.setattr(w, "show_error", lambda title, text: w.errors.append((title, text)))
    monkeypatch.setattr(w, "open_in_viewer", lambda path: w.opened.append(Path(path)) or True)
    path = tmp_path / "hostile.mission.json"
    path.write_text(json.dumps(DOC), encoding="utf-8")
    assert w.open_file(path) is not None
    yield w
    w.cancel_report(wait=True)
    w.autosave_timer.stop()
    w.undo_stack.setClean()
    library.close()


def answer(window, monkeypatch, options: ReportOptions | None) -> list[ReportOptions]:
    asked: list[ReportOptions] = []

    def ask(suggested):
        asked.append(suggested)
        return options

    monkeypatch.setattr(window, "ask_report_options", ask)
    return asked


def finish(qtbot, job) -> None:
    if job.is_running():
        with qtbot.waitSignal(job.ended, timeout=BUILD_TIMEOUT_MS):
            pass


# --------------------------------------------------------------------------- the action
def test_report_action_is_in_the_file_menu_on_ctrl_r_and_needs_results(window, results):
    action = window.report_action
    file_menu = window.menuBar().actions()[0].menu()
    assert action in file_menu.actions()
    assert action.shortcut() == QKeySequence("Ctrl+R")
    assert not action.isEnabled()
    window.run_view.finish(results)
    assert action.isEnabled()


def test_without_results_a_report_is_refused_in_words(window, monkeypatch):
    asked = answer(window, monkeypatch, None)
    assert window.report_dialog() is None
    assert not asked
    assert window.errors and "Run the scenario first" in window.errors[0][1]


def test_results_of_another_scenario_are_refused_before_asking(window, monkeypatch, results):
    other = copy.deepcopy(results)
    other["variants"]["no_such_variant"] = other["variants"]["baseline"]
    window.run_view.finish(other)
    asked = answer(window, monkeypatch, None)
    assert window.report_dialog() is None
    assert not asked
    title, text = window.errors[0]
    assert title == "These results cannot be reported" and "no_such_variant" in text


# --------------------------------------------------------------------------- a real build
@pytest.mark.parametrize("suffix", [".html", ".docx"])
def test_a_real_report_is_built_off_the_gui_thread_and_opened(
    window, qtbot, monkeypatch, results, tmp_path, suffix
):
    threads: list[int] = []
    real = report_actions.build_report

    def build(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(report_actions, "build_report", build)
    window.run_view.finish(results)
    out = tmp_path / f"out{suffix}"
    asked = answer(window, monkeypatch, ReportOptions(out, open_when_done=True, analyst="A. N. Analyst"))
    steps: list[tuple[int, int, str]] = []
    job = window.report_dialog()
    assert job is not None and job.is_running()
    assert not window.report_action.isEnabled()  # one report at a time
    job.progressed.connect(lambda d, t, s: steps.append((d, t, s)))
    finish(qtbot, job)
    assert job.state == WRITTEN, job.message
    assert out.is_file() and out.stat().st_size > 10_000
    assert threads and threads[0] != threading.get_ident()
    assert window.opened == [out]
    assert steps and steps[-1][0] == steps[-1][1]  # the bar reaches its end
    assert window.report_action.isEnabled() and window.report_progress is None
    assert window.errors == []
    # what was chosen is suggested next time; the name is remembered in the library
    assert window.library.get_setting(report_actions.SETTING_ANALYST) == "A. N. Analyst"
    assert asked[0].analyst == ""
    again = window.suggested_report_options()
    assert again.analyst == "A. N. Analyst" and again.suffix == suffix
    assert again.path.parent == tmp_path
    if suffix == ".html":
        text = out.read_text(encoding="utf-8")
        assert "A. N. Analyst" in text and "<script>alert(1)" not in text


def test_the_build_gets_a_copy_of_the_results_and_the_frozen_scenario(
    window, qtbot, monkeypatch, results, tmp_path
):
    seen: dict = {}

    def build(scenario, res, out, **kwargs):
        seen.update(scenario=scenario, results=res, kwargs=kwargs)
        res["variants"].clear()  # the worker scribbling on its copy touches nothing shown
        Path(out).write_text("x", encoding="utf-8")
        return Path(out)

    monkeypatch.setattr(report_actions, "build_report", build)
    window.run_view.finish(results)
    answer(window, monkeypatch, ReportOptions(tmp_path / "r.pdf", open_when_done=False))
    finish(qtbot, window.report_dialog())
    assert seen["scenario"] is window.scenario and seen["results"] is not results
    assert results["variants"], "the window's results were changed by the worker"
    assert seen["kwargs"]["ran_here"] is True and seen["kwargs"]["analyst"] == ""
    assert window.opened == []  # not asked to open it
    # not opened: the status bar says where it went
    assert window.statusBar().currentMessage() == f"Report written to {tmp_path / 'r.pdf'}"


def test_cancel_stops_the_build_and_writes_nothing(window, qtbot, monkeypatch, results, tmp_path):
    started = threading.Event()

    def build(scenario, res, out, *, progress, cancelled, **kwargs):
        progress(0, 4, "gathering figures")
        started.set()
        deadline = time.monotonic() + 60  # a safety net only: Cancel ends it at once
        while time.monotonic() < deadline:
            if cancelled():
                raise ReportCancelled
            time.sleep(0.01)
        Path(out).write_text("not cancelled", encoding="utf-8")
        return Path(out)

    monkeypatch.setattr(report_actions, "build_report", build)
    window.run_view.finish(results)
    out = tmp_path / "r.html"
    answer(window, monkeypatch, ReportOptions(out))
    job = window.report_dialog()
    qtbot.waitUntil(started.is_set, timeout=BUILD_TIMEOUT_MS)
    (button,) = window.report_progress.findChildren(QPushButton)
    assert button.text().replace("&", "") == "Cancel"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the progress dialog's Cancel
    finish(qtbot, job)
    assert job.state == CANCELLED
    assert not out.exists() and window.opened == [] and window.errors == []
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.report_action.isEnabled()


@pytest.mark.parametrize(
    "error, words",
    [
        (ReportError("cannot write x.pdf: Permission denied"), "Permission denied"),
        (ZeroDivisionError("division by zero"), "could not be built"),
    ],
)
def test_a_failed_build_becomes_a_message(
    window, qtbot, monkeypatch, results, tmp_path, error, words
):
    def build(*args, **kwargs):
        raise error

    monkeypatch.setattr(report_actions, "build_report", build)
    window.run_view.finish(results)
    answer(window, monkeypatch, ReportOptions(tmp_path / "r.pdf"))
    job = window.report_dialog()
    finish(qtbot, job)
    assert job.state == FAILED
    assert window.errors and window.errors[0][0] == "Report not written"
    assert words in window.errors[0][1]
    assert window.opened == []


def test_closing_the_window_waits_for_a_cancelled_build(
    window, qtbot, monkeypatch, results, tmp_path
):
    started = threading.Event()
    ended = threading.Event()

    def build(scenario, res, out, *, cancelled, **kwargs):
        started.set()
        try:
            while not cancelled():
                time.sleep(0.01)
            raise ReportCancelled
        finally:
            ended.set()

    monkeypatch.setattr(report_actions, "build_report", build)
    window.run_view.finish(results)
    answer(window, monkeypatch, ReportOptions(tmp_path / "r.html"))
    window.report_dialog()
    qtbot.waitUntil(started.is_set, timeout=BUILD_TIMEOUT_MS)
    window.cancel_report(wait=True)  # what closing the window does
    assert ended.is_set()


# --------------------------------------------------------------------------- the dialog
def test_dialog_format_and_suffix_follow_each_other(qtbot, tmp_path):
    dialog = ReportDialog("S", ReportOptions(tmp_path / "report.html"))
    qtbot.addWidget(dialog)
    assert dialog.chosen_suffix() == ".html"
    dialog.set_format(".pdf")
    assert dialog.path_edit.text() == str(tmp_path / "report.pdf")
    dialog.set_format(".docx")
    assert dialog.path_edit.text() == str(tmp_path / "report.docx")
    qtbot.keyClicks(dialog.path_edit, "")  # focus only
    dialog.path_edit.clear()
    qtbot.keyClicks(dialog.path_edit, str(tmp_path / "mine.pdf"))
    assert dialog.chosen_suffix() == ".pdf"
    dialog.analyst_edit.setText("  Sam  ")
    dialog.open_check.setChecked(False)
    dialog.accept()
    assert dialog.options == ReportOptions(tmp_path / "mine.pdf", open_when_done=False, analyst="Sam")
    with pytest.raises(AttributeError):
        dialog.options.analyst = "x"  # frozen


def test_dialog_adds_the_suffix_and_refuses_an_unusable_file(qtbot, tmp_path):
    dialog = ReportDialog("S", ReportOptions(tmp_path / "report.docx"))
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "notes"))
    assert dialog.current_options().path == tmp_path / "notes.docx"
    for text, words in [
        ("", "Choose where"),
        (str(tmp_path), "is a folder"),
        (str(tmp_path / "missing" / "r.docx"), "does not exist"),
    ]:
        dialog.path_edit.setText(text)
        dialog.accept()
        assert dialog.options is None and dialog.result() == 0
        assert words in dialog.problem_label.text() and not dialog.problem_label.isHidden()


def test_names_from_the_file_are_plain_text(window, qtbot, monkeypatch, tmp_path):
    dialog = ReportDialog(window.scenario.name, window.suggested_report_options())
    qtbot.addWidget(dialog)
    assert dialog.intro.textFormat() == Qt.TextFormat.PlainText
    assert HOSTILE in dialog.intro.text()
    # the suggested file name is made safe from the hostile name
    name = window.suggested_report_options().path.name
    assert "<" not in name and "/" not in name and name.endswith(" report.html")
    # messages are plain text too
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
    MainWindow.show_error(window, "Report not written", HOSTILE)
    assert window.last_error_box.textFormat() == Qt.TextFormat.PlainText
    assert window.last_error_box.text() == HOSTILE
