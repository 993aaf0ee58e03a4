"""The fast start's order (issue 6 §8): the app paints its first frame before the Run view
(pyqtgraph, numpy) is built, then puts it in place on the next turns; once the window is up
and idle it is the window it always was — checked by state and imported modules, never by
timing (tests/benchmarks/bench_startup.py measures the time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from test_gui_main import FakeRunView  # noqa: E402

import mission_desktop.gui.window.main_window as mw  # noqa: E402
from mission_desktop.gui.app import create_main_window, finish_start  # noqa: E402
from mission_desktop.store import Library  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "hospital_discharge.mission.json"

#: runs the app's own main() on FILE, watching it from a timer set before main(): what the
#: window holds on the first turn after it is shown (the Run view's build is queued behind
#: that), then once the Run view is in place; then it closes the window (the app then exits)
PROBE = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from mission_desktop.gui import app as gui_app
    from mission_desktop.gui.window.main_window import MainWindow

    qapp = gui_app.application([])
    report = {}
    heavy = ("pyqtgraph", "numpy", "pandas")

    def window():
        return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))

    def first_turn():
        w = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)
        if w is None or not w.isVisible():  # still being made (a file read off the thread)
            QTimer.singleShot(0, first_turn)
            return
        report["first"] = {
            "run_view": type(w.run_view).__name__,
            "imported": sorted(m for m in heavy if m in sys.modules),
            "run_menu": [a.text() for a in w.run_menu.actions()],
            "scenario": w.scenario.name,
            "title": w.windowTitle(),
        }
        QTimer.singleShot(0, idle)

    def idle(turns=[0]):
        w = window()
        if type(w.run_view).__name__ != "RunView":
            turns[0] += 1
            if turns[0] > 3000:  # a minute or more: it never came; say so, do not hang
                report["idle"] = None
                w.close()
                return
            QTimer.singleShot(20, idle)
            return
        report["idle"] = {
            "imported": sorted(m for m in heavy if m in sys.modules),
            "run_menu": [a.text() for a in w.run_menu.actions()],
            "toolbar_run": w.run_view.run_action in w.toolbar.actions(),
            "tab": w.tabs.tabText(2),
            "tab_is_run_view": w.tabs.widget(2) is w.run_view,
            "scenario": w.scenario.name,
            "run_view_scenario": w.run_view._scenario.name,
            "variants": w.run_view.selected_variants(),
            "all_variants": [v.id for v in w.scenario.effective_variants],
            "library_id": w.scenario_id,
        }
        w.close()

    QTimer.singleShot(0, first_turn)
    code = gui_app.main(sys.argv[1:])
    print(json.dumps({"code": code, **report}))
    """
)


def run_probe(tmp_path: Path, *args: str) -> dict:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "MISSION_DESKTOP_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("MISSION_DESKTOP_QUIT_AFTER_FIRST_PAINT", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_file_on_the_command_line_is_open_first_and_the_run_view_follows(tmp_path):
    source = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    source["name"] = "Given on the command line"
    given = tmp_path / "given.mission.json"
    given.write_text(json.dumps(source), encoding="utf-8")
    report = run_probe(tmp_path, str(given))
    assert report["code"] == 0
    first, idle = report["first"], report["idle"]
    assert idle is not None, "the Run view was never put in place"
    # the first frame: the file is open already; the Run view and its libraries are not
    assert first["scenario"] == "Given on the command line"
    assert first["title"] == "Mission Desktop — Given on the command line"
    assert first["run_view"] == "_RunViewPlaceholder"
    assert first["imported"] == []
    assert first["run_menu"] == ["Run view not available yet"]
    # up and idle: the same file open, and the Run view in place, wired and showing it
    assert idle["scenario"] == "Given on the command line"
    assert idle["library_id"] is not None  # it was added to the library, as always
    assert idle["run_view_scenario"] == "Given on the command line"
    assert idle["variants"] == idle["all_variants"] != []
    assert idle["run_menu"] == ["&Run", "&Pause", "&Stop"]
    assert idle["toolbar_run"] is True
    assert idle["tab"] == "R&un" and idle["tab_is_run_view"] is True
    assert "pyqtgraph" in idle["imported"]  # the probe does see the later import


def test_with_no_file_the_startup_scenario_is_open_first(tmp_path):
    report = run_probe(tmp_path)
    assert report["code"] == 0
    assert report["first"]["scenario"].startswith("Hospital discharge")
    assert report["first"]["imported"] == []
    assert report["idle"] is not None, "the Run view was never put in place"
    assert report["idle"]["run_view_scenario"] == report["first"]["scenario"]


