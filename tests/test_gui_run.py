"""The run view and its worker: runs to the end, Stop, Pause/Resume.

No test here times anything: the mechanisms that keep the window responsive are tested by
counting in test_gui_run_mechanism.py, and the latencies are measured (as ratios to an idle
event loop) by tests/benchmarks/bench_gui_latency.py."""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mission_desktop.gui.run import worker as w  # noqa: E402
from mission_desktop.gui.run.kpi import (  # noqa: E402
    format_estimate,
    format_interval,
    judge_difference,
    summarise,
)
from mission_desktop.gui.run.kpi_panel import KpiPanel  # noqa: E402
from mission_desktop.gui.run.running import format_duration  # noqa: E402
from mission_desktop.gui.run.view import RunView  # noqa: E402
from mission_desktop.model import loads_scenario  # noqa: E402
from mission_desktop.sim.snapshots import ServiceSnapshot, Snapshot  # noqa: E402


def make_scenario(horizon: float = 50, rate: float = 5, services: int = 2, reps: int = 3):
    ids = ["gp", "hospital", "social_care", "housing", "benefits", "mental_health"][:services]
    svc = []
    for i, sid in enumerate(ids):
        nxt = ids[i + 1] if i + 1 < len(ids) else None
        svc.append(
            {
                "id": sid,
                "name": sid.replace("_", " ").title(),
                "department": "Health" if i < 2 else "Local authority",
                "capacity": 3 + i,
                "service_time": {"dist": "exponential", "mean": 0.5 + 0.2 * i},
                "routes": [{"to": nxt, "p": 0.4}] if nxt else [],
                "target": {"wait": 1, "within": 0.9},
                **({"queue_limit": 5} if nxt is None and i > 0 else {}),
            }
        )
    return loads_scenario(
        json.dumps(
            {
                "format": "mission-desktop/scenario",
                "version": 1,
                "name": "Test",
                "time_unit": "day",
                "run": {"horizon": horizon, "warm_up": 0, "replications": reps, "seed": 7},
                "services": svc,
                "cohorts": [
                    {"id": "people", "name": "People", "arrivals": {"rate": rate}, "entry": "gp"}
                ],
                "policies": [
                    {
                        "id": "more_gps",
                        "name": "More GPs",
                        "changes": [{"lever": "capacity", "service": "gp", "add": 2}],
                    }
                ],
            }
        )
    )


@pytest.fixture
def view(qtbot):
    v = RunView()
    qtbot.addWidget(v)
    v.resize(1400, 800)
    v.show()
    yield v
    v.controller.shutdown(2.0)


def _latest_time(view: RunView) -> float:
    snaps = view.controller.latest_snapshots()
    return max((s.time for s in snaps.values()), default=0.0)


#: generous "it eventually happens" guards: a busy machine is slow, never wrong
EVENTUALLY_S = 60.0


def test_run_to_the_end_feeds_plots_and_shows_figures(qtbot, view, tmp_path):
    scenario = make_scenario()
    view.set_scenario(scenario)
    assert view.selected_variants() == ["baseline", "more_gps"]
    view.set_pace(None)
    received = []
    view.snapshot_received.connect(received.append)
    with qtbot.waitSignal(view.run_finished, timeout=30_000) as blocker:
        view.run_action.trigger()
    results = blocker.args[0]
    assert set(results["variants"]) == {"baseline", "more_gps"}
    assert received and received[-1].done
    # every step of both variants reached the plots, up to the horizon
    times, queue = view.plots.series("baseline", "gp")
    assert len(times) == 401 and times[-1] == pytest.approx(50)
    assert len(queue) == len(times)
    assert view.plots.series("more_gps", "hospital")[0][-1] == pytest.approx(50)
    assert view.controller.state == w.FINISHED
    # key figures: estimate with CI, and a worded difference for the policy
    text = view.kpi.cell_text("gp", "mean_wait", "baseline")
    # in the unit that reads best (report/format.py): days, hours or minutes
    assert "95% CI" in text and any(unit in text for unit in (" days", " h", " min"))
    policy = view.kpi.cell_text("gp", "mean_wait", "more_gps")
    assert any(word in policy for word in ("better", "worse", "no clear difference"))
    assert view.tabs.currentWidget() is view.kpi
    assert view.export_plots_png(str(tmp_path / "plots.png"))
    assert (tmp_path / "plots.png").stat().st_size > 1000
    assert view.export_map_png(str(tmp_path / "map.png"))


