"""Opening a file reads and checks it off the GUI thread: the window keeps running."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import threading  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

import test_gui_main as main_fixtures  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402

from mission_desktop.gui.files import exchange  # noqa: E402
from mission_desktop.gui.files.loading import load_off_thread  # noqa: E402
from mission_desktop.model import ScenarioError, load_scenario  # noqa: E402

_fake_run_view = main_fixtures._fake_run_view
_restore_app_font = main_fixtures._restore_app_font
data_dir = main_fixtures.data_dir
library = main_fixtures.library
prompts = main_fixtures.prompts
make_window = main_fixtures.make_window
window = main_fixtures.window
scenario_file = main_fixtures.scenario_file

#: timer ticks the loader waits for: it can finish only if the GUI's event loop runs
TICKS = 5
#: a safety net only (never reached when the event loop runs): a frozen GUI fails the test
#: instead of hanging it
SAFETY_SECONDS = 30


class SlowLoader:
    """Loads the real file only after the GUI thread's timer has ticked TICKS times."""

    def __init__(self) -> None:
        self.ticks = 0
        self.ticks_while_loading = 0
        self.loading = False
        self.enough = threading.Event()
        self.thread: threading.Thread | None = None
        self.library_touched_while_loading = False

    def tick(self) -> None:
        self.ticks += 1
        if self.loading:
            self.ticks_while_loading += 1
        if self.ticks_while_loading >= TICKS:
            self.enough.set()

    def __call__(self, path):
        self.thread = threading.current_thread()
        self.loading = True
        try:
            self.enough.wait(SAFETY_SECONDS)
            return load_scenario(path)
        finally:
            self.loading = False


@pytest.fixture
def slow(monkeypatch, qapp):
    loader = SlowLoader()
    monkeypatch.setattr(exchange, "load_scenario", loader)
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(loader.tick)
    timer.start()
    yield loader
    timer.stop()


def test_the_event_loop_runs_while_a_file_loads(window, scenario_file, slow, monkeypatch):
    calls: list[str] = []
    original = window.library.add_scenario

    def add(*args, **kwargs):
        calls.append(threading.current_thread().name)
        assert not slow.loading, "the library is touched only after the file is checked"
        return original(*args, **kwargs)

    monkeypatch.setattr(window.library, "add_scenario", add)
    sid = window.open_file(scenario_file)
    assert sid is not None and window.scenario_id == sid
    assert slow.ticks_while_loading >= TICKS
    assert slow.thread is not threading.main_thread()
    assert calls == [threading.main_thread().name]


def test_a_second_open_while_loading_is_refused_politely(window, scenario_file, slow):
    results: list = []
    QTimer.singleShot(0, lambda: results.append(window.import_file(scenario_file)))
    first = window.import_file(scenario_file)
    assert first is not None
    assert results == [None]  # refused while the first was loading (it ran meanwhile)


def test_a_bad_file_still_shows_its_problems(window, tmp_path, slow):
    path = tmp_path / "bad.mission.json"
    path.write_text("{not json", encoding="utf-8")
    slow.enough.set()
    assert window.open_file(path) is None
    assert window.last_problems_dialog.problems


def test_load_off_thread_hands_back_the_result_or_the_error(qapp):
    assert load_off_thread(lambda p: ("read", p.name), Path("x")) == ("read", "x")

    def fail(_path):
        raise ScenarioError([], source="x")

    with pytest.raises(ScenarioError):
        load_off_thread(fail, Path("x"))
