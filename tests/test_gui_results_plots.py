"""After a run: the plots show the mean of every replication with its 95% band, the warm-up
shaded and each policy's start marked; the tiles keep their natural height and the page ends
at its last tile; "Finished" only once the last tile is shown; slide-resolution exports."""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QFrame  # noqa: E402

from mission_desktop.gui.run.kpi_panel import KpiPanel  # noqa: E402
from mission_desktop.gui.run.plot_marks import literal_label, policy_starts  # noqa: E402
from mission_desktop.gui.run.tiles import UNCERTAIN_TEXT, is_uncertain  # noqa: E402
from mission_desktop.gui.run.view import RunView  # noqa: E402
from mission_desktop.model import loads_scenario  # noqa: E402
from mission_desktop.sim.experiment import run_experiment  # noqa: E402

HOSTILE = "<b>Extra GPs</b> & {value} {0}"
WARM_UP = 10.0
POLICY_START = 20.0


def scenario(services: int = 2, reps: int = 3, name: str = "Results plots <i>test</i>"):
    ids = ["gp", "hospital", "social_care", "housing", "benefits", "mental_health"][:services]
    svc = []
    for i, sid in enumerate(ids):
        nxt = ids[i + 1] if i + 1 < len(ids) else None
        svc.append(
            {
                "id": sid,
                "name": sid.replace("_", " ").title(),
                "department": "Health" if i < 2 else "Local authority",
                "capacity": 2 + i,
                "service_time": {"dist": "exponential", "mean": 0.5 + 0.1 * i},
                "routes": [{"to": nxt, "p": 0.5}] if nxt else [],
            }
        )
    doc = {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": name,
        "time_unit": "day",
        "run": {"horizon": 50, "warm_up": WARM_UP, "replications": reps, "seed": 11},
        "services": svc,
        "cohorts": [{"id": "people", "name": "People", "arrivals": {"rate": 4}, "entry": "gp"}],
        "policies": [
            {
                "id": "more_gps",
                "name": HOSTILE,
                "start": POLICY_START,
                "changes": [{"lever": "capacity", "service": "gp", "add": 2}],
            },
            {
                "id": "late",  # starts after the horizon: never acts, never marked
                "name": "Too late",
                "start": 80,
                "changes": [{"lever": "capacity", "service": "gp", "add": 1}],
            },
        ],
    }
    return loads_scenario(json.dumps(doc))


@pytest.fixture
def view(qtbot):
    v = RunView()
    qtbot.addWidget(v)
    v.resize(1400, 800)
    v.show()
    yield v
    v.controller.shutdown(2.0)


def _run(qtbot, view, sc):
    view.set_scenario(sc)
    view.set_pace(None)
    captions, statuses = [], []
    view.snapshot_received.connect(lambda _s: captions.append(view.plots.caption.text()))
    real = view._set_status

    def record(text: str) -> None:
        shown = len(_tiles(view.kpi)) if not view.kpi.is_building else -1
        statuses.append((text, shown))
        real(text)

    view._set_status = record
    with qtbot.waitSignal(view.run_finished, timeout=60_000) as blocker:
        view.run_action.trigger()
    qtbot.waitUntil(lambda: not view.plots.drawing, timeout=10_000)
    return blocker.args[0], captions, statuses


def test_after_a_run_the_plots_show_the_mean_with_a_band_and_the_marks(qtbot, view, tmp_path):
    sc = scenario()
    results, captions, statuses = _run(qtbot, view, sc)
    plots = view.plots
    n = sc.run.replications
    # live: replication 1, said so; after: the mean of every replication with its band
    assert captions and all(c == f"Replication 1 of {n}, live" for c in captions)
    assert plots.mode == "results"
    assert plots.caption.text() == f"Mean of {n} replications with 95% band"
    variants, services = plots.variant_ids, plots.service_ids
    assert len(variants) == 3 and len(services) == 2
    bands = [plots.band(v, s) for v in variants for s in services]
    assert all(b is not None for b in bands) and len({id(b) for b in bands}) == 6
    for v in variants:
        for s in services:
            wanted = results["series"][v]["services"][s]
            t, y = plots.curve_data(v, s)
            assert t == pytest.approx(results["series"][v]["time"])
            assert y == pytest.approx(wanted["queue"])
            bt, lo, hi = plots.band(v, s).data()
            assert bt == pytest.approx(t)
            # the band's low edge clipped at zero (a queue is never negative)
            assert lo == pytest.approx([max(x, 0.0) for x in wanted["queue_ci95"][0]])
            assert hi == pytest.approx(wanted["queue_ci95"][1])
            assert not plots.band(v, s).fill.path().isEmpty()  # the band is drawn
            assert all(a <= m + 1e-9 <= b + 2e-9 for a, m, b in zip(lo, y, hi, strict=True))
    # the live data of replication 1 is still there (a different curve from the mean)
    assert plots.series("baseline", "gp")[0][-1] == pytest.approx(50)
    # the warm-up: a labelled grey region over [0, warm-up] in every plot
    assert set(plots.warm_up_regions) == set(services)
    for region in plots.warm_up_regions.values():
        assert region.getRegion() == pytest.approx((0.0, WARM_UP))
        assert region.warm_up_label.toPlainText() == "◀ warm-up"
        assert not region.movable
    # the policy start: a dashed line at its time, its name shown literally; not the late one
    lines = plots.policy_lines()
    assert {sid for sid, _ in lines} == set(services) and len(lines) == len(services)
    for _sid, line in lines:
        assert line.value() == pytest.approx(POLICY_START)
        assert line.label.toPlainText() == f"{HOSTILE} starts"
    # "Finished." only once every tile is shown, and it is said
    finished = [shown for text, shown in statuses if text == "Finished."]
    assert finished == [len(services)]
    assert not view.kpi.is_building
    # a metric without a results series says what it shows instead
    plots.set_metric("wait")
    assert plots.caption.text().startswith("Replication 1 only")
    plots.set_metric("queue")
    # exports at slide resolution, whatever the size on screen
    view.tabs.setCurrentIndex(0)
    view.resize(900, 500)
    qtbot.wait(50)
    assert view.plots.width() < 1000
    assert view.export_plots_png(str(tmp_path / "plots.png"))
    assert QImage(str(tmp_path / "plots.png")).width() >= 1920
    assert view.export_map_png(str(tmp_path / "map.png"))
    image = QImage(str(tmp_path / "map.png"))
    assert image.width() >= 1920 and image.height() > 200


