"""The command line: exit codes, messages, and the results files it writes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mission_desktop.cli import main

SMALL = {
    "format": "mission-desktop/scenario",
    "version": 1,
    "name": "Small test",
    "time_unit": "day",
    "run": {"horizon": 200, "warm_up": 20, "replications": 3, "seed": 7},
    "services": [
        {
            "id": "gp",
            "name": "GP practice",
            "capacity": 2,
            "service_time": {"dist": "exponential", "mean": 0.5},
            "target": {"wait": 1, "within": 0.9},
            "cost": {"per_server_per_time": 100, "per_case": 5},
            "routes": [{"to": "clinic", "p": 0.5}],
        },
        {
            "id": "clinic",
            "name": "Clinic",
            "capacity": 1,
            "service_time": {"dist": "exponential", "mean": 0.8},
        },
    ],
    "cohorts": [{"id": "adults", "name": "Adults", "arrivals": {"rate": 2}, "entry": "gp"}],
    "policies": [
        {
            "id": "more_gps",
            "name": "More GPs",
            "cost": {"one_off": 1000},
            "changes": [{"lever": "capacity", "service": "gp", "add": 1}],
        }
    ],
}
SERVICE_METRICS = {
    "mean_wait",
    "p90_wait",
    "mean_time_in_system",
    "mean_queue_length",
    "utilisation",
    "throughput",
    "abandoned",
    "turned_away",
    "mean_blocked_time",
    "backlog_at_end",
    "share_within_target",
}


@pytest.fixture
def small_file(tmp_path):
    p = tmp_path / "small.mission.json"
    p.write_text(json.dumps(SMALL), encoding="utf-8")
    return p


def test_run_writes_results_json_in_the_contract_shape(small_file, tmp_path, capsys):
    out = tmp_path / "results.json"
    assert main(["run", str(small_file), "--json", str(out), "--workers", "1"]) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["format"] == "mission-desktop/results"
    assert results["version"] == 1
    assert results["scenario"] == "Small test"
    assert results["run"] == {"horizon": 200, "warm_up": 20, "replications": 3, "seed": 7}
    assert set(results["variants"]) == {"baseline", "more_gps"}
    gp = results["variants"]["baseline"]["services"]["gp"]
    assert set(gp) == SERVICE_METRICS
    lo, hi = gp["mean_wait"]["ci95"]
    assert lo <= gp["mean_wait"]["mean"] <= hi
    assert results["variants"]["baseline"]["services"]["clinic"]["share_within_target"] is None
    cohort = results["variants"]["baseline"]["cohorts"]["adults"]
    assert set(cohort) == {"mean_journey_time", "completed", "abandoned", "turned_away"}
    assert "total" in results["variants"]["baseline"]["cost"]
    # comparisons at top level, for every variant but the baseline
    assert set(results["comparisons"]) == {"more_gps"}
    d = results["comparisons"]["more_gps"]["services"]["gp"]["mean_wait"]
    assert d["mean"] < 0 and d["ci95"][1] < 0  # a third GP cuts the GP wait, clearly
    printed = capsys.readouterr().out
    assert "GP practice" in printed and "better" in printed


def test_run_csv_and_xlsx(small_file, tmp_path):
    csv_path, xlsx_path = tmp_path / "r.csv", tmp_path / "r.xlsx"
    args = ["run", str(small_file), "--csv", str(csv_path), "--xlsx", str(xlsx_path)]
    assert main(args + ["--quiet", "--workers", "1", "--replications", "2"]) == 0
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "section,variant,kind,id,metric,mean,ci95_low,ci95_high"
    assert any(
        line.startswith("difference_vs_baseline,more_gps,service,gp,mean_wait,") for line in lines
    )
    from openpyxl import load_workbook

    wb = load_workbook(xlsx_path)
    assert wb.sheetnames == ["Results", "Differences vs baseline", "About"]
    assert wb["Results"].max_row > 10


def test_overrides_and_variant_selection(small_file, tmp_path):
    out = tmp_path / "r.json"
    args = ["run", str(small_file), "--json", str(out), "--quiet", "--workers", "1"]
    assert main(args + ["--replications", "2", "--seed", "3", "--horizon", "100"]) == 0
    r = json.loads(out.read_text())
    assert r["run"] == {"horizon": 100, "warm_up": 20, "replications": 2, "seed": 3}
    assert main(args + ["--variant", "more_gps"]) == 0
    # baseline is added so that the comparison exists
    assert set(json.loads(out.read_text())["variants"]) == {"baseline", "more_gps"}


def test_bad_inputs_exit_2_with_a_message(small_file, tmp_path, capsys):
    assert main(["run", str(small_file), "--variant", "nope", "--quiet"]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["run", str(small_file), "--horizon", "10"]) == 2  # horizon ≤ warm_up
    assert "horizon" in capsys.readouterr().err
    assert main(["run", str(tmp_path / "missing.mission.json")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["run", str(small_file), "--replications", "0"]) == 2
    assert "whole number" in capsys.readouterr().err
    assert main(["frobnicate", "x", "y"]) == 2
    assert main(["run", str(small_file), "--json", str(tmp_path / "no" / "dir.json")]) == 2


def test_validate_lists_every_problem(small_file, tmp_path, capsys):
    assert main(["validate", str(small_file)]) == 0
    assert "valid" in capsys.readouterr().out
    broken = json.loads(json.dumps(SMALL))
    broken["services"][1]["capacity"] = 0
    broken["cohorts"][0]["entry"] = [{"to": "gp", "p": 0.5}, {"to": "clinic", "p": 0.4}]
    bad = tmp_path / "bad.mission.json"
    bad.write_text(json.dumps(broken))
    assert main(["validate", str(small_file), str(bad)]) == 2
    out = capsys.readouterr().out
    # the named form: the place, the service or cohort by its name, then the field
    assert "services[1] “Clinic”: capacity must be a whole number ≥ 1" in out
    assert "cohorts[0] “Adults”: entry" in out and "sum to exactly 1" in out


def test_version_and_module_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "mission_desktop", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("mission-desktop ")


def test_not_json_never_shows_a_traceback(tmp_path):
    p = tmp_path / "x.mission.json"
    p.write_bytes(b"\xff\xfe not json")
    proc = subprocess.run(
        [sys.executable, "-m", "mission_desktop", "run", str(p)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "UTF-8" in proc.stderr


def test_a_run_too_large_to_attempt_is_refused_before_it_starts(tmp_path, capsys):
    huge = json.loads(json.dumps(SMALL))
    huge["run"]["horizon"] = 1e9  # the longest horizon a file may have
    huge["cohorts"][0]["arrivals"]["rate"] = 1e9
    p = tmp_path / "huge.mission.json"
    p.write_text(json.dumps(huge))
    assert main(["run", str(p), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "cannot run" in err and "events in each replication" in err


def test_cancelling_a_parallel_experiment_ends_its_worker_processes(tmp_path):
    import multiprocessing

    from mission_desktop.model import scenario_from_dict
    from mission_desktop.sim import ExperimentCancelled, run_replications

    doc = json.loads(json.dumps(SMALL))
    doc["run"]["horizon"] = 20000  # long enough that workers are busy when we cancel
    s = scenario_from_dict(doc)
    started = []
    with pytest.raises(ExperimentCancelled):
        run_replications(
            s,
            [("baseline", r) for r in range(6)],
            workers=2,
            progress=lambda done, total: started.append(done),
            cancel=lambda: bool(started),
        )
    assert multiprocessing.active_children() == []


def test_no_display_is_explained_instead_of_a_qt_abort():
    from mission_desktop.cli import display_problem

    assert "no display" in display_problem(environ={}, platform="linux")
    assert display_problem(environ={"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None
    assert display_problem(environ={"WAYLAND_DISPLAY": "wayland-0"}, platform="linux") is None
    assert display_problem(environ={}, platform="win32") is None
