"""Costs and cohorts on screen, and exports that are never stale (issue 6 §3).

The figures on screen are checked against the results JSON through the one formatter
(report/format.py): the same numbers, the same words. Runs in the app use an engine in a
thread of the test process (no child processes), and nothing here is timed."""

from __future__ import annotations

import csv
import json
import os
import threading
from datetime import UTC, datetime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

import test_gui_main as main_fixtures  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QFrame, QLabel  # noqa: E402

from mission_desktop.gui.run import worker as w  # noqa: E402
from mission_desktop.gui.run.cohorts_view import (  # noqa: E402
    EQUALITY_FIGURES,
    CohortsPanel,
    equality_tables,
    journey_table,
)
from mission_desktop.gui.run.costs_view import CostsPanel, cost_table  # noqa: E402
from mission_desktop.gui.run.kpi_panel import KpiPanel  # noqa: E402
from mission_desktop.gui.run.result_table import GAP_WORDS, difference_cell  # noqa: E402
from mission_desktop.gui.run.view import RunView  # noqa: E402
from mission_desktop.model import loads_scenario  # noqa: E402
from mission_desktop.report.format import (  # noqa: E402
    MINUS,
    estimate_parts,
    kind_of,
    money,
)
from mission_desktop.report.summary import cost_words, summarise, verdict  # noqa: E402
from mission_desktop.sim import run_experiment  # noqa: E402
from mission_desktop.sim.experiment import ENGINE_VERSION  # noqa: E402

_fake_run_view = main_fixtures._fake_run_view
_restore_app_font = main_fixtures._restore_app_font
data_dir = main_fixtures.data_dir
library = main_fixtures.library
prompts = main_fixtures.prompts
make_window = main_fixtures.make_window

#: generous "it eventually happens" guard: a busy machine is slow, never wrong
EVENTUALLY_MS = 60_000


def scenario_doc(name: str = "Costs & cohorts <b>test</b>") -> dict:
    """Two services with costs and a target, two cohorts, one policy with its own cost."""
    return {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": name,
        "time_unit": "day",
        "run": {"horizon": 60, "warm_up": 5, "replications": 4, "seed": 11},
        "services": [
            {
                "id": "gp",
                "name": "GP <i>practices</i>",
                "capacity": 3,
                "service_time": {"dist": "exponential", "mean": 0.4},
                "routes": [{"to": "hospital", "p": 0.5}],
                "cost": {"per_server_per_time": 300, "per_case": 20},
                "target": {"wait": 0.5, "within": 0.8},
            },
            {
                "id": "hospital",
                "name": "Hospital",
                "capacity": 4,
                "service_time": {"dist": "exponential", "mean": 0.9},
                "cost": {"per_server_per_time": 900, "per_case": 0},
            },
        ],
        "cohorts": [
            {"id": "older", "name": "Older people", "arrivals": {"rate": 4}, "entry": "gp",
             "priority": 1},
            {"id": "adults", "name": "Adults", "arrivals": {"rate": 3}, "entry": "gp"},
        ],  # fmt: skip
        "policies": [
            {
                "id": "more_gps",
                "name": "More GPs",
                "changes": [{"lever": "capacity", "service": "gp", "add": 2}],
                "cost": {"one_off": 5000, "per_time": 100},
            }
        ],
    }


def in_process(scenario, **kwargs):
    """The real experiment, in this process (no worker pool)."""
    return run_experiment(scenario, **{**kwargs, "workers": 1})


@pytest.fixture(scope="module")
def run():
    scenario = loads_scenario(json.dumps(scenario_doc()))
    return scenario, in_process(scenario)


def first_line(text: str) -> str:
    return text.split("\n", 1)[0]


