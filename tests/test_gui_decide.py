"""The Decide menu (issue 8, the app side): warm-up and how-many-runs with Apply, the tornado
chart and its table, the cheapest plan added as a policy and variant, Cancel, the cluster
setting. Small scenarios, one in-process worker; waits on signals, never on a clock."""

from __future__ import annotations

import json
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from builders import build  # noqa: E402
from PySide6.QtCore import Signal  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from mission_desktop.decide.sensitivity import sensitivity  # noqa: E402
from mission_desktop.gui.decide import actions as decide_actions  # noqa: E402
from mission_desktop.gui.decide.figures import tornado_rows  # noqa: E402
from mission_desktop.gui.decide.job import CANCELLED, DONE  # noqa: E402
from mission_desktop.gui.window.main_window import MainWindow  # noqa: E402
from mission_desktop.model import scenario_from_dict, scenario_to_dict  # noqa: E402
from mission_desktop.sim import LocalExecutor  # noqa: E402
from mission_desktop.store import Library  # noqa: E402

#: generous: real replications on a loaded 2-core machine (a signal ends the wait, not a clock)
WAIT_MS = 240_000


class _RunView(QWidget):
    run_finished = Signal(object)


def queue_doc(rate=1.0, cap=2, mean=1.5, horizon=200.0, replications=4, initial=None):
    service = {
        "id": "s",
        "name": "Desk “A”",
        "capacity": cap,
        "service_time": {"dist": "exponential", "mean": mean},
        "cost": {"per_server_per_time": 10},
        "target": {"wait": 1, "within": 0.8},
    }
    if initial:
        service["initial"] = [{"cohort": "c", "waiting": initial}]
    sc = build(
        [service],
        [{"id": "c", "name": "People", "arrivals": {"rate": rate}, "entry": "s"}],
        horizon=horizon,
        warm_up=10,
        name="Small <b>desk</b>",
    )
    doc = scenario_to_dict(sc)
    doc["run"]["replications"] = replications
    doc["assumptions"] = [
        {"id": "demand", "name": "Demand", "lever": "arrival_rate", "cohort": "c", "multiply": [0.8, 1.2]},
        {"id": "staff", "name": "Staff", "lever": "capacity", "service": "s", "add": [0, 1]},
        {"id": "speed", "name": "Time per case", "lever": "service_time", "service": "s",
         "multiply": [0.95, 1.05]},
    ]
    doc["decisions"] = {
        "levers": [{"lever": "capacity", "service": "s", "add": [0, 3], "step": 1}],
        "confidence": 0.9,
    }
    return doc


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    import mission_desktop.gui.window.main_window as mw

    monkeypatch.setenv("MISSION_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(mw, "RunView", _RunView)
    library = Library()
    w = MainWindow(library)
    qtbot.addWidget(w)
    w.errors = []
    monkeypatch.setattr(w, "show_error", lambda title, text: w.errors.append((title, text)))
    w.decide_workers = 1  # in-process: cancellable inside a replication
    yield w
    w.stop_decide(wait=True)
    for d in w.decide_dialogs.values():
        d.close()
    w.autosave_timer.stop()
    w.undo_stack.setClean()
    library.close()


def open_doc(window, tmp_path, doc) -> None:
    path = tmp_path / "small.mission.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert window.open_file(path) is not None


def run_dialog(qtbot, window, kind):
    dialog = window.open_decide(kind)
    with qtbot.waitSignal(dialog.finished_work, timeout=WAIT_MS):
        dialog.start()
    return dialog


def test_the_decide_menu_lists_every_helper(window):
    texts = [a.text() for a in window.decide_menu.actions() if not a.isSeparator()]
    assert texts == [
        "&Warm-up…", "&How many runs?…", "&Sensitivity…", "Find the &cheapest plan…",
        "Run on a c&luster…",
    ]
    assert window.decide_menu.title() == "Dec&ide"


def test_warmup_apply_sets_the_run_warm_up_through_the_document(qtbot, window, tmp_path):
    open_doc(window, tmp_path, queue_doc(rate=2.0, cap=3, mean=1.0, horizon=600, initial=120))
    dialog = run_dialog(qtbot, window, "warmup")
    assert dialog.job.state == DONE, dialog.status.text()
    suggested = dialog.result["suggested"]
    assert suggested is not None and suggested > 10
    assert f"{suggested:g} days" in dialog.status.text() and "Desk “A”" in dialog.status.text()
    assert dialog.series_combo.count() == 2 and dialog.apply_button.isEnabled()
    dialog.apply()
    assert window.scenario.run.warm_up == pytest.approx(suggested)
    assert window.is_modified()
    window.undo_stack.undo()
    assert window.scenario.run.warm_up == 10


def test_warmup_of_an_overloaded_system_shows_its_message_not_a_number(qtbot, window, tmp_path):
    open_doc(window, tmp_path, queue_doc(rate=1.0, cap=1, mean=1.6, horizon=300))
    dialog = run_dialog(qtbot, window, "warmup")
    assert dialog.result["suggested"] is None
    assert "does not settle" in dialog.status.text()
    assert not dialog.apply_button.isEnabled()


def test_how_many_runs_applies_the_replications_needed(qtbot, window, tmp_path):
    open_doc(window, tmp_path, queue_doc(rate=0.5, cap=2, mean=1.0, horizon=300))
    dialog = window.open_decide("precision")
    dialog.precision.setValue(20)
    dialog.budget.setValue(40)
    with qtbot.waitSignal(dialog.finished_work, timeout=WAIT_MS):
        dialog.start()
    assert dialog.job.state == DONE, dialog.status.text()
    p = dialog.result["precision"]
    curve = dialog.result["half_width_curve"]
    assert len(curve) == p["run"] and curve[0] is None
    if p["solution"] is None:  # the budget was spent: nothing to apply, the reason says so
        assert not dialog.apply_button.isEnabled() and "budget" in dialog.status.text()
        return
    m = p["solution"]
    assert f"Replications needed: {m}" in dialog.answer.text()
    assert curve[m - 1] <= 0.20 + 1e-12  # the rule held there
    dialog.apply()
    assert window.scenario.run.replications == m


def test_how_many_runs_of_an_overloaded_system_says_so(qtbot, window, tmp_path):
    open_doc(window, tmp_path, queue_doc(rate=1.0, cap=1, mean=1.6, horizon=100))
    dialog = run_dialog(qtbot, window, "precision")
    assert "overloaded" in dialog.answer.text()
    assert "Overloaded" in dialog.status.text() and not dialog.apply_button.isEnabled()


def test_tornado_bars_are_ordered_by_effect_and_equal_the_sensitivity_json(qtbot, window, tmp_path):
    doc = queue_doc(horizon=200)
    open_doc(window, tmp_path, doc)
    dialog = run_dialog(qtbot, window, "sensitivity")
    assert dialog.job.state == DONE, dialog.status.text()
    expected = sensitivity(scenario_from_dict(doc), executor=LocalExecutor(1))
    assert dialog.result["assumptions"] == expected["assumptions"]  # same numbers as the CLI
    choices = [dialog.figure_combo.itemText(i) for i in range(dialog.figure_combo.count())]
    assert choices[0] == "Total cost" and "Mean wait at Desk “A”" in choices
    dialog.figure_combo.setCurrentIndex(choices.index("Mean wait at Desk “A”"))
    rows = dialog.rows()
    effects = [
        max(abs(expected["assumptions"][r["id"]][end]["services"]["s"]["mean_wait"]["mean"])
            for end in ("low", "high"))
        for r in rows
    ]
    assert effects == sorted(effects, reverse=True)
    assert [r["id"] for r in rows] == [r["id"] for r in tornado_rows(expected, ("services", "s", "mean_wait"))]
    # the table beside the chart: the same rows, in the same order, with the same words
    assert dialog.table.rowCount() == 3
    assert [dialog.table.item(i, 0).text() for i in range(3)] == [r["name"] for r in rows]
    demand = next(i for i, r in enumerate(rows) if r["id"] == "demand")
    assert dialog.table.item(demand, 1).text() == "−20%"
    assert dialog.table.item(demand, 3).text() == "+20%"
    low_words, high_words = dialog.bar_labels(rows)[demand]
    assert low_words.startswith("−20% → mean wait −") and high_words.startswith("+20% → mean wait +")
    assert "(" in dialog.table.item(demand, 2).text()  # its CI


def test_sensitivity_without_assumptions_says_how_to_add_them(qtbot, window, tmp_path):
    doc = queue_doc()
    del doc["assumptions"]
    open_doc(window, tmp_path, doc)
    dialog = window.open_decide("sensitivity")
    assert dialog.start() is None
    assert "states no assumptions" in dialog.status.text()


def test_cancel_stops_the_work_and_shows_nothing(qtbot, window, tmp_path):
    open_doc(window, tmp_path, queue_doc(horizon=5000, replications=50))
    dialog = window.open_decide("sensitivity")
    with qtbot.waitSignal(dialog.finished_work, timeout=WAIT_MS):
        dialog.start()
        dialog.cancel_button.click()
    assert dialog.job.state == CANCELLED and dialog.result is None
    assert "Cancelled" in dialog.status.text()
    assert dialog.table.rowCount() == 0 and dialog.run_button.isEnabled()


def test_cheapest_plan_is_added_as_a_policy_and_variant_in_one_undoable_edit(qtbot, window, tmp_path):
    open_doc(window, tmp_path, queue_doc(rate=1.0, cap=1, mean=1.5, horizon=300))
    dialog = window.open_decide("optimise")
    assert "capacity of Desk “A” (add 0 to 3, steps of 1)" in dialog.decisions_label.text()
    dialog.budget.setValue(150)
    with qtbot.waitSignal(dialog.finished_work, timeout=WAIT_MS):
        dialog.start()
    assert dialog.job.state == DONE, dialog.status.text()
    best = dialog.result["best"]
    assert best is not None, dialog.result.get("message")
    assert best["changes"][0]["add"] >= 1  # one server is overloaded: more are needed
    assert "Cheapest plan meeting every target" in dialog.best_label.text()
    assert dialog.table.rowCount() == len(dialog.result["evaluated"])
    assert dialog.table.item(0, 3).text() == "yes"
    before = len(window.scenario.effective_variants)
    dialog.apply()
    s = window.scenario
    policy = s.policy("cheapest_plan")
    assert [c.model_dump(exclude_none=True) for c in policy.changes][0]["add"] == best["changes"][0]["add"]
    variant = s.variant("cheapest_plan")
    assert variant.policies == ("cheapest_plan",)
    assert len(s.effective_variants) == before + 1
    window.undo_stack.undo()  # one step takes both away
    assert not any(p.id == "cheapest_plan" for p in window.scenario.policies)
    assert len(window.scenario.effective_variants) == before


def test_the_cluster_address_is_kept_and_used_by_the_dialogs(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(window, "ask_cluster_address", lambda current: " tcp://127.0.0.1:8786 ")
    window.cluster_dialog()
    assert window.library.get_setting(decide_actions.SETTING_CLUSTER) == "tcp://127.0.0.1:8786"
    asked = []

    def fake_make(cluster=None, workers=None):
        asked.append(cluster)
        return LocalExecutor(1)

    monkeypatch.setattr("mission_desktop.sim.make_executor", fake_make)
    open_doc(window, tmp_path, queue_doc(horizon=100, replications=2))
    dialog = run_dialog(qtbot, window, "warmup")
    assert asked == ["tcp://127.0.0.1:8786"] and dialog.job.state == DONE
    monkeypatch.setattr(window, "ask_cluster_address", lambda current: "")
    window.cluster_dialog()
    assert window.cluster_address() == ""


def test_an_unreachable_cluster_or_missing_dask_is_a_message(qtbot, window, tmp_path, monkeypatch):
    from mission_desktop.model import Problem, ScenarioError

    def refuse(cluster=None, workers=None):
        raise ScenarioError([Problem("--cluster", f"cannot reach a Dask scheduler at {cluster}: refused")])

    monkeypatch.setattr("mission_desktop.sim.make_executor", refuse)
    window.library.set_setting(decide_actions.SETTING_CLUSTER, "tcp://127.0.0.1:9")
    open_doc(window, tmp_path, queue_doc(horizon=100, replications=2))
    dialog = run_dialog(qtbot, window, "warmup")
    assert "Decide › Run on a cluster: cannot reach a Dask scheduler" in dialog.status.text()
    import builtins

    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name == "distributed":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    monkeypatch.setattr(window, "ask_cluster_address", lambda current: "tcp://10.0.0.5:8786")
    window.cluster_dialog()
    assert window.errors and window.errors[-1][0] == "Dask is not installed"
    assert window.cluster_address() == "tcp://127.0.0.1:9"  # unchanged


def test_an_edit_the_document_refuses_is_said_and_nothing_is_applied(qtbot, window, tmp_path, monkeypatch):
    from mission_desktop.model import Problem

    open_doc(window, tmp_path, queue_doc())
    dialog = window.open_decide("optimise")
    made: list[str] = []
    refusal = [Problem("run.warm_up", "must be less than the horizon")]
    monkeypatch.setattr(window.document, "edit", lambda change, text: made.append(text) or refusal)
    assert not dialog.edit_scenario(lambda doc: None, "Add the cheapest plan", "Not added")
    assert made == ["Add the cheapest plan"]
    assert dialog.status.text() == "Not added: run.warm_up: must be less than the horizon"
    monkeypatch.setattr(window.document, "edit", lambda change, text: [])
    assert dialog.edit_scenario(lambda doc: None, "Set warm-up")
    assert dialog.status.text() == "Not added: run.warm_up: must be less than the horizon"  # unchanged
