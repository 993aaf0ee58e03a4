"""``run --log``: the per-visit records, streamed to disk in chunks, in CSV or Parquet."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from builders import build

from mission_desktop.cli import main
from mission_desktop.report import visitlog
from mission_desktop.sim import Simulation

SCENARIO = {
    "format": "mission-desktop/scenario",
    "version": 2,
    "name": "Log test",
    "run": {"horizon": 60, "warm_up": 0, "replications": 3, "seed": 4},
    "services": [
        {
            "id": "desk",
            "name": "Front desk",
            "capacity": 1,
            "service_time": {"dist": "exponential", "mean": 0.4},
            "patience": {"dist": "exponential", "mean": 2},
            "queue_limit": 4,
            "routes": [{"to": "team", "p": 0.5}],
            "initial": [{"cohort": "people", "waiting": 3, "in_service": 1}],
        },
        {
            "id": "team",
            "name": "Casework team",
            "capacity": 2,
            "service_time": {"dist": "normal", "mean": 1.5, "sd": 1, "min": 0.2},
        },
    ],
    "cohorts": [{"id": "people", "name": "People", "arrivals": {"rate": 2}, "entry": "desk"}],
    "policies": [
        {
            "id": "more",
            "name": "More staff",
            "changes": [{"lever": "capacity", "service": "desk", "add": 1}],
        }
    ],
}


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "log.mission.json"
    path.write_text(json.dumps(SCENARIO), encoding="utf-8")
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_log_matches_the_results(scenario_file: Path, tmp_path: Path) -> None:
    log, out = tmp_path / "visits.csv", tmp_path / "results.json"
    args = ["run", str(scenario_file), "--quiet", "--workers", "2", "--json", str(out)]
    assert main([*args, "--log", str(log)]) == 0
    rows = read_csv(log)
    assert list(rows[0]) == list(visitlog.COLUMNS)
    results = json.loads(out.read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "parts removed"
    # every replication of every variant, in order
    seen = list(dict.fromkeys((r["variant"], r["replication"]) for r in rows))
    assert seen == [(v, str(r)) for v in ("baseline", "more") for r in range(3)]
    for variant, block in results["variants"].items():
        for sid, figures in block["services"].items():
            mine = [r for r in rows if r["variant"] == variant and r["service"] == sid]
            completed = [r for r in mine if r["outcome"] == "completed"]
            # throughput: completions in the window [0, 60] per time unit, averaged
            assert len(completed) / 3 / 60 == pytest.approx(figures["throughput"]["mean"])
            gave_up = [r for r in mine if r["outcome"] == "abandoned"]
            assert len(gave_up) / 3 / 60 == pytest.approx(figures["abandoned"]["mean"])
            turned = [r for r in mine if r["outcome"] == "turned_away"]
            assert len(turned) / 3 / 60 == pytest.approx(figures["turned_away"]["mean"])
            waiting = [r for r in mine if r["outcome"] == "" and r["started"] == ""]
            assert len(waiting) / 3 == pytest.approx(figures["backlog_at_end"]["mean"])
    for r in rows:
        for column in ("arrived", "started", "ended"):
            assert r[column] == "" or math.isfinite(float(r[column]))
        if r["started"] and r["arrived"]:
            assert float(r["arrived"]) <= float(r["started"])
        if r["ended"] and r["started"]:
            assert float(r["started"]) <= float(r["ended"])
        if r["outcome"] in ("abandoned", "turned_away"):
            assert r["started"] == "" and r["ended"] != ""
    today = [r for r in rows if r["service"] == "desk" and r["arrived"] and float(r["arrived"]) <= 0]
    assert len(today) == 3 * 2 * 3, "the three waiting at time 0, in every run"
    unknown = [r for r in rows if r["arrived"] == ""]
    assert len(unknown) == 2 * 3, "the one in service at time 0: arrival unknown"
    # the log changes no result
    plain = tmp_path / "plain.json"
    assert main(["run", str(scenario_file), "--quiet", "--workers", "1", "--json", str(plain)]) == 0
    again = json.loads(plain.read_text(encoding="utf-8"))
    assert again["variants"] == results["variants"]


def test_the_log_as_parquet(scenario_file: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    csv_log, parquet_log = tmp_path / "v.csv", tmp_path / "v.parquet"
    assert main(["run", str(scenario_file), "--quiet", "--workers", "1", "--log", str(csv_log)]) == 0
    assert main(["run", str(scenario_file), "--quiet", "--log", str(parquet_log)]) == 0
    table = pq.read_table(parquet_log)
    assert table.column_names == list(visitlog.COLUMNS)
    assert str(table.schema.field("arrived").type) == "double"
    assert str(table.schema.field("person").type) == "int64"
    from_csv = read_csv(csv_log)
    from_parquet = table.to_pylist()
    assert len(from_parquet) == len(from_csv)
    for a, b in zip(from_csv, from_parquet, strict=True):
        for column in visitlog.COLUMNS:
            value = b[column]
            assert a[column] == ("" if value is None else str(value)), (column, a, b)


@pytest.mark.parametrize(
    ("name", "words"),
    [("visits.txt", "must end in .csv or .parquet"), ("missing/visits.csv", "does not exist")],
)
def test_a_log_that_cannot_be_written(scenario_file, tmp_path, capsys, name, words) -> None:
    assert main(["run", str(scenario_file), "--quiet", "--log", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_parquet_without_pyarrow_says_how_to_get_it(scenario_file, tmp_path, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a)
    )
    assert main(["run", str(scenario_file), "--quiet", "--log", str(tmp_path / "v.parquet")]) == 2
    err = capsys.readouterr().err
    assert "pyarrow" in err and "mission-desktop[data]" in err and ".csv" in err
    assert not (tmp_path / "v.parquet").exists()


def test_rows_reach_the_sink_in_bounded_chunks() -> None:
    """The engine never holds more than one chunk of rows: a long run's log streams."""
    sc = build(
        [{"id": "s", "name": "S", "capacity": 2, "service_time": {"dist": "exponential", "mean": 0.4}}],
        [{"id": "c", "name": "C", "arrivals": {"rate": 4}, "entry": "s"}],
        horizon=500,
    )
    chunks: list[int] = []
    sim = Simulation(sc, "baseline", 0, visit_log=lambda rows: chunks.append(len(rows)))
    sim._log.chunk = 100  # small chunks, to see them
    summary = sim.run()
    assert len(chunks) > 10 and max(chunks) <= 100
    assert sum(chunks) >= summary.services["s"]["throughput"] * 500