def test_stop_mid_run_takes_effect_for_the_window_at_once_and_ends_the_worker(qtbot, view):
    view.set_scenario(make_scenario(horizon=50))
    view.set_pace(2.0)  # 25 s for the whole run
    view.run_action.trigger()
    qtbot.waitUntil(lambda: _latest_time(view) > 1.0, timeout=30_000)
    assert view.stop_action.isEnabled()
    view.stop_action.trigger()
    # at once, before the event loop turns again: the window shows the run stopped
    assert view.controller.state == w.STOPPED
    assert not view.stop_action.isEnabled() and view.run_action.isEnabled()
    # and the worker ends (how fast is measured by bench_gui_latency.py)
    assert view.controller.wait(EVENTUALLY_S)
    after = []
    view.snapshot_received.connect(after.append)
    qtbot.wait(200)
    assert after == []  # nothing of the stopped run reaches the window (the poll timer stopped)
    assert not view.controller._timer.isActive()


def test_stop_during_replications(qtbot, view):
    view.set_scenario(make_scenario(horizon=2000, rate=5, reps=30))
    view.set_pace(None)
    view.run_action.trigger()
    qtbot.waitUntil(lambda: view.controller.state == w.REPLICATIONS, timeout=30_000)
    view.stop_run()
    assert view.controller.state == w.STOPPED
    assert view.controller.wait(EVENTUALLY_S)
    assert view.controller.state == w.STOPPED


def test_pause_holds_simulated_time_and_resume_continues(qtbot, view):
    view.set_scenario(make_scenario(horizon=50))
    view.set_pace(10.0)
    view.run_action.trigger()
    qtbot.waitUntil(lambda: _latest_time(view) > 2.0, timeout=30_000)
    view.pause_action.trigger()
    assert view.controller.state == w.PAUSED
    assert view.pause_action.text() == "Resume"
    # that the worker then parks after the step in hand, and takes no step while paused, is
    # tested by counting steps in test_gui_run_mechanism.py (a wait here would be a race)
    held = _latest_time(view)
    view.pause_action.trigger()
    assert view.controller.state == w.LIVE
    assert view.pause_action.text() == "Pause"
    qtbot.waitUntil(lambda: _latest_time(view) > held + 1.0, timeout=30_000)
    view.stop_run()


def test_pace_change_mid_run(qtbot, view):
    view.set_scenario(make_scenario(horizon=50))
    view.set_pace(2.0)
    view.run_action.trigger()
    qtbot.waitUntil(lambda: _latest_time(view) > 0.5, timeout=30_000)
    with qtbot.waitSignal(view.run_finished, timeout=60_000):
        view.set_pace(None)  # the remaining 49 days at full speed


def test_new_run_cancels_the_old_one(qtbot, view):
    view.set_scenario(make_scenario(horizon=50))
    view.set_pace(2.0)
    view.run_action.trigger()
    qtbot.waitUntil(lambda: _latest_time(view) > 0.5, timeout=30_000)
    old_thread = view.controller._thread
    view.set_pace(None)
    asked: list[bool] = []
    view.ask_restart = lambda: asked.append(True) or True  # Run during a run asks first
    with qtbot.waitSignal(view.run_finished, timeout=60_000):
        view.run_action.trigger()
    assert asked == [True]
    old_thread.join(EVENTUALLY_S)
    assert not old_thread.is_alive()


def test_engine_error_becomes_a_message(qtbot):
    def broken_stream(scenario, variant_id, replication=0, step=None):
        yield _fake_snapshot(variant_id, 0.0, 0)
        raise RuntimeError("disk on fire")

    controller = w.RunController(stream_fn=broken_stream)
    with qtbot.waitSignal(controller.run_failed, timeout=30_000) as blocker:
        controller.start(make_scenario(), ["baseline"], 1)
    assert "disk on fire" in blocker.args[0]
    assert controller.state == w.FAILED


def _fake_snapshot(variant_id: str, t: float, waiting: int, horizon: float = 10.0) -> Snapshot:
    services = tuple(
        ServiceSnapshot(sid, waiting, 1, 0, 3, 0.5, 10, 5, 0, 0) for sid in ("gp", "hospital")
    )
    return Snapshot(variant_id, 0, t, horizon, services, waiting + 2, t >= horizon)


