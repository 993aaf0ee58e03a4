"""The main window: opening files, the library, undo, autosave recovery, zoom, accessibility."""

from __future__ import annotations

import json
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from conftest import example_scenario  # noqa: E402
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl, Signal  # noqa: E402
from PySide6.QtGui import QAction, QDropEvent, QFont, QKeySequence  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QSpinBox,
    QTabBar,
    QWidget,
)

from mission_desktop.gui.app import create_main_window  # noqa: E402
from mission_desktop.gui.window.dialogs import ProblemsDialog  # noqa: E402
from mission_desktop.gui.window.main_window import MainWindow  # noqa: E402
from mission_desktop.model import scenario_from_dict  # noqa: E402
from mission_desktop.store import Library  # noqa: E402


# --------------------------------------------------------------------------- fixtures
class FakeRunView(QWidget):
    """Stands in for gui.run_view.RunView (its own tests cover it): the same small API."""

    run_started = Signal()
    run_finished = Signal(object)
    snapshot_received = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scenarios: list[Any] = []
        #: every result set shown, in order; ``results`` is the one on screen (or None)
        self.shown: list[dict] = []
        self.results: dict | None = None
        self.run_action = QAction("&Run", self)
        self.run_action.setShortcut("F5")
        self.pause_action = QAction("&Pause", self)
        self.stop_action = QAction("S&top", self)

    def set_scenario(self, scenario):
        self.scenarios.append(scenario)
        self.results = None  # as the real one: another scenario's results are not shown

    def show_results(self, results):
        self.shown.append(results)
        self.results = results

    def finish(self, results):
        """A run ending: its results shown, then run_finished (as the real one does)."""
        self.show_results(results)
        self.run_finished.emit(results)

    def shutdown(self):
        self.shutdowns = getattr(self, "shutdowns", 0) + 1


@pytest.fixture(autouse=True)
def _fake_run_view(monkeypatch):
    """Main-window tests use a light stand-in for the run view (its own tests cover it);
    the tests that need the real one ask for ``real_run_view``."""
    import mission_desktop.gui.window.main_window as mw

    monkeypatch.setattr(mw, "RunView", FakeRunView)


