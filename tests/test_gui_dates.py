"""Dates shown where a scenario has ``run.start_date``: map title, plot axis, the results'
backlog at the end, the CLI header and the exports' metadata."""

from __future__ import annotations

import io
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from conftest import example_scenario  # noqa: E402

from mission_desktop.model import scenario_from_dict  # noqa: E402
from mission_desktop.model.dates import (  # noqa: E402
    date_phrase,
    time_with_date,
    window_label,
    window_phrase,
)


def dated(start: str | None = "2027-04-01", unit: str = "day", **run):
    doc = example_scenario()
    doc["time_unit"] = unit
    doc["run"].update(run)
    if start:
        doc["run"]["start_date"] = start
    return scenario_from_dict(doc)


# --------------------------------------------------------------------------- model helpers
def test_time_and_window_phrases():
    s = dated()
    assert time_with_date(s, 90) == "day 90 (30 Jun 2027)"
    assert date_phrase(s, 365) == " on 31 Mar 2028"
    assert window_phrase(s, 0, 365) == "from 1 Apr 2027 to 31 Mar 2028"
    plain = dated(None)
    assert time_with_date(plain, 90) == "day 90"
    assert date_phrase(plain, 365) == window_phrase(plain, 0, 365) == ""
    hourly = dated(unit="hour", horizon=48, warm_up=0)
    assert time_with_date(hourly, 30) == "hour 30 (2 Apr 2027 06:00)"
    import datetime as dt

    assert window_label(dt.date(9999, 12, 1), "week", 0, 1e6) == ""  # past the calendar


# --------------------------------------------------------------------------- CLI and exports
def _results(scenario) -> dict:
    fig = {"mean": 1.0, "ci95": [0.5, 1.5]}
    services = {
        s.id: {"mean_wait": fig, "backlog_at_end": fig} for s in scenario.services
    }
    run = {"horizon": scenario.run.horizon, "warm_up": scenario.run.warm_up}
    run.update(replications=2, seed=scenario.run.seed)
    if scenario.run.start_date:
        run["start_date"] = scenario.run.start_date.isoformat()
    return {
        "format": "mission-desktop/results",
        "version": 2,
        "scenario": scenario.name,
        "run": run,
        "time_unit": scenario.time_unit,
        "variants": {"baseline": {"services": services, "cohorts": {}}},
        "comparisons": {},
    }


def test_cli_header_gives_the_window_in_dates():
    from rich.console import Console

    from mission_desktop.report.console import print_results
    from mission_desktop.sim.experiment import run_experiment

    for start, expected in (
        ("2027-04-01", "days 0 to 5 (after warm-up: from 1 Apr 2027 to 6 Apr 2027)"),
        (None, "days 0 to 5 (after warm-up), seed"),
    ):
        scenario = dated(start, horizon=5, warm_up=0, replications=1)
        results = run_experiment(scenario, variants=["baseline"])
        out = io.StringIO()
        print_results(Console(file=out, width=120), scenario, results)
        assert expected in " ".join(out.getvalue().split())  # as read, whatever the wrapping
        assert ("start_date" in results["run"]) == (start is not None)


def test_export_metadata_has_the_start_date_and_window():
    from mission_desktop.report.tables import metadata

    scenario = dated(warm_up=30, horizon=365)
    rows = dict(metadata(_results(scenario)))
    assert rows["start_date"] == "2027-04-01"
    assert rows["window"] == "from 1 May 2027 to 31 Mar 2028"
    assert "start_date" not in dict(metadata(_results(dated(None))))


# --------------------------------------------------------------------------- the app
def test_map_title_shows_the_date(qtbot):
    from mission_desktop.gui.map.view import ServiceMapView
    from mission_desktop.sim.snapshots import ServiceSnapshot, Snapshot

    view = ServiceMapView()
    qtbot.addWidget(view)
    scenario = dated()
    view.set_scenario(scenario)
    snap = Snapshot(
        variant_id="baseline",
        replication=0,
        time=90.0,
        horizon=365.0,
        services=tuple(
            ServiceSnapshot(s.id, 0, 0, 0, s.capacity, 0.0, 0, 0, 0, 0) for s in scenario.services
        ),
        in_system=0,
        done=False,
    )
    view.update_snapshot(snap)
    assert "day 90 (30 Jun 2027) of 365" in view._title.text()


def test_kpi_backlog_at_end_names_its_date(qtbot):
    from mission_desktop.gui.run.kpi_panel import KpiPanel

    scenario = dated()
    panel = KpiPanel()
    qtbot.addWidget(panel)
    panel.set_scenario(scenario)
    panel.show_results(_results(scenario))
    from PySide6.QtWidgets import QLabel

    texts = [w.text() for w in panel.findChildren(QLabel)]
    assert "Backlog at end on 31 Mar 2028" in texts
    plain = dated(None)
    panel.set_scenario(plain)
    panel.show_results(_results(plain))
    texts = [w.text() for w in panel.findChildren(QLabel)]
    assert "Backlog at end" in texts and not any("on 31 Mar" in t for t in texts)


def test_plot_time_axis_in_dates(qtbot):
    from mission_desktop.gui.shared.date_axis import DateAxis

    axis = DateAxis(dated())
    assert axis.tickStrings([0, 90, 365], 1, 90) == ["1 Apr 2027", "30 Jun 2027", "31 Mar 2028"]
    hourly = DateAxis(dated(unit="hour", horizon=48, warm_up=0))
    assert hourly.tickStrings([0, 6, 30], 1, 6) == ["00:00", "06:00", "06:00"]
    assert hourly.tickStrings([0, 48], 1, 48) == ["1 Apr 2027", "3 Apr 2027"]


def test_live_plots_use_the_date_axis_only_with_a_start_date(qtbot):
    from mission_desktop.gui.run.plots import LivePlots
    from mission_desktop.gui.shared.date_axis import DateAxis

    plots = LivePlots()
    qtbot.addWidget(plots)
    plots.set_scenario(dated())
    assert all(isinstance(p.getAxis("bottom"), DateAxis) for p in plots._plots.values())
    plots.set_scenario(dated(None))
    assert not any(isinstance(p.getAxis("bottom"), DateAxis) for p in plots._plots.values())
