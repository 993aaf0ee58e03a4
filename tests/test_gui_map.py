"""The service map: nodes, live queues, dragging, keyboard, PNG export."""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QImage, QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mission_desktop.gui.map.drawing import queue_pressure  # noqa: E402
from mission_desktop.gui.map.items import CohortNode  # noqa: E402
from mission_desktop.gui.map.key import MapKey  # noqa: E402
from mission_desktop.gui.map.view import ServiceMapView  # noqa: E402
from mission_desktop.model import loads_scenario  # noqa: E402
from mission_desktop.report.map_layout import auto_layout, format_probability  # noqa: E402
from mission_desktop.sim.snapshots import ServiceSnapshot, Snapshot  # noqa: E402


def scenario_json(layout=None) -> str:
    doc = {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": "Map test",
        "run": {"horizon": 50},
        "services": [
            {
                "id": "gp",
                "name": "GP practice",
                "department": "Health",
                "capacity": 4,
                "service_time": {"dist": "exponential", "mean": 0.5},
                "routes": [{"to": "hospital", "p": 0.3}, {"to": "gp", "p": 0.1}],
            },
            {
                "id": "hospital",
                "name": "Acute hospital",
                "department": "Health",
                "capacity": 2,
                "service_time": {"dist": "exponential", "mean": 1},
                "routes": [{"to": "social_care", "p": 0.5}],
            },
            {
                "id": "social_care",
                "name": "Social care",
                "department": "Adult social care",
                "capacity": None,
                "service_time": {"dist": "fixed", "value": 2},
                "routes": [{"to": "hospital", "p": 0.2}],
            },
        ],
        "cohorts": [
            {
                "id": "frail",
                "name": "Older frail",
                "arrivals": {"rate": 2},
                "entry": [{"to": "gp", "p": 0.7}, {"to": "hospital", "p": 0.3}],
            }
        ],
    }
    if layout is not None:
        doc["ui"] = {"layout": layout}
    return json.dumps(doc)


def snapshot(gp_waiting=0, hosp_waiting=0, hosp_blocked=0, variant="baseline", t=10.0):
    return Snapshot(
        variant_id=variant,
        replication=0,
        time=t,
        horizon=50.0,
        services=(
            ServiceSnapshot("gp", gp_waiting, 4, 0, 4, 0.2, 10, 5, 0, 0),
            ServiceSnapshot(
                "hospital", hosp_waiting, 2 - hosp_blocked, hosp_blocked, 2, None, 3, 1, 0, 0
            ),
            ServiceSnapshot("social_care", 0, 1, 0, None, 0.0, 1, 0, 0, 0),
        ),
        in_system=12,
        done=False,
    )


@pytest.fixture
def view(qtbot):
    v = ServiceMapView()
    qtbot.addWidget(v)
    v.resize(900, 600)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_one_node_per_service_with_automatic_layout(view):
    scenario = loads_scenario(scenario_json())
    view.set_scenario(scenario)
    assert set(view.nodes) == {"gp", "hospital", "social_care"}
    layout = view.layout()
    # entry services in the first column, then left to right by breadth-first search
    assert layout["gp"][0] == layout["hospital"][0] < layout["social_care"][0]
    assert auto_layout(scenario) == {k: [float(a), float(b)] for k, (a, b) in layout.items()}
    assert view.nodes["gp"].capacity_text() == "capacity 4"
    assert view.nodes["social_care"].capacity_text() == "unlimited capacity"
    assert view.queue_label("gp") == ""


def test_saved_layout_is_used(view):
    view.set_scenario(loads_scenario(scenario_json({"gp": [10, 20], "hospital": [400, 300]})))
    layout = view.layout()
    assert layout["gp"] == [10, 20]
    assert layout["hospital"] == [400, 300]
    assert "social_care" in layout  # not saved: placed automatically


def test_update_snapshot_shows_queue_words_and_blocked(view):
    view.set_scenario(loads_scenario(scenario_json()))
    view.set_variant("baseline")
    view.update_snapshot(snapshot(gp_waiting=3, hosp_waiting=9, hosp_blocked=1))
    assert view.queue_label("gp") == "queue 3 · light"
    assert view.queue_label("hospital") == "queue 9 · severe"
    assert view.nodes["hospital"].blocked == 1
    assert "1 blocked" in view.nodes["hospital"].describe()
    view.update_snapshot(snapshot(gp_waiting=0))
    assert view.queue_label("gp") == "queue 0 · no queue"
    # another variant's snapshot does not change the map
    view.update_snapshot(snapshot(gp_waiting=40, variant="other"))
    assert view.queue_label("gp") == "queue 0 · no queue"
    view.clear_live()
    assert view.queue_label("gp") == ""


