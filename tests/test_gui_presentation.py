"""Presentation mode (F11) and the presentation zoom reaching every view, the map included."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mission_desktop.gui.window.main_window import MainWindow  # noqa: E402
from mission_desktop.gui.window.presentation import PRESENTATION_ZOOM  # noqa: E402
from mission_desktop.store import Library  # noqa: E402

HOSPITAL = Path(__file__).resolve().parents[1] / "scenarios" / "hospital_discharge.mission.json"


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("MISSION_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    library = Library()
    base_font = QApplication.font()
    win = MainWindow(library)
    qtbot.addWidget(win)
    win.open_file(HOSPITAL)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.run_view.shutdown()
    QApplication.setFont(base_font)
    library.close()


def node_text_height(view) -> float:
    """How tall a service node (and so its text) is drawn on screen, in pixels."""
    node = next(iter(view.nodes.values()))
    return view.mapFromScene(node.sceneBoundingRect()).boundingRect().height()


def test_presentation_mode_shows_only_the_live_view_and_gives_everything_back(window, qtbot):
    window.tabs.setCurrentIndex(1)
    assert window.zoom_percent == 100
    window.presentation_action.trigger()  # F11
    assert window.leave_presentation_action.shortcut().toString() == "Esc"
    assert window.presenting and window.isFullScreen()
    assert window.tabs.currentWidget() is window.run_view
    assert window.run_view.tabs.currentIndex() == 0  # Live, not Results
    for hidden in (
        window.splitter.widget(0),  # the library
        window.menuBar(),
        window.toolbar,
        window.statusBar(),
        window.tabs.tabBar(),
        window.run_view.controls_panel,
        window.run_view.tabs.tabBar(),
        window.run_view.plots,  # one slide at a time: the map first
    ):
        assert not hidden.isVisible()
    assert window.run_view.slide == "map"
    assert window.run_view.service_map.isVisible()
    bar = window.run_view.presentation_bar
    assert bar.isVisible()
    assert bar.textFormat() == Qt.TextFormat.PlainText
    assert window.scenario.name in bar.text() and "Esc" in bar.text()
    assert window.zoom_percent == PRESENTATION_ZOOM
    # the run keys still work from presentation mode
    assert window.run_view.run_action.isEnabled()

    # Page Down / Page Up (a presenter's clicker): the plots, the results, round again
    window.next_slide_action.trigger()
    assert window.run_view.slide == "plots"
    assert window.run_view.plots.isVisible() and not window.run_view.service_map.isVisible()
    assert "plots" in bar.text()
    window.next_slide_action.trigger()
    assert window.run_view.slide == "results"
    assert window.run_view.tabs.currentWidget() is window.run_view.kpi
    window.next_slide_action.trigger()
    assert window.run_view.slide == "map"
    window.previous_slide_action.trigger()
    assert window.run_view.slide == "results"

    window.leave_presentation_action.trigger()  # Esc
    assert not window.presenting and not window.isFullScreen()
    assert window.tabs.currentIndex() == 1
    assert window.zoom_percent == 100
    for shown in (window.splitter.widget(0), window.menuBar(), window.toolbar):
        assert shown.isVisible()
    assert not bar.isVisible()
    window.tabs.setCurrentWidget(window.run_view)
    assert window.run_view.service_map.isVisible() and window.run_view.plots.isVisible()
    assert window.run_view.controls_panel.isVisible()
    assert window.run_view.slide is None
    for action in (
        window.leave_presentation_action,
        window.next_slide_action,
        window.previous_slide_action,
    ):
        # Esc and Page Down belong to the fields again
        assert not action.isEnabled() and action.shortcut().isEmpty()


def test_presentation_mode_keeps_a_larger_zoom_the_room_already_chose(window):
    window.set_zoom(200, persist=False)
    window.set_presentation(True)
    assert window.zoom_percent == 200
    window.set_presentation(False)
    assert window.zoom_percent == 200


def test_the_presentation_zoom_enlarges_the_maps_text_and_ctrl_0_resets_it(window, qtbot):
    for view in (window.service_map, window.run_view.service_map):
        view.fit_map()
    main_before = node_text_height(window.service_map)
    window.set_zoom(175, persist=False)
    for view in (window.service_map, window.run_view.service_map):
        assert view.text_scale == pytest.approx(round(13 * 1.75) / 13)
    assert node_text_height(window.service_map) > 1.1 * main_before
    # nodes grew, yet none overlaps another: the map spread out to make room
    nodes = list(window.service_map.nodes.values())
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            assert not a.sceneBoundingRect().intersects(b.sceneBoundingRect()), (a, b)
    window.zoom_reset_action.trigger()  # Ctrl+0
    for view in (window.service_map, window.run_view.service_map):
        assert view.text_scale == 1.0
    assert node_text_height(window.service_map) == pytest.approx(main_before, rel=0.02)


def test_a_map_layout_saved_while_zoomed_is_the_same_layout(window):
    before = window.service_map.layout()
    window.set_zoom(200, persist=False)
    after = window.service_map.layout()
    assert after.keys() == before.keys()
    for sid, xy in before.items():
        assert after[sid] == pytest.approx(xy, abs=0.2), sid


def test_ctrl_0_resets_the_results_tiles_too(window):
    kpi = window.run_view.kpi
    window.set_zoom(150, persist=False)
    assert kpi._font_pt == round(13 * 1.5)
    window.zoom_reset()
    assert kpi._font_pt == 13