def test_saved_results_show_their_variants_with_bands(qtbot, view):
    sc = scenario()
    view.set_scenario(sc)
    results = run_experiment(sc, variants=["baseline", "more_gps"], workers=1)
    view.show_results(results)
    qtbot.waitUntil(lambda: not view.plots.drawing, timeout=10_000)
    assert view.plots.variant_ids == ["baseline", "more_gps"]
    assert view.plots.band("more_gps", "hospital") is not None
    # a new run goes back to replication 1, live, without bands
    view.plots.set_variants(["baseline"])
    assert view.plots.mode == "live" and view.plots.band("baseline", "gp") is None


def test_policy_starts_group_by_time_and_skip_the_never_started():
    sc = scenario()
    assert policy_starts(sc, ["baseline", "more_gps", "late"], 50.0) == [
        (POLICY_START, f"{HOSTILE} starts")
    ]
    assert policy_starts(sc, ["baseline"], 50.0) == []
    assert literal_label("{value}").format(value=1) == "{value}"


def test_wide_intervals_are_called_uncertain_in_words():
    assert is_uncertain({"mean": 1.0, "ci95": [0.4, 1.6]})  # half-width 0.6 > 0.5
    assert not is_uncertain({"mean": 1.0, "ci95": [0.6, 1.4]})  # 0.4
    assert is_uncertain({"mean": -1.0, "ci95": [-1.6, -0.4]})
    assert not is_uncertain({"mean": 0.0, "ci95": [-0.001, 0.001]})  # below what is shown
    assert not is_uncertain({"mean": 2.0, "ci95": [2.0, 2.0]})  # one replication
    assert not is_uncertain(None) and not is_uncertain({"mean": None})


def _tiles(panel: KpiPanel) -> list[QFrame]:
    return panel.widget().findChildren(QFrame, "kpiTile")


@pytest.mark.parametrize("services, height", [(6, 700), (2, 2500)])
def test_tiles_keep_their_height_and_the_page_ends_at_the_last(qtbot, services, height):
    sc = scenario(services=services)
    results = run_experiment(sc, workers=1)
    panel = KpiPanel()
    qtbot.addWidget(panel)
    panel.set_scenario(sc)
    panel.resize(1000, height)
    panel.show()
    with qtbot.waitSignal(panel.results_shown, timeout=10_000):
        panel.show_results(results, progressive=True)
    assert len(_tiles(panel)) == services  # every tile there when results_shown comes
    page = panel.widget()
    tiles = _tiles(panel)

    def natural() -> bool:  # natural height: never stretched (once the layout has run)
        return all(tile.height() == tile.heightForWidth(tile.width()) for tile in tiles)

    qtbot.waitUntil(natural, timeout=30_000)  # a liveness guard, not a timing assertion
    layout = page.layout()
    margins = layout.contentsMargins()
    bottom = max(t.geometry().bottom() for t in tiles) + 1 + margins.bottom()
    if bottom >= panel.viewport().height():
        assert page.height() == bottom  # no blank scroll after the last tile
    else:
        assert page.height() == panel.viewport().height()  # the stretch fills the rest
        assert panel.verticalScrollBar().maximum() == 0
    # one column (three variants): the tiles stack with the layout's spacing between them
    tops = sorted((t.geometry().top(), t.height()) for t in tiles)
    for (top, h), (next_top, _) in zip(tops, tops[1:], strict=False):
        assert next_top == top + h + layout.verticalSpacing()


def test_uncertain_figures_say_so_in_their_tile(qtbot):
    sc = scenario(reps=2)
    results = run_experiment(sc, workers=1)
    panel = KpiPanel()
    qtbot.addWidget(panel)
    panel.set_scenario(sc)
    panel.show_results(results)
    found = 0
    for (sid, metric, vid), cell in panel.cells.items():
        est = results["variants"][vid]["services"][sid].get(metric)
        text = panel.cell_text(sid, metric, vid)
        assert (UNCERTAIN_TEXT in text) == is_uncertain(est)
        assert (UNCERTAIN_TEXT in cell.accessibleName()) == is_uncertain(est)
        found += is_uncertain(est)
    assert found > 0  # two replications of a short run: some figures are wide