def test_queue_pressure_words():
    assert queue_pressure(0, 4) == 0
    assert queue_pressure(1, 100) == 0.25  # any queue is at least "light"
    assert queue_pressure(8, 4) == 1.0
    assert queue_pressure(3, None) == 1.0


def _send_mouse(widget, kind, pos: QPoint, buttons):
    button = Qt.MouseButton.LeftButton
    if kind == QEvent.Type.MouseMove:
        button = Qt.MouseButton.NoButton
    event = QMouseEvent(
        kind,
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        button,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def test_drag_moves_node_and_emits_layout(qtbot, view):
    view.set_scenario(loads_scenario(scenario_json()))
    node = view.nodes["gp"]
    before = node.pos()
    start = view.mapFromScene(node.scenePos())
    end = start + QPoint(60, 40)
    vp = view.viewport()
    with qtbot.waitSignal(view.layout_changed, timeout=30_000) as blocker:
        _send_mouse(vp, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
        for i in range(1, 6):
            p = start + (end - start) * (i / 5)
            _send_mouse(vp, QEvent.Type.MouseMove, p, Qt.MouseButton.LeftButton)
        _send_mouse(vp, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
    layout = blocker.args[0]
    assert node.pos() != before
    assert layout["gp"] == [round(node.pos().x(), 1), round(node.pos().y(), 1)]
    assert set(layout) == {"gp", "hospital", "social_care"}


def test_keyboard_selects_and_moves_a_service(qtbot, view):
    view.set_scenario(loads_scenario(scenario_json()))
    view.setFocus()
    assert view.focusNextPrevChild(True)
    selected = [sid for sid, n in view.nodes.items() if n.isSelected()]
    assert len(selected) == 1
    sid = selected[0]
    x0 = view.nodes[sid].pos().x()
    with qtbot.waitSignal(view.layout_changed, timeout=30_000):
        qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.nodes[sid].pos().x() == x0 + 10
    assert view.accessibleName() == "Service map"


def test_export_png(view, tmp_path):
    view.set_scenario(loads_scenario(scenario_json()))
    view.update_snapshot(snapshot(gp_waiting=5, hosp_waiting=2, hosp_blocked=2))
    path = tmp_path / "map.png"
    assert view.export_png(str(path))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000


def test_small_probabilities_never_show_as_zero():
    assert format_probability(0.8) == "80%"
    assert format_probability(0.08) == "8%"
    assert format_probability(0.005) == "0.5%"
    assert format_probability(0.004) == "0.4%"
    assert format_probability(0.0004) == "<0.1%"
    assert format_probability(0.995) == "99.5%"
    assert format_probability(1.0) == "100%"
    assert format_probability(0.0) == "0%"
    for p in (0.0001, 0.001, 0.0049, 0.009, 0.01):
        assert format_probability(p) != "0%"


def _bundled(name: str):
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scenarios" / name
    return loads_scenario(path.read_text(encoding="utf-8"))


def test_hospital_map_names_entry_arrows_and_labels(view):
    scenario = _bundled("hospital_discharge.mission.json")
    view.set_scenario(scenario)
    # long names wrap (up to three lines) instead of being cut; the full name is in the tooltip
    for s in scenario.services:
        node = view.nodes[s.id]
        assert " ".join(node.name_lines) == s.name, node.name_lines
        assert s.name in node.toolTip()
    # every cohort has a labelled arrow (its split) to each entry service
    cohorts = [i for i in view.scene().items() if isinstance(i, CohortNode)]
    assert len(cohorts) == len(scenario.cohorts)
    for cnode in cohorts:
        assert " ".join(cnode.name_lines) == cnode.cohort.name
        arrows = [e for e in view.edges if e.source is cnode]
        assert {e.target.service_id for e in arrows} == {r.to for r in cnode.cohort.entry_routes()}
        assert all(e.label.endswith("%") for e in arrows)
        # the arrow really leaves the cohort's pill (not hidden under a node at the origin)
        for e in arrows:
            start = e._path.pointAtPercent(0)
            assert cnode.sceneBoundingRect().adjusted(-10, -10, 10, 10).contains(start)
    labels = [e.label for e in view.edges]
    assert any(label.startswith("0.5%") for label in labels)
    assert not any(label.startswith("0%") for label in labels)
    # a cohort's own routes never carry the cohort's long name on the arrow
    assert not any("Older people" in label for label in labels)
    assert any("Older people with frailty" in e.toolTip() for e in view.edges)
    assert view.label_overlaps() == []


def test_map_fits_the_view_when_set_and_resized(qtbot, view):
    view.set_scenario(_bundled("hospital_discharge.mission.json"))

    def visible():
        return view.mapToScene(view.viewport().rect()).boundingRect()

    items = view.scene().itemsBoundingRect()
    assert visible().contains(items)
    view.resize(500, 400)
    qtbot.wait(20)
    assert visible().contains(view.scene().itemsBoundingRect())
    # and fills the view: not a postage stamp in the middle
    v = visible()
    assert items.width() > 0.8 * v.width() or items.height() > 0.8 * v.height()


def test_legend_can_be_hidden_and_the_map_is_then_drawn_larger(qtbot, view, tmp_path):
    view.resize(1400, 500)  # short and wide, as above the plots in the Run tab
    view.set_scenario(_bundled("hospital_discharge.mission.json"))
    assert view.legend_shown
    with_legend = view.transform().m11()
    assert view.content_rect() == view.scene().itemsBoundingRect()
    view.show_legend(False)
    assert not view.legend_shown and not view._legend.isVisible()
    # fitted without it: the nodes, routes and cohorts only, drawn larger
    assert view.content_rect().height() < view.scene().itemsBoundingRect().height()
    assert view.transform().m11() > 1.2 * with_legend
    # still hidden after another scenario is shown
    view.set_scenario(_bundled("hospital_discharge.mission.json"))
    assert not view._legend.isVisible()
    assert view.department_colours and all(
        c.startswith("#") for c in view.department_colours.values()
    )
    # an exported map still explains itself (the legend is drawn into the PNG)
    path = tmp_path / "map.png"
    assert view.export_png(str(path), scale=1.0)
    image = QImage(str(path))
    assert image.height() >= view.scene().itemsBoundingRect().height()
    assert not view._legend.isVisible()
    view.show_legend(True)
    assert view._legend.isVisible() and view.content_rect() == view.scene().itemsBoundingRect()


def test_map_key_names_every_colour_in_words(qtbot):
    key = MapKey()
    qtbot.addWidget(key)
    key.set_departments({"Health": "#0072B2", "Social care": "#009E73"})
    assert key.text() == (
        "queue: none · light · building · heavy · severe   ▨ blocked   Health Social care"
    )
    assert "blocked servers" in key.toolTip() and "department: Health" in key.toolTip()
    assert key.accessibleName() == "Map key" and "severe" in key.accessibleDescription()
    key.resize(key.sizeHint())
    key.show()
    one_line = key.heightForWidth(key.sizeHint().width())
    assert key.heightForWidth(200) > one_line  # narrow: it wraps rather than clips
    key.set_departments({})
    assert "Health" not in key.text()


def test_presentation_zoom_keeps_the_queue_number_and_word_on_the_node(view):
    """At presentation zoom the full queue text no longer fits the node's width; the painted
    text drops "queue" rather than eliding the word (colour is never the only signal)."""
    view.set_scenario(loads_scenario(scenario_json()))
    view.set_variant("baseline")
    view.update_snapshot(snapshot(gp_waiting=3, hosp_waiting=9))
    assert view.nodes["gp"].fitted_queue_text() == "queue 3 · light"  # normal size: in full
    view.set_font_size(13 * 2.0)
    gp, hospital = view.nodes["gp"], view.nodes["hospital"]
    assert gp.queue_text() == "queue 3 · light"
    assert gp.fitted_queue_text() == "3 · light"
    assert hospital.fitted_queue_text() == "9 · severe"
    view.update_snapshot(snapshot(gp_waiting=0))
    assert view.nodes["gp"].fitted_queue_text() == "no queue"


def test_presentation_zoom_enlarges_the_maps_key_with_its_text(view):
    view.set_scenario(loads_scenario(scenario_json()))
    normal = view._legend.sceneBoundingRect()
    view.set_font_size(13 * 2.0)
    zoomed = view._legend.sceneBoundingRect()
    assert zoomed.height() == pytest.approx(2 * normal.height())
    assert zoomed.width() == pytest.approx(2 * normal.width())
    assert view.content_rect().contains(zoomed)  # the fitted map keeps the whole key