@pytest.fixture
def real_run_view(monkeypatch):
    import mission_desktop.gui.window.main_window as mw
    from mission_desktop.gui.run.view import RunView

    monkeypatch.setattr(mw, "RunView", RunView)
    return RunView


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("MISSION_DESKTOP_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def library(data_dir: Path):
    lib = Library()
    yield lib
    lib.close()


class Prompts:
    """Records every question the window asks and answers with preset replies."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, Any]] = []
        self.duplicate = "cancel"
        self.save_changes = "cancel"
        self.recover = True
        self.text: str | None = None
        self.confirm = True
        self.errors: list[tuple[str, str]] = []

    def install(self, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
        def record(name, value):
            def ask(*args, **kwargs):
                self.asked.append((name, args))
                return value()

            return ask

        monkeypatch.setattr(
            window, "ask_duplicate_choice", record("duplicate", lambda: self.duplicate)
        )
        monkeypatch.setattr(
            window, "ask_save_changes", record("save_changes", lambda: self.save_changes)
        )
        monkeypatch.setattr(window, "ask_recover_draft", record("recover", lambda: self.recover))
        monkeypatch.setattr(window, "ask_text", record("text", lambda: self.text))
        monkeypatch.setattr(window, "ask_confirm", record("confirm", lambda: self.confirm))
        monkeypatch.setattr(
            window, "show_error", lambda title, text: self.errors.append((title, text))
        )

    def names(self) -> list[str]:
        return [n for n, _ in self.asked]


@pytest.fixture
def prompts(monkeypatch: pytest.MonkeyPatch) -> Prompts:
    # A safety net: no real dialog may ever block a test.
    monkeypatch.setattr(ProblemsDialog, "exec", lambda self: 0)
    return Prompts()


@pytest.fixture
def make_window(qtbot, library, prompts, monkeypatch):
    made: list[MainWindow] = []

    def make(lib: Library | None = None) -> MainWindow:
        window = MainWindow(lib or library)
        prompts.install(window, monkeypatch)
        qtbot.addWidget(window)
        made.append(window)
        return window

    yield make
    for w in made:
        w.autosave_timer.stop()
        w.undo_stack.setClean()  # closing must not ask in teardown


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "example.mission.json"
    path.write_text(json.dumps(example_scenario()), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _restore_app_font(qapp):
    font = QFont(QApplication.font())
    yield
    QApplication.setFont(font)


def capacity(window: MainWindow, service_id: str) -> int | None:
    return window.scenario.service(service_id).capacity


# --------------------------------------------------------------------------- opening
def test_open_file_adds_it_to_the_library_and_shows_it(window, scenario_file, library):
    sid = window.open_file(scenario_file)
    assert sid is not None
    assert window.scenario_id == sid
    assert window.scenario.name == example_scenario()["name"]
    assert [r.name for r in library.list_scenarios()] == [example_scenario()["name"]]
    assert window.windowTitle() == f"Mission Desktop — {example_scenario()['name']}"
    assert window.recent_files() == [str(scenario_file.resolve())]
    assert window.library_model.rowCount() == 1
    assert window.editor.services.model.rowCount() == len(example_scenario()["services"])


def test_create_main_window_opens_the_file_or_the_startup_scenario(
    qtbot, library, scenario_file, prompts, monkeypatch
):
    window = create_main_window(library, scenario_file)
    qtbot.addWidget(window)
    assert window.scenario.name == example_scenario()["name"]
    again = create_main_window(library)  # no file: the scenario last opened
    qtbot.addWidget(again)
    assert again.scenario_id == window.scenario_id


def test_first_start_opens_the_hospital_discharge_example(qtbot, library, prompts):
    from mission_desktop.gui.app import SCENARIOS_DIR
    from mission_desktop.store import ensure_examples

    if not (SCENARIOS_DIR / "hospital_discharge.mission.json").exists():
        pytest.skip("bundled example not present")
    ensure_examples(library, SCENARIOS_DIR)
    window = create_main_window(library)
    qtbot.addWidget(window)
    assert window.scenario.name == "Hospital discharge and social care"
    assert window.scenario_id is not None


def test_bad_file_lists_every_problem_with_its_place_and_changes_nothing(
    window, tmp_path, library, monkeypatch
):
    window.open_file(_write(tmp_path / "ok.mission.json", example_scenario()))
    before = [(r.id, r.name, r.revision_number) for r in library.list_scenarios()]
    doc = example_scenario()
    doc["name"] = "Hostile"
    doc["services"][1]["capacity"] = 0
    doc["services"][0]["routes"][0]["to"] = "nowhere"
    doc["run"]["replications"] = "lots"
    shown: list[ProblemsDialog] = []
    behind: list[bool] = []  # was the window up behind the dialog?
    monkeypatch.setattr(
        ProblemsDialog,
        "exec",
        lambda self: shown.append(self) or behind.append(self.parent().isVisible()) or 0,
    )
    window.hide()  # as at start, a bad file given on the command line

    assert window.open_file(_write(tmp_path / "bad.mission.json", doc)) is None

    assert behind == [True]  # the window first, then its problems over it
    assert len(shown) == 1
    dialog = shown[0]
    places = {p.path for p in dialog.problems}
    assert "services[1].capacity" in places
    assert "run.replications" in places
    assert dialog.table.rowCount() == len(dialog.problems) >= 2
    cells = {dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    name = doc["services"][1]["name"]
    assert f"services[1] “{name}”, capacity" in cells  # the place names the service
    assert "bad.mission.json" in dialog.intro.text()
    assert "Nothing in your library has changed" in dialog.intro.text()
    assert [(r.id, r.name, r.revision_number) for r in library.list_scenarios()] == before


def test_hostile_non_json_file_gets_the_dialog_too(window, tmp_path, library, monkeypatch):
    shown: list[ProblemsDialog] = []
    monkeypatch.setattr(ProblemsDialog, "exec", lambda self: shown.append(self) or 0)
    bad = tmp_path / "evil.mission.json"
    bad.write_bytes(b"[" * 5000)
    assert window.open_file(bad) is None
    assert shown and shown[0].problems[0].path == "(file)"
    assert library.list_scenarios() == []


@pytest.mark.parametrize("choice", ["cancel", "keep_both", "replace"])
def test_duplicate_name_asks_and_never_silently_overwrites(
    window, prompts, scenario_file, tmp_path, library, choice
):
    first = window.open_file(scenario_file)
    changed = example_scenario()
    changed["services"][1]["capacity"] = 99
    other = _write(tmp_path / "other.mission.json", changed)
    prompts.duplicate = choice

    result = window.open_file(other)

    assert prompts.names().count("duplicate") == 1
    records = library.list_scenarios()
    name = example_scenario()["name"]
    if choice == "cancel":
        assert result is None
        assert len(records) == 1
        assert library.current_scenario(first).service("hospital").capacity == 40
    elif choice == "keep_both":
        assert len(records) == 2
        assert sorted(r.name for r in records) == sorted([name, f"{name} (2)"])
        assert library.current_scenario(first).service("hospital").capacity == 40
        assert window.scenario.name == f"{name} (2)"
    else:
        assert result == first
        assert len(records) == 1
        assert library.current_scenario(first).service("hospital").capacity == 99
        assert len(library.revisions(first)) == 2  # the old one is kept in history
        assert capacity(window, "hospital") == 99


def test_drop_a_file_on_the_window_opens_it(window, scenario_file, qtbot):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(scenario_file))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.scenario_id is not None, timeout=30_000)
    assert window.scenario.name == example_scenario()["name"]


# --------------------------------------------------------------------------- edits, title, save
def test_title_marks_unsaved_edits_and_save_clears_it(window, scenario_file, library):
    sid = window.open_file(scenario_file)
    name = example_scenario()["name"]
    model = window.editor.services.model
    assert model.setData(model.index(1, model.column_index("capacity")), 41)
    assert window.windowTitle() == f"Mission Desktop — {name} *"
    assert window.is_modified()
    window.save_action.trigger()
    assert window.windowTitle() == f"Mission Desktop — {name}"
    assert library.current_scenario(sid).service("hospital").capacity == 41
    assert len(library.revisions(sid)) == 2


def test_undo_redo_through_the_edit_menu_actions(window, scenario_file):
    window.open_file(scenario_file)
    model = window.editor.services.model
    model.setData(model.index(1, model.column_index("capacity")), 41)
    window.undo_action.trigger()
    assert capacity(window, "hospital") == 40
    assert not window.is_modified()
    window.redo_action.trigger()
    assert capacity(window, "hospital") == 41
    shortcuts = {s.toString() for s in window.redo_action.shortcuts()}
    assert {"Ctrl+Shift+Z", "Ctrl+Y"} <= shortcuts
    assert "Ctrl+Z" in {s.toString() for s in window.undo_action.shortcuts()}


def test_save_as_makes_a_new_library_entry(window, scenario_file, library, prompts):
    first = window.open_file(scenario_file)
    prompts.text = "My copy"
    assert window.save_as()
    assert window.scenario_id != first
    assert window.scenario.name == "My copy"
    assert sorted(r.name for r in library.list_scenarios()) == sorted(
        [example_scenario()["name"], "My copy"]
    )


def test_closing_with_unsaved_edits_asks(window, scenario_file, prompts, library):
    sid = window.open_file(scenario_file)
    model = window.editor.services.model
    model.setData(model.index(1, model.column_index("capacity")), 41)
    prompts.save_changes = "cancel"
    assert not window.close()
    assert "save_changes" in prompts.names()
    prompts.save_changes = "save"
    assert window.close()
    assert library.current_scenario(sid).service("hospital").capacity == 41


def test_new_scenario_and_library_rename_delete_history(window, library, prompts, scenario_file):
    sid = window.open_file(scenario_file)
    assert window.new_scenario()
    new_id = window.scenario_id
    assert new_id != sid and window.scenario.name == "Untitled scenario"
    assert window.rename_scenario(new_id, "Renamed")
    assert window.scenario.name == "Renamed"
    assert "Renamed" in window.windowTitle()
    # history: restore revision 1 (the original name)
    first_rev = library.revisions(new_id)[0].id
    assert window.restore_revision(new_id, first_rev)
    assert window.scenario.name == "Untitled scenario"
    assert window.delete_scenario(new_id)
    assert new_id not in {r.id for r in library.list_scenarios()}
    assert window.scenario_id == sid  # another scenario is shown


def test_library_filter(window, scenario_file, tmp_path):
    window.open_file(scenario_file)
    doc = example_scenario()
    doc["name"] = "Benefits helpline"
    window.open_file(_write(tmp_path / "b.mission.json", doc))
    assert window.library_proxy.rowCount() == 2
    window.library_filter.setText("helpline")
    assert window.library_proxy.rowCount() == 1


# --------------------------------------------------------------------------- autosave
def test_autosave_draft_is_offered_after_a_crash(
    make_window, scenario_file, library, prompts, qtbot
):
    window = make_window()
    sid = window.open_file(scenario_file)
    window.autosave_timer.setInterval(50)
    model = window.editor.services.model
    model.setData(model.index(1, model.column_index("capacity")), 77)
    qtbot.waitUntil(lambda: library.draft(sid) is not None, timeout=30_000)
    assert library.current_scenario(sid).service("hospital").capacity == 40  # not saved
    # "crash": the window never closes; a new window opens the same library
    prompts.recover = True
    again = make_window()
    assert again.open_scenario(sid)
    assert "recover" in prompts.names()
    assert capacity(again, "hospital") == 77
    assert again.is_modified()
    assert again.windowTitle().endswith(" *")
    again.undo_stack.undo()  # the recovery is one undoable step back to the saved revision
    assert capacity(again, "hospital") == 40


def test_declining_recovery_discards_the_draft(make_window, scenario_file, library, prompts):
    window = make_window()
    sid = window.open_file(scenario_file)
    model = window.editor.services.model
    model.setData(model.index(1, model.column_index("capacity")), 77)
    window.autosave_now()
    assert library.draft(sid) is not None
    prompts.recover = False
    again = make_window()
    again.open_scenario(sid)
    assert capacity(again, "hospital") == 40
    assert not again.is_modified()
    assert library.draft(sid) is None


# --------------------------------------------------------------------------- zoom
def test_presentation_zoom_scales_the_application_font(window):
    base = QApplication.font().pointSizeF()
    window.zoom_in_action.trigger()
    assert window.zoom_percent == 110
    assert QApplication.font().pointSizeF() == pytest.approx(base * 1.10)
    for _ in range(10):
        window.zoom_in()
    assert window.zoom_percent == 200
    assert QApplication.font().pointSizeF() == pytest.approx(base * 2)
    window.zoom_out_action.trigger()
    assert window.zoom_percent == 175
    window.zoom_reset_action.trigger()
    assert window.zoom_percent == 100
    assert QApplication.font().pointSizeF() == pytest.approx(base)
    keys = {s.toString() for s in window.zoom_in_action.shortcuts()}
    assert "Ctrl++" in keys
    assert window.zoom_out_action.shortcut().toString() == "Ctrl+-"
    assert window.zoom_reset_action.shortcut().toString() == "Ctrl+0"


# --------------------------------------------------------------------------- accessibility
def _is_internal(widget) -> bool:
    """Parts Qt builds inside a control (a spin box's line edit, a tab bar's scroll arrows):
    screen readers announce the control that owns them."""
    parent = widget.parentWidget()
    return widget.objectName().startswith("qt_") or isinstance(
        parent, QAbstractSpinBox | QComboBox | QTabBar
    )


def test_every_control_has_an_accessible_name(window, scenario_file):
    window.open_file(scenario_file)
    window.show()
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
    missing = []
    for cls in (QAbstractButton, QLineEdit, QSpinBox, QAbstractSpinBox, QComboBox):
        for w in window.findChildren(cls):
            if _is_internal(w):
                continue
            if not w.accessibleName().strip():
                where = type(w.parentWidget()).__name__
                missing.append(f"{type(w).__name__} {w.objectName()!r} in {where}")
    assert not missing, missing


def test_every_action_has_a_shortcut_or_mnemonic(window):
    bare = []
    for menu_action in window.menuBar().actions():
        assert "&" in menu_action.text()
        for action in menu_action.menu().actions():
            if action.isSeparator() or action.menu() is not None or not action.isEnabled():
                continue
            if action.shortcut().isEmpty() and "&" not in action.text():
                bare.append(action.text())
    assert not bare, bare


# --------------------------------------------------------------------------- helpers
def _write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_blank_scenario_is_valid():
    from mission_desktop.model import scenario_to_dict
    from mission_desktop.model.blank import blank_scenario

    s = blank_scenario("X")
    assert scenario_from_dict(scenario_to_dict(s)) == s


def test_last_results_are_shown_and_exported_as_csv(window, scenario_file, library, tmp_path):
    sid = window.open_file(scenario_file)
    results = {
        "format": "mission-desktop/results",
        "version": 1,
        "variants": {
            "baseline": {
                "services": {"gp": {"mean_wait": {"mean": 1.5, "ci95": [1.0, 2.0]}}},
                "cohorts": {},
                "cost": {"total": {"mean": 10.0, "ci95": [9.0, 11.0]}},
            }
        },
    }
    assert not window.export_csv_action.isEnabled()
    window.run_view.finish(results)
    assert window.export_csv_action.isEnabled()
    out = tmp_path / "results.csv"
    assert window.export_results_csv(out)
    text = out.read_text(encoding="utf-8")
    assert "mean_wait" in text and "gp" in text
    # reopening shows the library's last run without re-running
    library.record_run(sid, None, {"replications": 1}, results)
    again_window = MainWindow(library)
    again_window.open_scenario(sid)
    assert again_window.run_view.shown[-1] == results
    again_window.undo_stack.setClean()
    again_window.close()


def test_run_actions_are_in_the_run_menu_and_toolbar(window):
    texts = [a.text() for a in window.run_menu.actions()]
    assert texts == ["&Run", "&Pause", "S&top"]
    assert window.run_view.run_action in window.toolbar.actions()


def test_a_finished_run_is_kept_in_the_library(window, scenario_file, library):
    sid = window.open_file(scenario_file)
    results = {"format": "mission-desktop/results", "version": 1, "variants": {}}
    window.run_view.run_finished.emit(results)
    run = library.last_run(sid)
    assert run is not None and run.results == results
    assert run.settings["seed"] == 12345


def test_the_real_run_view_is_embedded(qtbot, library, scenario_file, prompts, real_run_view):
    window = MainWindow(library)
    qtbot.addWidget(window)
    assert isinstance(window.run_view, real_run_view)
    window.open_file(scenario_file)
    assert window.run_view.run_action in window.run_menu.actions()
    window.set_zoom(150)
    window.set_zoom(100)
    window.undo_stack.setClean()


# --------------------------------------------------------------------------- the same file again
def test_opening_an_identical_file_opens_the_library_copy_without_asking(
    window, prompts, scenario_file, tmp_path, library
):
    first = window.open_file(scenario_file)
    assert window.new_scenario()  # now looking at another scenario
    copy = _write(tmp_path / "copy from an email.mission.json", example_scenario())

    assert window.open_file(copy) == first

    assert "duplicate" not in prompts.names()
    assert window.scenario_id == first
    assert len(library.revisions(first)) == 1  # nothing added, nothing replaced
    assert sorted(r.name for r in library.list_scenarios()) == sorted(
        [example_scenario()["name"], "Untitled scenario"]
    )
    from mission_desktop.gui.files.exchange import ALREADY_IN_LIBRARY

    assert window.statusBar().currentMessage() == ALREADY_IN_LIBRARY
    assert window.recent_files()[0] == str(copy.resolve())


def test_identical_file_while_it_is_open_keeps_the_undo_history(window, prompts, scenario_file):
    window.open_file(scenario_file)
    assert window.open_file(scenario_file) == window.scenario_id
    assert prompts.names() == []


# --------------------------------------------------------------------------- closing
def test_closing_shuts_the_run_view_down(window, scenario_file, prompts):
    window.open_file(scenario_file)
    model = window.editor.services.model
    model.setData(model.index(1, model.column_index("capacity")), 41)
    prompts.save_changes = "cancel"
    assert not window.close()
    assert getattr(window.run_view, "shutdowns", 0) == 0  # still open: the run goes on
    prompts.save_changes = "discard"
    assert window.close()
    assert window.run_view.shutdowns == 1


def test_closing_works_without_a_shutdown_method(window, monkeypatch):
    monkeypatch.setattr(FakeRunView, "shutdown", None)
    assert window.close()


# --------------------------------------------------------------------------- help
def test_shortcuts_dialog_lists_every_shortcut(window, monkeypatch):
    from mission_desktop.gui.window.dialogs import ShortcutsDialog

    shown = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: shown.append(self) or 0)
    window.shortcuts_action.trigger()
    dialog = shown[0]
    table = {
        (dialog.table.item(r, 1).text(), dialog.table.item(r, 0).text())
        for r in range(dialog.table.rowCount())
    }
    keys = {k for _what, k in table}
    assert ("Run", "F5") in table
    for expected in ("Ctrl+S", "Ctrl+Z", "Ctrl+Shift+Z or Ctrl+Y", "Ctrl+0", "Ctrl+1", "F2"):
        assert expected in keys, expected
    assert any(k.startswith("Ctrl++") for k in keys)
    assert "Ctrl+-" in keys or "Ctrl+−" in keys
    assert dialog.table.accessibleName() and dialog.table.accessibleDescription()
    # every action that has a shortcut is listed
    listed = {w for w, _k in table}
    for action in (window.save_action, window.zoom_in_action, window.show_run_action):
        assert action.text().replace("&", "").rstrip("…").strip() in listed
    assert window.shortcuts_action in window.help_menu.actions()


def test_about_shows_version_licence_and_data_folder(window, monkeypatch, library):
    from mission_desktop import __version__
    from mission_desktop.gui.window.dialogs import AboutDialog

    shown = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    window.about_action.trigger()
    text = shown[0].text
    assert __version__ in text
    assert "Licence" in text
    assert str(library.path.parent) in text


# --------------------------------------------------------------------------- zoom is kept
def test_presentation_zoom_is_in_the_view_menu_and_kept_for_next_time(make_window, library):
    window = make_window()
    assert window.zoom_menu.menuAction() in window.menuBar().actions()[-2].menu().actions()
    window.zoom_level_actions[150].trigger()
    assert window.zoom_percent == 150
    assert window.zoom_level_actions[150].isChecked()
    assert not window.zoom_level_actions[100].isChecked()
    # the new size reaches the widgets themselves, not only the application's font
    base = window._base_font.pointSizeF()
    assert window.library_list.font().pointSizeF() == pytest.approx(base * 1.5)
    assert window.editor.services.table.view.font().pointSizeF() == pytest.approx(base * 1.5)
    QApplication.setFont(window._base_font)
    again = make_window()
    assert again.zoom_percent == 150
    assert again.zoom_level_actions[150].isChecked()
    again.zoom_reset_action.trigger()
    assert library.get_setting("gui.zoom_percent") == 100


# --------------------------------------------------------------------------- library list
def test_library_list_fits_long_names_without_a_horizontal_scroll_bar(window, tmp_path):
    from mission_desktop.gui.library.delegate import DETAIL_ROLE
    from mission_desktop.gui.window.main_window import LIBRARY_WIDTH

    doc = example_scenario()
    doc["name"] = "Homelessness prevention across housing, benefits and health in the region"
    window.open_file(_write(tmp_path / "long.mission.json", doc))
    window.resize(1280, 820)
    window.show()
    assert window.library_list.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert window.splitter.sizes()[0] >= LIBRARY_WIDTH - 20
    idx = window.library_proxy.index(0, 0)
    assert idx.data(Qt.ItemDataRole.ToolTipRole).startswith(doc["name"])  # the full name
    assert "Revision 1, saved" in idx.data(Qt.ItemDataRole.ToolTipRole)
    assert idx.data(DETAIL_ROLE).startswith("Open now · rev. 1")
    assert "open now" in idx.data(Qt.ItemDataRole.AccessibleTextRole)
    # two lines for the name and one for the detail: taller than one line of text
    hint = window.library_list.sizeHintForIndex(idx)
    line = window.library_list.fontMetrics().height()
    assert hint.height() >= 3 * line
    assert hint.width() <= window.library_list.viewport().width()


def test_wrap_lines_breaks_at_spaces_and_elides_the_last_line(qapp):
    from PySide6.QtGui import QFontMetrics

    from mission_desktop.gui.library.delegate import wrap_lines

    metrics = QFontMetrics(QApplication.font())
    width = metrics.horizontalAdvance("Homelessness prevention")
    lines = wrap_lines(
        "Homelessness prevention across housing, benefits and health", metrics, width
    )
    assert len(lines) == 2
    assert lines[0] == "Homelessness prevention"
    assert lines[1].endswith("…")
    assert wrap_lines("Short", metrics, width) == ["Short"]


# --------------------------------------------------------------------------- recent files
def test_recent_files_show_full_paths_and_open(window, scenario_file, tmp_path, prompts):
    window.open_file(scenario_file)
    other = example_scenario()
    other["name"] = "Another"
    second = _write(tmp_path / "another.mission.json", other)
    window.open_file(second)
    window._fill_recent_menu()
    assert window.recent_menu.toolTipsVisible()
    actions = [a for a in window.recent_menu.actions() if a.data()]
    assert [a.toolTip() for a in actions] == [str(second.resolve()), str(scenario_file.resolve())]
    assert actions[0].text() == "&1 another.mission.json"
    actions[1].trigger()  # open the first file again: identical, so no question
    assert window.scenario.name == example_scenario()["name"]
    assert "duplicate" not in prompts.names()
    assert window.recent_files()[0] == str(scenario_file.resolve())


def test_a_recent_file_that_has_gone_is_taken_off_the_list(window, scenario_file, prompts):
    window.open_file(scenario_file)
    scenario_file.unlink()
    assert window.open_recent_file(str(scenario_file.resolve())) is None
    assert prompts.errors and prompts.errors[0][0] == "File not found"
    assert window.recent_files() == []
    window._fill_recent_menu()
    assert not window.recent_menu.actions()[0].isEnabled()  # "(no recent files)"


def test_every_list_and_table_in_the_window_is_named_and_described(window, scenario_file):
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView

    window.open_file(scenario_file)
    window.editor.built_panels()  # built when first shown or used: the Edit tab's tables too

    def in_combo(w):
        while w is not None:
            if isinstance(w, QComboBox):
                return True
            w = w.parentWidget()
        return False

    bare = [
        f"{type(v).__name__} {v.accessibleName()!r}"
        for v in window.findChildren(QAbstractItemView)
        if not isinstance(v, QHeaderView)
        and not in_combo(v)
        and (not v.accessibleName().strip() or not v.accessibleDescription().strip())
    ]
    assert not bare, bare


def test_focus_is_visible(window):
    from mission_desktop.gui.shared.palette import FOCUS_COLOUR, FOCUS_STYLE, contrast_ratio

    assert ":focus" in window.styleSheet() and window.styleSheet() == FOCUS_STYLE
    assert contrast_ratio(FOCUS_COLOUR, "#FFFFFF") >= 3  # WCAG 1.4.11 for the outline
    assert contrast_ratio(FOCUS_COLOUR, "#EFEFEF") >= 3


def test_library_second_line_contrast():
    from mission_desktop.gui.library.delegate import SECONDARY_TEXT
    from mission_desktop.gui.shared.palette import MIN_TEXT_CONTRAST, contrast_ratio

    for background in ("#FFFFFF", "#F7F7F7", "#EFEFEF"):
        assert contrast_ratio(SECONDARY_TEXT, background) >= MIN_TEXT_CONTRAST


# --------------------------------------------------------------------------- the keyboard
# Real key presses on the focused widget of a shown, active window: what a user does. (An
# action's trigger() would pass even when Qt cannot decide which shortcut a key means.)
@pytest.fixture
def live_window(real_run_view, make_window, qtbot, scenario_file) -> MainWindow:
    """The main window with the real run view, showing the example, shown and active."""
    window = make_window()
    window.open_file(scenario_file)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=30_000)
    yield window
    window.run_view.shutdown()


def press(qtbot, window: MainWindow, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier):
    """Press (and release) a key on whatever has the keyboard focus in ``window``."""
    focused = QApplication.focusWidget()
    assert focused is not None and focused.window() is window, focused
    qtbot.keyClick(focused, key, modifiers)


def focus(qtbot, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=30_000)


CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def every_action(window: MainWindow) -> list[QAction]:
    """Every QAction in the window: its children and those added to any widget in it."""
    found: dict[int, QAction] = {}
    for action in window.findChildren(QAction):
        found[id(action)] = action
    for widget in [window, *window.findChildren(QWidget)]:
        for action in widget.actions():
            found[id(action)] = action
    return list(found.values())


def test_no_key_sequence_is_bound_twice(live_window):
    from mission_desktop.gui.run.view import RunView

    assert isinstance(live_window.run_view, RunView)
    actions = every_action(live_window)
    assert live_window.run_view.stop_action in actions and live_window.undo_action in actions
    owners: dict[str, list[str]] = {}
    repeated = []
    for action in actions:
        keys = [
            k.toString(QKeySequence.SequenceFormat.PortableText)
            for k in action.shortcuts()
            if not k.isEmpty()
        ]
        name = action.text().replace("&", "") or action.toolTip()
        if len(keys) != len(set(keys)):
            repeated.append((name, keys))
        for k in set(keys):
            owners.setdefault(k, []).append(name)
    assert not repeated, f"an action lists the same keys twice: {repeated}"
    twice = {k: names for k, names in owners.items() if len(names) > 1}
    assert not twice, f"keys bound to more than one action: {twice}"
    # nor is one sequence the start of another (Qt would wait for the rest)
    sequences = [QKeySequence(k) for k in owners]
    for a in sequences:
        for b in sequences:
            if a is not b:
                assert b.matches(a) != QKeySequence.SequenceMatch.PartialMatch, (a, b)


@pytest.mark.parametrize("where", ["editor", "library"])
def test_ctrl_z_undoes_and_ctrl_shift_z_or_ctrl_y_redoes(live_window, qtbot, qtlog, where):
    window = live_window
    name = example_scenario()["name"]
    if where == "editor":
        window.tabs.setCurrentWidget(window.editor)
        focus(qtbot, window.editor.services.table)
    else:
        focus(qtbot, window.library_list)
    model = window.editor.services.model
    assert model.setData(model.index(1, model.column_index("capacity")), 41)
    assert window.windowTitle() == f"Mission Desktop — {name} *"

    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert capacity(window, "hospital") == 40
    assert window.windowTitle() == f"Mission Desktop — {name}"
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert capacity(window, "hospital") == 41
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert capacity(window, "hospital") == 40
    press(qtbot, window, Qt.Key.Key_Y, CTRL)
    assert capacity(window, "hospital") == 41
    assert window.windowTitle() == f"Mission Desktop — {name} *"
    assert not [r for r in qtlog.records if "Ambiguous shortcut" in r.message]


def _state(window: MainWindow) -> str:
    return window.run_view.controller.state


@pytest.mark.parametrize("where", ["editor", "library", "editor, toolbar hidden"])
def test_f5_f6_shift_f5_work_with_focus_in_the_editor_or_the_library(
    live_window, qtbot, qtlog, where
):
    from mission_desktop.gui.run import worker as w

    window = live_window
    window.run_view.set_pace(1.0)  # a year at a day a second: still running at the end
    if where.startswith("editor"):
        window.tabs.setCurrentWidget(window.editor)
        focus(qtbot, window.editor.services.table)
    else:
        window.tabs.setCurrentWidget(window.run_view)
        focus(qtbot, window.library_list)
    if "toolbar hidden" in where:
        window.toolbar.hide()  # the Run menu's shortcuts still work
    focused = QApplication.focusWidget()

    press(qtbot, window, Qt.Key.Key_F5)
    assert window.run_view.controller.is_running
    press(qtbot, window, Qt.Key.Key_F6)
    assert _state(window) == w.PAUSED
    press(qtbot, window, Qt.Key.Key_F6)
    assert _state(window) == w.LIVE
    press(qtbot, window, Qt.Key.Key_F5, SHIFT)
    qtbot.waitUntil(lambda: _state(window) == w.STOPPED, timeout=30_000)
    assert QApplication.focusWidget() is focused  # the keys did not move the focus
    assert not [r for r in qtlog.records if "Ambiguous shortcut" in r.message]


def test_esc_clears_the_library_search_and_never_stops_a_run(live_window, qtbot, tmp_path):
    from mission_desktop.gui.run import worker as w

    window = live_window
    doc = example_scenario()
    doc["name"] = "Benefits helpline"
    window.import_file(_write(tmp_path / "b.mission.json", doc))
    window.run_view.set_pace(1.0)
    focus(qtbot, window.library_list)
    press(qtbot, window, Qt.Key.Key_F5)
    assert _state(window) == w.LIVE

    press(qtbot, window, Qt.Key.Key_F, CTRL)  # to the search field
    assert window.library_filter.hasFocus()
    qtbot.keyClicks(window.library_filter, "helpline")
    assert window.library_proxy.rowCount() == 1
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.library_filter.text() == ""
    assert window.library_proxy.rowCount() == 2
    assert window.library_filter.hasFocus()
    assert _state(window) == w.LIVE  # Esc cancels the field, not the run
    press(qtbot, window, Qt.Key.Key_Escape)  # an empty search: Esc leaves the field
    assert window.library_list.hasFocus()
    press(qtbot, window, Qt.Key.Key_Escape)
    window.tabs.setCurrentWidget(window.editor)
    focus(qtbot, window.editor.services.table)
    press(qtbot, window, Qt.Key.Key_Escape)
    assert _state(window) == w.LIVE
    press(qtbot, window, Qt.Key.Key_F5, SHIFT)  # Shift+F5 (or the button) stops it
    qtbot.waitUntil(lambda: _state(window) == w.STOPPED, timeout=30_000)


def test_shortcuts_dialog_has_esc_for_the_search_not_for_stop(live_window, monkeypatch):
    from mission_desktop.gui.window.dialogs import ShortcutsDialog

    shown = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: shown.append(self) or 0)
    live_window.shortcuts_action.trigger()
    rows = {(what, keys) for _where, what, keys in shown[0].rows}
    assert ("Stop", "Shift+F5") in rows
    assert ("Clear the search", "Esc") in rows
    assert {what for what, keys in rows if "Esc" in keys} == {
        "Clear the search",
        "Keep or cancel an edit",
    }
    assert "Esc" not in live_window.run_view.stop_action.toolTip()


def test_the_window_title_names_the_app_once(live_window, scenario_file):
    name = example_scenario()["name"]
    assert live_window.windowTitle() == f"Mission Desktop — {name}"
    assert live_window.windowTitle().count("Mission Desktop") == 1


def test_the_app_sets_no_display_name_that_qt_would_append_to_the_title(tmp_path):
    """On Linux Qt shows "<title> — <applicationDisplayName>" when a display name is set:
    "Mission Desktop — Hospital… — Mission Desktop". The app must not set one (then the
    display name follows the application name, and nothing is appended)."""
    import subprocess
    import sys

    probe = (
        "from mission_desktop.gui.app import application\n"
        "app = application([])\n"
        "assert app.applicationName() == 'Mission Desktop'\n"
        "app.setApplicationName('probe')\n"
        "print(app.applicationDisplayName())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "probe"  # not set explicitly: Qt appends nothing
