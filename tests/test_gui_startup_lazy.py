"""A fast start (issue 6 §8): what the window does not show at start is not built, and what it
does not use is not imported — checked by what is built and which modules a fresh interpreter
holds, never by timing (tests/benchmarks/bench_startup.py measures the time, as ratios)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from test_gui_run import make_scenario  # noqa: E402

from mission_desktop.gui.app import after_first_paint  # noqa: E402
from mission_desktop.gui.run import run_process  # noqa: E402
from mission_desktop.gui.run.view import RunView  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

#: opens the main window on the bundled examples as the app does, paints it, then reports
#: which of the watched modules were imported; then the positive control: the engine
#: imported through mission_desktop.sim does show up
PROBE = textwrap.dedent(
    """
    import json, sys
    from mission_desktop.gui import app as gui_app
    from mission_desktop.store import Library, data_dir, ensure_examples

    qapp = gui_app.application([])
    library = Library(data_dir() / "library.sqlite")
    ensure_examples(library, gui_app.SCENARIOS_DIR)
    window = gui_app.create_main_window(library)
    window.show()
    for _ in range(5):
        qapp.processEvents()
    watched = ("matplotlib", "pandas", "simpy", "scipy", "openpyxl", "jinja2", "docx",
               "fpdf", "markdown_it", "mission_desktop.sim.engine",
               "mission_desktop.report.document.build", "mission_desktop.gui.edit.services")
    before = sorted(w for w in watched if w in sys.modules)
    plots = len(window.run_view._live_plots.service_ids)
    from mission_desktop.sim import simulate  # noqa: F401
    after = sorted(w for w in watched if w in sys.modules)
    print(json.dumps({"before": before, "after": after, "plots": plots,
                      "scenario": window.scenario.name}))
    window.close()
    library.close()
    """
)


def test_the_first_window_imports_no_engine_report_or_pandas_and_builds_no_run_plots(tmp_path):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "MISSION_DESKTOP_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["scenario"]  # it really opened a scenario
    assert report["before"] == [], f"the first window imported {report['before']}"
    assert report["plots"] == 0  # the Run tab is hidden: no plot per service yet
    assert "simpy" in report["after"]  # the probe does see a module imported later


def test_importing_snapshots_loads_no_engine_and_sim_names_still_resolve():
    probe = textwrap.dedent(
        """
        import json, sys
        import mission_desktop.sim.snapshots
        lazy = "simpy" in sys.modules or "mission_desktop.sim.engine" in sys.modules
        import mission_desktop.sim as sim
        names = {n: getattr(sim, n).__module__ for n in ("simulate", "run_experiment",
                 "stream_snapshots", "Snapshot", "worker_count", "phase_loads")}
        print(json.dumps({"eager": lazy, "names": names, "dir": "simulate" in dir(sim)}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["eager"] is False
    assert report["names"]["simulate"] == "mission_desktop.sim.engine"
    assert report["names"]["run_experiment"] == "mission_desktop.sim.experiment"
    assert report["names"]["stream_snapshots"] == "mission_desktop.sim.live"
    assert report["dir"] is True


def test_an_unknown_sim_name_is_an_attribute_error():
    import mission_desktop.sim as sim
    from mission_desktop.report import document

    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        sim.nonexistent  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        document.nonexistent  # noqa: B018


def test_a_hidden_run_view_builds_its_plots_only_when_used(qtbot):
    view = RunView()
    qtbot.addWidget(view)
    view.set_scenario(make_scenario(services=2))
    view.set_scenario(make_scenario(services=3))  # edits while hidden: nothing built
    assert view._live_plots.service_ids == []
    # transparent: the first use builds them, for the scenario shown now
    assert view.plots.service_ids == ["gp", "hospital", "social_care"]
    assert set(view.plots.titles) == {"gp", "hospital", "social_care"}
    view.controller.shutdown(2.0)


def test_a_run_view_builds_its_plots_when_first_shown(qtbot):
    view = RunView()
    qtbot.addWidget(view)
    view.set_scenario(make_scenario(services=2))
    assert view._live_plots.service_ids == []
    view.resize(1200, 700)
    view.show()
    qtbot.waitExposed(view)
    assert view._live_plots.service_ids == ["gp", "hospital"]
    # shown: a new scenario is built at once, as before
    view.set_scenario(make_scenario(services=3))
    assert view._live_plots.service_ids == ["gp", "hospital", "social_care"]
    view.controller.shutdown(2.0)


@pytest.fixture
def fresh_warm_up(monkeypatch):
    """run_process's warm-up state, fresh, with a process server that only counts starts."""
    started: list[int] = []
    monkeypatch.setattr(run_process, "_WARM_THREAD", None)
    monkeypatch.setattr(run_process, "_WARM_HELD", False)
    monkeypatch.setattr(run_process, "_WARM_ASKED", False)
    monkeypatch.setattr(run_process, "_ensure_process_server", lambda: started.append(1))
    return started


def test_a_held_warm_up_starts_only_when_released(fresh_warm_up):
    run_process.hold_warm_up()
    assert run_process.warm_up() is None
    assert run_process._WARM_THREAD is None and fresh_warm_up == []
    run_process.release_warm_up()
    thread = run_process._WARM_THREAD
    assert isinstance(thread, threading.Thread)
    thread.join(30)
    assert fresh_warm_up == [1]
    assert run_process.warm_up() is thread  # idempotent
    assert fresh_warm_up == [1]


def test_a_release_with_no_warm_up_asked_starts_nothing(fresh_warm_up):
    run_process.hold_warm_up()
    run_process.release_warm_up()
    assert run_process._WARM_THREAD is None and fresh_warm_up == []


def test_after_first_paint_waits_for_the_window_to_be_painted(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    calls: list[str] = []
    after_first_paint(QApplication.instance(), window, lambda: calls.append("painted"))
    qtbot.wait(50)  # the event loop runs: not shown, not painted, not called
    assert calls == []
    window.resize(200, 100)
    window.show()
    qtbot.waitUntil(lambda: calls == ["painted"], timeout=60_000)
    window.update()
    qtbot.wait(50)
    assert calls == ["painted"]  # once


def test_the_editor_builds_its_panels_when_first_shown_or_used(qtbot):
    from mission_desktop.gui.edit.document import ScenarioDocument
    from mission_desktop.gui.edit.panel import EditorPanel, ServicesPanel

    document = ScenarioDocument(make_scenario(services=2))
    editor = EditorPanel(document)
    qtbot.addWidget(editor)
    assert editor.count() == 0  # hidden: nothing built
    document.reset(make_scenario(services=3))  # a scenario opened meanwhile
    assert editor.count() == 0
    assert isinstance(editor.services, ServicesPanel)  # first use builds every panel
    from mission_desktop.gui.edit.panel import PANELS

    assert editor.count() == len(PANELS) and editor.widget(0) is editor.services
    assert editor.services.model.rowCount() == 3  # showing the scenario as it is now
    shown = EditorPanel(ScenarioDocument(make_scenario(services=2)))
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    assert shown.count() == len(PANELS)
    assert [shown.tabText(i) for i in range(5)][0] == "Servi&ces"


@pytest.mark.parametrize("module, name", [("pandas", "DataFrame"), ("numpy", "ndarray")])
def test_the_library_imports_sqlite_utils_without_pandas_or_numpy_and_they_still_import(
    module, name
):
    import importlib.util

    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed: nothing to keep out")
    probe = textwrap.dedent(
        f"""
        import json, sys
        import mission_desktop.store
        without = "{module}" not in sys.modules and "sqlite_utils" in sys.modules
        import {module}
        print(json.dumps({{"without": without, "after": hasattr({module}, "{name}")}}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"without": True, "after": True}