def test_controller_with_fake_engine_emits_in_order(qtbot):
    """The controller alone, driven by a fake stream and fake experiment."""

    def stream(scenario, variant_id, replication=0, step=None):
        for k in range(11):
            yield _fake_snapshot(variant_id, float(k), k)

    def experiment(scenario, *, variants, replications, workers, progress, cancel):
        for i in range(replications):
            assert not cancel()
            progress(i + 1, replications)
        return {"variants": {v: {"services": {}} for v in variants}}

    controller = w.RunController(stream_fn=stream, experiment_fn=experiment)
    batches = []
    controller.snapshots_received.connect(batches.append)
    with qtbot.waitSignals(
        [controller.state_changed, controller.run_finished], order="none", timeout=30_000
    ):
        controller.start(make_scenario(), ["baseline", "more_gps"], 4)
    qtbot.waitUntil(lambda: controller.state == w.FINISHED, timeout=30_000)
    flat = [s for batch in batches for s in batch]
    assert [s.time for s in flat if s.variant_id == "baseline"] == [float(k) for k in range(11)]
    assert controller.latest_snapshots()["more_gps"].done


def test_difference_words_only_where_the_interval_excludes_zero():
    lower = {"mean": -0.8, "ci95": [-0.9, -0.7]}
    higher = {"mean": 0.8, "ci95": [0.7, 0.9]}
    unclear = {"mean": -0.2, "ci95": [-0.5, 0.1]}
    assert judge_difference("mean_wait", lower).word == "better"
    assert judge_difference("mean_wait", lower).arrow == "▼"
    assert judge_difference("mean_wait", higher).word == "worse"
    assert judge_difference("backlog_at_end", higher).word == "worse"
    assert judge_difference("share_within_target", higher).word == "better"
    assert judge_difference("share_within_target", lower).word == "worse"
    assert judge_difference("utilisation", higher).word == "higher"
    assert judge_difference("mean_wait", unclear).word == "no clear difference"
    assert judge_difference("mean_wait", unclear).arrow == ""
    assert judge_difference("mean_wait", None).word == "—"
    assert "better" in judge_difference("mean_wait", lower, "day").text
    assert format_estimate({"mean": 2.1, "ci95": [1.7, 2.5]}, "time") == (
        "2.10 days (95% CI 1.70 to 2.50)"
    )
    assert format_estimate({"mean": 0.85, "ci95": [0.8, 0.9]}, "share") == (
        "85% (95% CI 80% to 90%)"
    )
    assert format_estimate(None, "time") == "—"
    assert format_duration(20.2) == "about 20 s"
    assert format_duration(float("nan")) == ""


def test_controls_have_accessible_names(view):
    view.set_scenario(make_scenario())
    for widget in (
        view.variant_list,
        view.replications_spin,
        view.pace_slider,
        view.fast_check,
        view.progress_bar,
        view.map_variant_combo,
        view.run_button,
        view.pause_button,
        view.stop_button,
        view.service_map,
        view.plots.metric_combo,
    ):
        assert widget.accessibleName(), widget
    assert view.run_action.shortcut().toString() == "F5"
    assert view.pause_action.shortcut().toString() == "F6"
    # not Esc: Esc cancels the field being edited, it must never stop a run
    assert [s.toString() for s in view.stop_action.shortcuts()] == ["Shift+F5"]


def test_interval_text_is_clipped_and_says_to():
    # a result's interval is clipped to what the figure can be, and written with "to"
    backlog = {"mean": 0.70, "ci95": [-0.06, 1.46]}
    assert format_estimate(backlog, "people", "day", "backlog_at_end") == (
        "0.70 people (95% CI 0.00 to 1.46)"
    )
    wait = {"mean": 0.02, "ci95": [-0.01, 0.05]}
    # 0.02 days reads best as minutes ("28.8 min", not "0.02 days"); its CI in the same unit
    assert format_estimate(wait, "time", "day", "mean_wait") == "28.8 min (95% CI 0.00 to 72.0)"
    share = {"mean": 0.98, "ci95": [0.95, 1.02]}
    assert format_estimate(share, "share", "day", "share_within_target") == (
        "98% (95% CI 95% to 100%)"
    )
    # a difference is not clipped; negative numbers carry a real minus sign, not a dash
    assert format_interval(-0.41, 1.41, "time") == "\u22120.41 to 1.41"
    j = judge_difference("mean_wait", {"mean": -0.14, "ci95": [-0.2, -0.08]})
    assert j.text == "▼ better (\u22123.36 h)" and "-" not in j.text
    j = judge_difference("mean_wait", {"mean": 1.03, "ci95": [0.8, 1.2]})
    assert j.text == "▲ worse (+1.03 days)"