# --------------------------------------------------------------------------- in process
@pytest.fixture
def library(tmp_path, monkeypatch):
    monkeypatch.setenv("MISSION_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(mw, "RunView", FakeRunView)
    lib = Library()
    yield lib
    lib.close()


def later_window(qtbot, library, path=EXAMPLE):
    window = create_main_window(library, path, run_view_later=True)
    qtbot.addWidget(window)
    return window


def test_the_deferred_run_view_is_wired_as_the_one_built_at_once(qtbot, library):
    at_once = create_main_window(library, EXAMPLE)
    qtbot.addWidget(at_once)
    later = later_window(qtbot, library)
    assert isinstance(later.run_view, mw._RunViewPlaceholder)
    assert later.run_view.accessibleName() == "Run view"
    finish_start(later)
    view = later.run_view
    assert isinstance(view, FakeRunView)
    assert view.scenarios == [later.scenario]  # shown the scenario open now, once
    assert [a.text() for a in later.run_menu.actions()] == ["&Run", "&Pause", "S&top"]
    assert [a.text() for a in later.toolbar.actions()] == [
        a.text() for a in at_once.toolbar.actions()
    ]
    assert [later.tabs.tabText(i) for i in range(3)] == [
        at_once.tabs.tabText(i) for i in range(3)
    ]
    assert later.tabs.widget(2) is view and view.accessibleName() == "Run view"
    # its signals reach the window: a finished run is kept and exportable
    results = {"provenance": {}, "variants": {}}
    view.finish(results)
    assert later.run_here_results is results
    assert results["provenance"]["scenario_revision"] == 1  # the window noted its revision
    assert later.export_csv_action.isEnabled()
    finish_start(later)  # a second time: nothing more
    assert later.run_view is view
    assert [a.text() for a in later.run_menu.actions()] == ["&Run", "&Pause", "S&top"]


def test_choosing_the_run_tab_before_it_is_built_builds_it(qtbot, library):
    window = later_window(qtbot, library)
    window.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: isinstance(window.run_view, FakeRunView), timeout=60_000)
    assert window.tabs.currentWidget() is window.run_view


def test_presenting_before_the_run_view_is_built_builds_it(qtbot, library, monkeypatch):
    presented: list[bool] = []
    monkeypatch.setattr(
        FakeRunView, "set_presentation", lambda self, on: presented.append(on), False
    )
    window = later_window(qtbot, library)
    window.set_presentation(True)
    assert isinstance(window.run_view, FakeRunView)
    assert window.tabs.currentWidget() is window.run_view
    window.set_presentation(False)
    assert presented == [True, False]


def test_the_run_view_built_later_gets_the_zoom_of_the_session(qtbot, library, monkeypatch):
    sizes: list[int] = []
    monkeypatch.setattr(FakeRunView, "set_font_size", lambda self, s: sizes.append(s), False)
    window = later_window(qtbot, library)
    window.set_zoom(150)
    assert sizes == []  # the placeholder has no plots to size
    window.build_run_view()
    assert sizes == [round(mw.PLOT_FONT_POINTS * 1.5)]


def test_the_run_menu_of_a_window_without_run_actions_says_so(qtbot, library):
    window = later_window(qtbot, library)
    (only,) = window.run_menu.actions()
    assert isinstance(only, QAction) and not only.isEnabled()


def test_the_process_server_waits_for_the_run_view_built_after_the_first_frame(
    qtbot, library, monkeypatch
):
    from mission_desktop.gui.run import run_process

    started: list[str] = []
    monkeypatch.setattr(run_process, "_WARM_THREAD", None)
    monkeypatch.setattr(run_process, "_WARM_HELD", False)
    monkeypatch.setattr(run_process, "_WARM_ASKED", False)
    monkeypatch.setattr(run_process, "_ensure_process_server", lambda: started.append("server"))

    class AsksForTheServer(FakeRunView):
        def __init__(self, parent=None):
            super().__init__(parent)
            assert run_process.warm_up() is None  # held: nothing starts while it is built
            started.append("run view")

    monkeypatch.setattr(mw, "RunView", AsksForTheServer)
    window = later_window(qtbot, library)
    finish_start(window)
    thread = run_process._WARM_THREAD
    assert thread is not None  # asked while held: started once released
    thread.join(30)
    assert started == ["run view", "server"]
    assert run_process._WARM_HELD is False