# ------------------------------------------------------------------------------ costs
def test_cost_words_say_more_less_or_about_the_same_from_the_interval():
    def results(cost, waiting=None, ratio=None, policy=None):
        comparison = {"cost": {"total": cost}}
        if waiting is not None:
            comparison["waiting"] = {"total": waiting}
        comparison["cost_per_waiting_saved"] = ratio
        block = {"policy_costs": policy or {}}
        return {"variants": {"baseline": {}, "p": block}, "comparisons": {"p": comparison}}

    more = results(
        {"mean": 925_000.0, "ci95": [900_000.0, 950_000.0]},
        {"mean": -1606.0, "ci95": [-2783.0, -428.0]},
        {"mean": 1400.0, "ci95": [798.0, 5200.0]},
        {"d2a": {"mean": 634_000.0, "ci95": [634_000.0, 634_000.0]}},
    )
    assert cost_words(more, "p", "day", {"d2a": "Discharge to assess"}) == (
        "costs £925k more (95% CI £900k to £950k); its policy Discharge to assess costs £634k; "
        "waiting falls by 1,606 person-days (95% CI 428 to 2,783); "
        "£1.4k per day of waiting saved (95% CI £798 to £5.2k)"
    )
    # a policy that costs nothing itself (a capacity change): the words say where it is
    staff = results(
        {"mean": 105_000.0, "ci95": [100_000.0, 110_000.0]},
        policy={"agents": {"mean": 0.0, "ci95": [0.0, 0.0]}},
    )
    assert cost_words(staff, "p", "day", {"agents": "Extra helpline agents"}) == (
        "costs £105k more (95% CI £100k to £110k); its policy has no cost of its own "
        "(the difference is in staff, capacity and per-case costs)"
    )
    less = results({"mean": -35_000.0, "ci95": [-50_000.0, -20_000.0]})
    assert cost_words(less, "p") == "costs £35k less (95% CI £20k to £50k)"
    unclear = results(
        {"mean": 5_000.0, "ci95": [-10_000.0, 20_000.0]}, {"mean": 3.0, "ci95": [-1.0, 7.0]}
    )
    assert cost_words(unclear, "p") == (
        f"costs about the same (no clear difference; 95% CI {MINUS}£10k to +£20k); "
        f"no clear change in waiting (95% CI {MINUS}1.00 to +7.00 person-days)"
    )
    # not compared with a baseline: nothing is said against one
    assert cost_words({"variants": {"p": {}}, "comparisons": {}}, "p") == ""


def test_costs_page_shows_the_results_figures_through_the_formatter(qtbot, run):
    scenario, results = run
    panel = CostsPanel()
    qtbot.addWidget(panel)
    panel.set_scenario(scenario)
    panel.show_results(results)
    panel.show()  # built when shown
    assert panel.table is not None and panel.data is not None
    data, table = panel.data, panel.table
    for col, vid in enumerate(data.column_keys):
        block = results["variants"][vid]
        total = estimate_parts(block["cost"]["total"], "money", "day", "total")
        assert first_line(data.cell("total", vid).text) == total[0]
        for part in ("staff_and_capacity", "per_case", "policies"):
            fig = block["cost"][part]
            assert first_line(data.cell(part, vid).text) == money(fig["mean"], minus=MINUS)
        own = block["policy_costs"].get("more_gps")
        cell = data.cell("policy:more_gps", vid).text
        assert cell == (money(own["mean"], minus=MINUS) if own else "not in this variant")
        # the widget shows exactly the data's cells
        for row in range(table.rowCount()):
            assert table.cell_text(row, col) == data.cells[row][col].text
    comparison = results["comparisons"]["more_gps"]
    diff = comparison["cost"]["total"]
    shown = data.cell("total_vs_baseline", "more_gps").text
    size = money(abs(diff["mean"]), minus=MINUS)
    expected = {
        "worse": f"▲ costs {size} more",
        "better": f"▼ costs {size} less",
    }.get(verdict("total", diff), f"no clear difference: {money(diff['mean'], sign=True)}")
    assert first_line(shown) == expected.replace("-", MINUS)
    ratio = comparison["cost_per_waiting_saved"]
    per_saved = data.cell("cost_per_waiting_saved", "more_gps").text
    if ratio is None:
        assert "waiting not clearly reduced" in per_saved
    else:
        assert first_line(per_saved) == estimate_parts(ratio, "money")[0]
    assert data.cell("total_vs_baseline", "baseline").text == "baseline"
    # the words under the table are the summary's, the report's wording
    assert panel.words == [f"More GPs {cost_words(results, 'more_gps', 'day')}."]


def test_results_page_has_a_cost_tile_and_costs_in_its_summary(qtbot, run):
    scenario, results = run
    panel = KpiPanel()
    qtbot.addWidget(panel)
    panel.set_scenario(scenario)
    panel.show_results(results)
    (summary,) = summarise(results, variant_names={"more_gps": "More GPs"})
    assert summary.costs and summary.costs == cost_words(results, "more_gps", "day")
    assert summary.costs in panel.summary_text()
    assert "£" in panel.summary_label.text()
    tile = panel.findChild(QFrame, "costTile")
    assert tile is not None
    expected = cost_table(results, scenario)
    rows = [tile.table.verticalHeaderItem(r).text().replace("\n", " ")
            for r in range(tile.table.rowCount())]  # fmt: skip
    assert rows == [
        "Total cost over the window",
        "Difference from baseline",
        "Each policy's own cost",
        "Cost per day of waiting saved",
    ]
    assert tile.table.cell_text(0, 0) == expected.cell("total", "baseline").text