def _results_with_pressure_moved():
    def fig(mean, lo, hi):
        return {"mean": mean, "ci95": [lo, hi]}

    services = {
        "gp": {"mean_wait": fig(0.5, 0.4, 0.6), "backlog_at_end": fig(0.7, -0.06, 1.46)},
        "hospital": {"mean_wait": fig(2.0, 1.8, 2.2), "backlog_at_end": fig(3.0, 2.0, 4.0)},
    }
    return {
        "variants": {"baseline": {"services": services}, "more_gps": {"services": services}},
        "comparisons": {
            "more_gps": {
                "services": {
                    "gp": {"mean_wait": fig(-0.14, -0.2, -0.08)},
                    "hospital": {
                        "mean_wait": fig(1.03, 0.8, 1.2),
                        "backlog_at_end": fig(0.5, -0.1, 1.1),
                    },
                }
            }
        },
    }


def test_summary_lists_where_each_policy_is_clearly_better_and_worse(qtbot):
    results = _results_with_pressure_moved()
    names = {"gp": "Gp", "hospital": "Hospital"}
    (summary,) = summarise(results, names, {"more_gps": "More GPs"})
    assert [s[0] for s in summary.better] == ["gp"]
    assert [s[0] for s in summary.worse] == ["hospital"]
    assert summary.sentence() == (
        "More GPs: better at Gp (mean wait \u22123.36 h); "
        "worse at Hospital (mean wait +1.03 days)."
    )
    panel = KpiPanel()
    qtbot.addWidget(panel)
    panel.set_scenario(make_scenario())
    panel.show_results(results)
    assert "worse at Hospital (mean wait +1.03 days)" in panel.summary_text()
    assert panel.summary_label is not None
    assert "Where did the pressure go?" in panel.summary_label.text()
    # the tile cell: value, clipped interval with "to", and the verdict in words
    # (0.70 ± 0.76: wide relative to the figure, and said so in words)
    assert panel.cell_text("gp", "backlog_at_end", "baseline") == (
        "0.70 people\n95% CI 0.00 to 1.46\nuncertain: run more replications"
    )
    assert "uncertain" not in panel.cell_text("hospital", "mean_wait", "baseline")
    assert panel.cell_text("hospital", "mean_wait", "more_gps").endswith("▲ worse (+1.03 days)")
    assert panel.cell_text("hospital", "backlog_at_end", "more_gps").endswith("no clear difference")


def test_results_fit_the_width_with_five_variants(qtbot):
    scenario = make_scenario(services=3)
    variants = ["baseline", "a_policy_with_a_long_name", "b", "c", "d"]

    def fig(mean):
        return {"mean": mean, "ci95": [mean - 0.5, mean + 0.5]}

    services = {
        sid: {m: fig(1234.5) for m in ("mean_wait", "p90_wait", "mean_queue_length")}
        for sid in ("gp", "hospital", "social_care")
    }
    results = {"variants": {v: {"services": services} for v in variants}, "comparisons": {}}
    panel = KpiPanel()
    qtbot.addWidget(panel)
    panel.set_scenario(scenario)
    panel.resize(1000, 700)
    panel.show()
    panel.show_results(results)
    qtbot.wait(50)
    assert not panel.horizontalScrollBar().isVisible()
    assert panel.widget().width() <= panel.viewport().width()


def test_live_status_names_replication_and_variants(view):
    view.set_scenario(make_scenario(horizon=365, reps=10))
    assert view.live_status(197 / 365) == "Live: replication 1 of 10, 2 variants — day 197 of 365"


def test_every_service_has_a_titled_plot_and_the_legend_wraps(view):
    scenario = make_scenario(services=6)
    view.set_scenario(scenario)
    assert view.plots.service_ids == [s.id for s in scenario.services]
    for s in scenario.services:
        assert view.plots.titles[s.id].text() == s.name
        assert view.plots.titles[s.id].wordWrap()
    assert view.plots.legend.wordWrap()
    assert "Today" in view.plots.legend.text() or "baseline" in view.plots.legend.text().lower()
    # no per-plot y labels: the unit is stated once, in the selector
    for plot in view.plots._plots.values():
        assert not plot.getAxis("left").labelText
    assert "people waiting" in view.plots.metric_combo.currentText()
    view.plots.set_metric("wait")
    assert view.plots.metric_combo.currentText() == "Rolling mean wait (days)"


def test_shutdown_is_idempotent_and_cancels_a_run(qtbot, view):
    view.set_scenario(make_scenario(horizon=50))
    view.set_pace(2.0)
    view.run_action.trigger()
    qtbot.waitUntil(lambda: _latest_time(view) > 0.5, timeout=30_000)
    view.shutdown()
    assert view.controller.wait(EVENTUALLY_S)
    assert not view.controller.is_running
    view.shutdown()  # a second call does nothing
    view.controller.handle.shutdown()  # nor does the plain handle, once the run is over


