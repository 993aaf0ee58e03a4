"""The run's choices: variants remembered per scenario (all ticked when never run), a
run with nothing to compare says so, F5 or opening another scenario during a run asks,
the progress bar resets, Tab moves along a table row, and no mnemonic clashes with a menu."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import json  # noqa: E402
import re  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

import test_gui_main as main_fixtures  # noqa: E402
from conftest import example_scenario  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QTabBar  # noqa: E402

from mission_desktop.gui.edit.document import ScenarioDocument  # noqa: E402
from mission_desktop.gui.edit.panel import EditorPanel  # noqa: E402
from mission_desktop.gui.run import worker as w  # noqa: E402
from mission_desktop.gui.run.view import RunView  # noqa: E402
from mission_desktop.model import scenario_from_dict  # noqa: E402

_fake_run_view = main_fixtures._fake_run_view
_restore_app_font = main_fixtures._restore_app_font
data_dir = main_fixtures.data_dir
library = main_fixtures.library
prompts = main_fixtures.prompts
make_window = main_fixtures.make_window
real_run_view = main_fixtures.real_run_view
scenario_file = main_fixtures.scenario_file


def write(tmp_path, name: str, **changes):
    doc = example_scenario()
    doc["name"] = name
    doc.update(changes)
    path = tmp_path / f"{name}.mission.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture
def live(real_run_view, make_window, tmp_path):
    window = make_window()
    a = window.open_file(write(tmp_path, "First"))
    b = window.import_file(write(tmp_path, "Second"))
    yield window, a, b
    window.run_view.shutdown()


# --------------------------------------------------------------------------- variants
def test_variants_all_ticked_until_run_then_remembered_per_scenario(live):
    window, a, b = live
    view = window.run_view
    assert view.selected_variants() == ["baseline", "d2a", "both"]
    view.set_selected_variants(["baseline", "both"])
    view.run_started.emit()  # what Run does once the run is under way
    assert window.open_scenario(b)
    assert view.selected_variants() == ["baseline", "d2a", "both"]  # never run: all
    assert window.open_scenario(a)
    assert view.selected_variants() == ["baseline", "both"]  # remembered


def test_only_the_baseline_ticked_says_nothing_will_be_compared(qtbot):
    view = RunView()
    qtbot.addWidget(view)
    view.set_scenario(scenario_from_dict(example_scenario()))
    assert view.compare_text() == "" and view.compare_note.isHidden()
    view.set_selected_variants(["baseline"])
    assert "nothing will be compared" in view.compare_note.text()
    assert not view.compare_note.isHidden()
    doc = example_scenario()
    del doc["variants"], doc["policies"]
    view.set_scenario(scenario_from_dict(doc))
    assert "nothing will be compared" in view.compare_text()
    view.controller.shutdown(1.0)


# --------------------------------------------------------------------------- during a run
@pytest.fixture
def running(monkeypatch):
    monkeypatch.setattr(w.RunController, "is_running", property(lambda self: True))


def test_f5_during_a_run_asks_first(qtbot, running, monkeypatch):
    view = RunView()
    qtbot.addWidget(view)
    view.set_scenario(scenario_from_dict(example_scenario()))
    started: list[tuple] = []
    monkeypatch.setattr(view.controller, "start", lambda *a, **k: started.append(a))
    answers = iter([False, True])
    asked: list[bool] = []
    monkeypatch.setattr(view, "ask_restart", lambda: asked.append(True) or next(answers))
    view.start_run()
    assert asked and not started  # "no": the run goes on
    view.start_run()
    assert len(asked) == 2 and len(started) == 1
    monkeypatch.undo()
    view.controller.shutdown(1.0)


def test_opening_another_scenario_during_a_run_asks_first(make_window, prompts, tmp_path):
    window = make_window()
    a = window.open_file(write(tmp_path, "First"))
    b = window.import_file(write(tmp_path, "Second"))
    stopped: list[bool] = []
    window.run_view.controller = SimpleNamespace(is_running=True)
    window.run_view.stop_run = lambda: stopped.append(True)
    prompts.confirm = False
    assert not window.open_scenario(b)
    assert window.scenario_id == a and not stopped
    assert "confirm" in prompts.names()
    assert window.open_file(write(tmp_path, "Third")) is None
    prompts.confirm = True
    assert window.open_scenario(b)
    assert window.scenario_id == b and stopped


def test_the_progress_bar_resets_for_a_new_scenario(qtbot):
    view = RunView()
    qtbot.addWidget(view)
    scenario = scenario_from_dict(example_scenario())
    view.set_scenario(scenario)
    view._on_progress(10, 10, 0.0)
    view._on_finished({"variants": {}})
    assert view.progress_bar.text() == "100%"
    view.set_scenario(scenario)
    assert view.progress_bar.value() == 0 and view.progress_bar.text() == "0%"
    view.controller.shutdown(1.0)


# --------------------------------------------------------------------------- keyboard
def test_tab_moves_along_a_table_row_then_leaves(qtbot):
    panel = EditorPanel(ScenarioDocument(scenario_from_dict(example_scenario())))
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    table = panel.services.table
    view = table.view
    view.setFocus()
    view.setCurrentIndex(table.model.index(1, 0))
    QApplication.processEvents()
    last = table.model.columnCount() - 1
    for col in range(1, last + 1):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        assert (view.currentIndex().row(), view.currentIndex().column()) == (1, col)
    qtbot.keyClick(view, Qt.Key.Key_Backtab)
    assert view.currentIndex().column() == last - 1
    view.setCurrentIndex(table.model.index(1, last))
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert not view.hasFocus()  # the last cell: Tab goes on to the next control


def mnemonics(text: str) -> list[str]:
    text = re.sub(r"<[^>]*>", "", text).replace("&&", "")
    return [m.lower() for m in re.findall(r"&(\w)", text)]


def visible_mnemonics(root) -> dict[str, list[str]]:
    """Letter → the texts of the visible buttons, buddy labels, group boxes and tabs using it."""
    found: dict[str, list[str]] = {}

    def add(text: str) -> None:
        for key in mnemonics(text):
            found.setdefault(key, []).append(text)

    for b in root.findChildren(QAbstractButton):
        if b.isVisible():
            add(b.text())
    for label in root.findChildren(QLabel):
        if label.isVisible() and label.buddy() is not None:
            add(label.text())
    for box in root.findChildren(QGroupBox):
        if box.isVisible():
            add(box.title())
    for bar in root.findChildren(QTabBar):
        if bar.isVisible():
            for i in range(bar.count()):
                add(bar.tabText(i))
    return found


def test_no_mnemonic_clashes_with_the_menu_bar(real_run_view, make_window, scenario_file):
    window = make_window()
    window.open_file(scenario_file)
    window.show()
    menu_keys = {k for a in window.menuBar().actions() for k in mnemonics(a.text())}
    assert {"f", "e", "s", "r", "v", "h"} <= menu_keys
    clashes = []
    editor_tabs = window.editor
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        pages = range(editor_tabs.count()) if window.tabs.widget(i) is editor_tabs else [None]
        for page in pages:
            if page is not None:
                editor_tabs.setCurrentIndex(page)
            QApplication.processEvents()
            for key, texts in visible_mnemonics(window.centralWidget()).items():
                if key in menu_keys:
                    clashes.append(f"Alt+{key.upper()}: {texts} (a menu)")
    assert not clashes, "\n".join(sorted(set(clashes)))
    window.run_view.shutdown()