def test_costs_and_names_from_the_file_are_plain_text(qtbot, run):
    scenario, results = run
    panel = CohortsPanel()
    qtbot.addWidget(panel)
    panel.set_scenario(scenario)
    panel.show_results(results)
    panel.show()
    # a name that looks like HTML is shown as written, never rendered
    labels = {lab.text(): lab for lab in panel.widget().findChildren(QLabel)}
    assert "GP <i>practices</i>" in labels
    assert labels["GP <i>practices</i>"].textFormat() == Qt.TextFormat.PlainText
    name = panel.tables["gp"].accessibleName()
    assert name == "Mean wait at GP <i>practices</i> by cohort and variant"
    spoken = panel.tables["gp"].item(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    base = results["names"]["variants"]["baseline"]
    assert spoken.startswith(f"Older people, {base}: ")  # its row and column said
    header = panel.tables["gp"].horizontalHeaderItem(0)
    assert header.data(Qt.ItemDataRole.AccessibleTextRole) == base


# ---------------------------------------------------------------------------- cohorts
def test_equality_table_cells_equal_the_results(qtbot, run):
    scenario, results = run
    panel = CohortsPanel()
    qtbot.addWidget(panel)
    panel.set_scenario(scenario)
    panel.show_results(results)
    panel.show()
    for metric, _label in EQUALITY_FIGURES:
        index = [k for k, _ in EQUALITY_FIGURES].index(metric)
        panel.figure_combo.setCurrentIndex(index)  # the user's choice rebuilds the tables
        tables = equality_tables(results, scenario, metric)
        # the hospital has no target, so no share within target
        expected = ["gp"] if metric == "share_within_target" else ["gp", "hospital"]
        assert [sid for sid, _, _ in tables] == expected == list(panel.tables)
        kind = kind_of(metric)
        for sid, _name, data in tables:
            table = panel.tables[sid]
            assert table.rowCount() == len(data.row_keys) == 2
            for r, cid in enumerate(data.row_keys):
                for c, vid in enumerate(data.column_keys):
                    figures = results["variants"][vid]["cohorts"][cid]["services"][sid]
                    text = table.cell_text(r, c)
                    assert text == data.cells[r][c].text
                    value, interval = estimate_parts(figures[metric], kind, "day", metric)
                    assert text.startswith(value)
                    gap = figures[metric + "_vs_all"]
                    said = verdict(metric + "_vs_all", gap)
                    if said == "no clear difference":
                        assert "no clear gap" in text and "than everyone" not in text
                    else:
                        assert f"{said} than everyone" in text
                    item = table.item(r, c)
                    spoken = item.data(Qt.ItemDataRole.AccessibleTextRole)
                    assert spoken.startswith(f"{data.row_labels[r]}, {data.column_labels[c]}: ")


def test_journey_times_equal_the_results_with_the_difference_from_baseline(run):
    scenario, results = run
    data = journey_table(results, scenario)
    assert data.row_keys == ["older", "adults"]
    for cid in data.row_keys:
        for vid in data.column_keys:
            fig = results["variants"][vid]["cohorts"][cid]["mean_journey_time"]
            text = data.cell(cid, vid).text
            value, interval = estimate_parts(fig, "time", "day", "mean_journey_time")
            assert text.startswith(f"{value}\n{interval}")
            if vid != "baseline":
                diff = results["comparisons"][vid]["cohorts"][cid]["mean_journey_time"]
                word = verdict("mean_journey_time", diff)
                assert (word if word != "no clear difference" else "no clear difference") in text


@pytest.mark.parametrize(
    ("ci", "said"),
    [
        ((1.1, 1.5), "▲ 1.30 days higher than everyone"),
        ((-0.1, 2.7), "no clear gap: +1.30 days"),
        ((-1.5, -1.1), "▼ 1.30 days lower than everyone"),
    ],
)
def test_a_gap_is_higher_or_lower_only_where_its_interval_excludes_zero(ci, said):
    mean = sum(ci) / 2
    cell = difference_cell(
        {"mean": mean, "ci95": list(ci)}, "mean_wait_vs_all", "time", "day", GAP_WORDS,
        "no clear gap",
    )  # fmt: skip
    assert cell.text.split("\n")[0] == said.replace("-", MINUS)
    # a gap is neither good nor bad: no colour, the words say which way it goes
    assert cell.colour == ""
    # the interval's ends are in the unit of the mean, never mixed
    assert cell.text.split("\n")[1].count("days") == 0


# ---------------------------------------------------------------- exports never stale
class Gate:
    """An engine whose replications wait until the test opens the gate."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.results: dict | None = None

    def experiment(self, scenario, **kwargs):
        cancel = kwargs["cancel"]
        while not self.opened.wait(0.02):
            if cancel():
                from mission_desktop.sim.experiment import ExperimentCancelled

                raise ExperimentCancelled
        return in_process(scenario, **kwargs)


@pytest.fixture
def gated_window(make_window, monkeypatch, tmp_path):
    import mission_desktop.gui.window.main_window as mw

    gate = Gate()

    def run_view():
        return RunView(controller=w.RunController(experiment_fn=gate.experiment))

    monkeypatch.setattr(mw, "RunView", run_view)
    window = make_window()
    path = tmp_path / "costs.mission.json"
    doc = scenario_doc("=HYPERLINK(\"http://example.invalid\",\"Click\")")
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert window.open_file(path) is not None
    window.run_view.set_pace(None)
    yield window, gate
    gate.opened.set()
    window.run_view.shutdown(2.0)


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_export_writes_what_is_shown_never_an_older_run(qtbot, gated_window, prompts, tmp_path):
    window, gate = gated_window
    view = window.run_view
    gate.opened.set()
    with qtbot.waitSignal(view.run_finished, timeout=EVENTUALLY_MS):
        view.start_run()  # the first run: 4 replications
    first = tmp_path / "first.csv"
    assert window.export_csv_action.isEnabled()
    assert window.export_results_csv(first)
    assert ["# replications", "4"] in read_csv(first)

    gate.opened.clear()
    view.replications_spin.setValue(3)
    view.start_run()  # a new run: nothing is shown until it ends
    assert view.results is None
    assert not window.export_csv_action.isEnabled() and not window.export_xlsx_action.isEnabled()
    stale = tmp_path / "during.csv"
    assert not window.export_results_csv(stale)
    assert not window.export_results_xlsx(tmp_path / "during.xlsx")
    assert not stale.exists() and not (tmp_path / "during.xlsx").exists()
    assert prompts.errors[-1][0] == "Nothing to export"
    assert "once it has finished" in prompts.errors[-1][1]

    with qtbot.waitSignal(view.run_finished, timeout=EVENTUALLY_MS):
        gate.opened.set()
    assert window.export_csv_action.isEnabled()
    second = tmp_path / "second.csv"
    assert window.export_results_csv(second)
    rows = read_csv(second)
    assert ["# replications", "3"] in rows and ["# replications", "4"] not in rows
    assert ["# scenario", "'" + window.scenario.name] in rows  # a formula start made inert

    # the scenario edited: its results are no longer shown, and none are exported
    window.document.edit(lambda d: d["run"].__setitem__("seed", 12), "Change the seed")
    assert view.results is None and not window.export_csv_action.isEnabled()
    assert not window.export_results_csv(tmp_path / "edited.csv")
    assert "run the scenario (F5) first" in prompts.errors[-1][1]


def test_reopening_shows_the_last_run_and_exports_it_with_its_revision(
    qtbot, gated_window, make_window, library, tmp_path
):
    window, gate = gated_window
    gate.opened.set()
    with qtbot.waitSignal(window.run_view.run_finished, timeout=EVENTUALLY_MS):
        window.run_view.start_run()
    sid = window.scenario_id
    again = make_window()
    assert again.open_scenario(sid)
    assert again.run_view.results is not None  # the library's last run, shown
    out = tmp_path / "again.csv"
    assert again.export_results_csv(out)
    assert ["# scenario_revision", "1"] in read_csv(out)
    again.run_view.shutdown(2.0)


def test_xlsx_export_from_the_app_has_the_metadata_and_keeps_text_as_text(
    qtbot, gated_window, library, tmp_path
):
    openpyxl = pytest.importorskip("openpyxl")
    window, gate = gated_window
    gate.opened.set()
    before = datetime.now(UTC).replace(microsecond=0)
    with qtbot.waitSignal(window.run_view.run_finished, timeout=EVENTUALLY_MS):
        window.run_view.start_run()
    out = tmp_path / "results.xlsx"
    assert window.export_results_xlsx(out)
    book = openpyxl.load_workbook(out)
    meta = {row[0]: row[1] for row in book["Metadata"].iter_rows(values_only=True)}
    scenario = window.scenario
    assert meta["scenario"] == scenario.name
    assert meta["scenario_revision"] == library.current_revision(window.scenario_id).number == 1
    assert meta["seed"] == scenario.run.seed == 11
    assert meta["replications"] == window.run_view.replications_spin.value() == 4
    assert meta["warm_up"] == scenario.run.warm_up == 5
    assert meta["version"] == ENGINE_VERSION
    # this run's start (provenance, to the second), not an older run's
    assert before <= datetime.fromisoformat(meta["date"]) <= datetime.now(UTC)
    assert "unsaved_edits" not in meta
    # every text cell is text: the hostile name is never a live formula
    texts = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    texts += 1
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
    assert texts > 100
    names = [c.value for row in book["Services"].iter_rows() for c in row]
    assert "GP <i>practices</i>" in names  # names beside ids