def test_destroying_the_view_cancels_its_run(qtbot):
    v = RunView()
    v.set_scenario(make_scenario(horizon=50))
    v.set_pace(2.0)
    v.run_action.trigger()
    controller = v.controller
    qtbot.waitUntil(
        lambda: any(s.time > 0.5 for s in controller.latest_snapshots().values()),
        timeout=30_000,
    )
    thread = controller._thread
    v.deleteLater()
    del v
    qtbot.wait(50)
    thread.join(EVENTUALLY_S)
    assert not thread.is_alive()


def test_a_run_too_large_says_why_in_a_banner_that_blocks_nothing(qtbot, view):
    # about 1e15 events: the engine refuses it at once, with a ScenarioError in plain words
    view.set_scenario(make_scenario(horizon=1e6, rate=1e9))
    qtbot.waitExposed(view)
    assert not view.problem_banner.isVisible() and view.problem_text() == ""
    failed = []
    view.run_failed.connect(failed.append)
    view.run_action.trigger()
    # the refusal comes from the worker, through the event loop: Run itself returned at once
    assert not view.problem_banner.isVisible() and failed == []
    assert view.controller.is_running
    qtbot.waitUntil(view.problem_banner.isVisible, timeout=30_000)
    text = view.problem_label.text()
    assert "events" in text and "would simulate about 1e+15" in text
    assert text == view.problem_text() == failed[0]
    # the problems' own words: no traceback, no class names, no section prefix
    for word in ("Traceback", "ScenarioError", "Error", "run: variant"):
        assert word not in text, word
    assert view.problem_label.accessibleName() == "Run problem"
    assert view.problem_banner.accessibleName() == "Run problem"
    assert "see the message above the plots" in view.progress_label.text()
    assert view.controller.state == w.FAILED
    # nothing modal: the event loop kept turning while the run was refused
    assert QApplication.activeModalWidget() is None
    # dismissed with its button; gone too when a run starts or another scenario is shown
    qtbot.mouseClick(view.problem_dismiss, Qt.MouseButton.LeftButton)
    assert not view.problem_banner.isVisible() and view.problem_text() == ""
    view.show_problem("something")
    view.set_scenario(make_scenario())
    assert not view.problem_banner.isVisible()


def test_problem_words_keep_a_precise_place_and_drop_a_section_name():
    from mission_desktop.model.errors import Problem, ScenarioError

    error = ScenarioError(
        [
            Problem("run", "variant 'x' would simulate about 4e+11 events"),
            Problem("services[1].capacity", "must be at least 1"),
        ]
    )
    assert w.describe_error(error) == (
        "The scenario cannot be run:\n"
        "• variant 'x' would simulate about 4e+11 events\n"
        "• services[1].capacity: must be at least 1"
    )
    assert w.describe_error(RuntimeError("disk on fire")) == (
        "The simulation stopped with an error: disk on fire"
    )


def _bundled(name: str):
    from mission_desktop.model import load_scenario

    root = os.path.join(os.path.dirname(__file__), os.pardir, "scenarios", name)
    return load_scenario(root)


def test_run_tab_map_has_a_compact_key_and_a_legible_share(qtbot, view):
    view.resize(1290, 900)  # the Live tab of a 1600 × 1000 main window
    view.set_scenario(_bundled("hospital_discharge.mission.json"))
    qtbot.wait(50)
    m = view.service_map
    # the in-scene legend is hidden here (it would shrink the map); a one-line key replaces it
    assert not m.legend_shown
    assert view.map_key.isVisible()
    key = view.map_key.text()
    assert key.startswith("queue: none · light · building · heavy · severe")
    assert "▨ blocked" in key and "Social care" in key
    assert view.map_key.height() < 3 * view.map_key.fontMetrics().height()
    # the map is fitted without the legend, and drawn (nearly) as wide as the Live tab allows
    assert m.content_rect().height() < m.scene().itemsBoundingRect().height()
    widest = (m.viewport().width()) / m.fit_rect().width()
    assert m.transform().m11() > 0.9 * widest
    # the map takes a larger share than the old two fifths, and the plots still fit unscrolled
    sizes = view.live_splitter.sizes()
    assert sizes[0] / sum(sizes) > 0.42
    assert not view.plots.scroll.verticalScrollBar().isVisible()
    # a split the user drags is theirs to keep
    view.live_splitter.splitterMoved.emit(100, 1)
    view.live_splitter.setSizes([200, sum(sizes) - 200])
    view.resize(1300, 780)
    qtbot.wait(50)
    assert view.live_splitter.sizes()[0] < 260
