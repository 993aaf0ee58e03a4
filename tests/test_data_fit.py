"""Reading event logs for `fit`: every unusable row reported with its number and why, a log
unusable as a whole refused (exit 2) with what is wrong, CSV/XLSX/Parquet, column mapping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from logs import write_rows

from mission_desktop.cli import main
from mission_desktop.data import LogError, fit_log, parse_columns, render_fit
from mission_desktop.data.logread import read_log
from mission_desktop.model import load_scenario

SAME = "SELECT * EXCLUDE (row) FROM v ORDER BY row"
HEADER = ["person", "service", "arrived", "started", "ended", "outcome", "cohort"]
GOOD = [
    ["p1", "Desk", "2024-03-04T09:00", "2024-03-04T09:05", "2024-03-04T09:20", "", "adults"],
    ["p1", "Team", "2024-03-04T09:20", "2024-03-04T10:00", "2024-03-04T12:00", "", "adults"],
    ["p2", "Desk", "2024-03-05T10:00", "2024-03-05T10:30", "2024-03-05T10:45", "completed", ""],
    ["p3", "Desk", "2024-03-06T08:00", "", "2024-03-06T09:00", "abandoned", "adults"],
    ["p4", "Team", "2024-03-06T11:00", "", "", "", "adults"],
    ["p5", "Team", "2024-03-06T12:00", "2024-03-06T13:00", "", "", ""],
]
BAD = {  # kind → a row of that kind
    "no person": ["", "Desk", "2024-03-04T09:00", "", "", "", ""],
    "no service": ["b", "", "2024-03-04T09:00", "", "", "", ""],
    "no arrival time": ["b", "Desk", "", "", "", "", ""],
    "unparseable time in arrived": ["b", "Desk", "next tuesday", "", "", "", ""],
    "unparseable time in started": ["b", "Desk", "2024-03-04T09:00", "31/12/2024", "", "", ""],
    "unparseable time in ended": ["b", "Desk", "2024-03-04T09:00", "2024-03-04T09:01", "soon", "", ""],
    "unknown outcome": ["b", "Desk", "2024-03-04T09:00", "", "", "vanished", ""],
    "started before it arrived": ["b", "Desk", "2024-03-04T09:00", "2024-03-04T08:00", "", "", ""],
    "ended before it started": ["b", "Desk", "2024-03-04T09:00", "2024-03-04T09:30", "2024-03-04T09:10", "", ""],
    "ended before it arrived": ["b", "Desk", "2024-03-04T09:00", "", "2024-03-04T08:00", "abandoned", ""],
    "outcome completed but it never started": ["b", "Desk", "2024-03-04T09:00", "", "2024-03-04T10:00", "completed", ""],
    "outcome completed but no ended time": ["b", "Desk", "2024-03-04T09:00", "2024-03-04T09:10", "", "completed", ""],
    "gave up or turned away after service started": ["b", "Desk", "2024-03-04T09:00", "2024-03-04T09:10", "2024-03-04T09:20", "abandoned", ""],
    "outcome abandoned but no ended time (when they gave up)": ["b", "Desk", "2024-03-04T09:00", "", "", "abandoned", ""],
    "ended but never started, and no outcome says why": ["b", "Desk", "2024-03-04T09:00", "", "2024-03-04T09:20", "", ""],
}


@pytest.mark.parametrize("kind", list(BAD))
def test_each_kind_of_bad_row_is_reported_with_its_row_number(tmp_path: Path, kind: str) -> None:
    path = write_rows(tmp_path / "log.csv", HEADER, GOOD[:3] + [BAD[kind]] + GOOD[3:])
    log = read_log(path)
    try:
        assert log.bad_kinds == {kind: 1}
        number, why = log.bad_listed[0]
        assert number == 5, "header is row 1; the bad row is the 4th data row"
        assert why.startswith(kind)
        assert log.used == len(GOOD) and log.rows == len(GOOD) + 1
    finally:
        log.close()


def test_a_malformed_csv_line_is_reported_and_later_rows_keep_their_numbers(tmp_path) -> None:
    path = tmp_path / "log.csv"
    lines = [",".join(HEADER)] + [",".join(r) for r in GOOD[:2]]
    lines += ["p9,Desk,2024-03-04T09:00,,,,,extra,cells", ",".join(BAD["unknown outcome"])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log = read_log(path)
    try:
        assert [n for n, _ in log.bad_listed] == [4, 5]
        assert "not a well-formed row" in log.bad_listed[0][1]
        assert log.bad_listed[1][1].startswith("unknown outcome: 'vanished'")
    finally:
        log.close()


def test_the_listing_stops_at_20_and_counts_the_rest(tmp_path: Path) -> None:
    rows = GOOD + [BAD["ended before it started"]] * 45
    result = fit_log(write_rows(tmp_path / "log.csv", HEADER, rows))
    try:
        text = render_fit(result)
        assert result.log.bad_count == 45 and len(result.log.bad_listed) == 20
        assert "and 25 more" in text
        assert "ended before it started 45" in text
    finally:
        result.log.close()


def test_control_characters_from_the_log_are_escaped(tmp_path: Path) -> None:
    rows = [[p, "Desk\x1b[31m\u202e", *rest] for p, _, *rest in GOOD[:3]]
    rows.append(["x", "Desk", "2024-03-04T09:00", "", "", "gone\x07", ""])
    result = fit_log(write_rows(tmp_path / "log.csv", HEADER, rows))
    try:
        text = render_fit(result)
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
        assert "\\x1b[31m\\u202e" in text and "gone\\x07" in text
        assert result.scenario.services[0].id == "desk_31m"
    finally:
        result.log.close()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "header but no rows"),
        ([BAD["no person"], BAD["ended before it started"]], "none of its 2 rows can be used"),
        ([["p", "Desk", "soon", "", "", "", ""]], "no arrival time can be read"),
        ([["p", "Desk", "", "", "", "", ""]], "no row has an arrival time"),
    ],
)
def test_an_unusable_log_is_refused(tmp_path: Path, rows, message: str) -> None:
    with pytest.raises(LogError, match=message):
        read_log(write_rows(tmp_path / "log.csv", HEADER, rows))


def test_missing_columns_are_named_and_can_be_mapped(tmp_path: Path) -> None:
    header = ["Client", "Team", "Referred", "Seen", "Closed", "outcome", "cohort"]
    path = write_rows(tmp_path / "log.csv", header, GOOD)
    with pytest.raises(LogError, match=r"no person, service, arrived columns .*Client"):
        read_log(path)
    mapping = parse_columns("person=Client, service=Team,arrived=Referred,started=Seen,ended=Closed")
    log = read_log(path, mapping)
    try:
        assert log.used == len(GOOD)
    finally:
        log.close()
    with pytest.raises(LogError, match="no such column"):
        read_log(path, parse_columns("person=Nobody"))
    for bad in ("persn=Client", "person", "person=A,person=B"):
        with pytest.raises(LogError, match="--columns"):
            parse_columns(bad)


def test_xlsx_and_parquet_read_like_csv(tmp_path: Path) -> None:
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = GOOD + [BAD["unknown outcome"]]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for r in rows:
        sheet.append([v or None for v in r])
    book.save(tmp_path / "log.xlsx")
    table = pa.table({h: [r[i] or None for r in rows] for i, h in enumerate(HEADER)})
    pq.write_table(table, tmp_path / "log.parquet")
    csv_log = read_log(write_rows(tmp_path / "log.csv", HEADER, rows))
    try:
        expected = csv_log.con.execute(SAME).fetchall()
        for name, number in (("log.xlsx", 8), ("log.parquet", 7)):
            log = read_log(tmp_path / name)
            try:
                assert log.con.execute(SAME).fetchall() == expected
                assert log.bad_listed[0][0] == number, name
            finally:
                log.close()
    finally:
        csv_log.close()


def test_numeric_times_and_the_end_of_log_state(tmp_path: Path) -> None:
    rows = [
        ["1", "desk", "0.5", "0.5", "1.5", "", ""],
        ["2", "desk", "1.0", "1.5", "", "", ""],
        ["3", "desk", "2.0", "", "", "", ""],
    ]
    result = fit_log(write_rows(tmp_path / "log.csv", HEADER, rows), time_unit="hour")
    try:
        s = result.scenario
        assert result.log.numeric and result.log.length == 2 and s.run.start_date is None
        (item,) = s.services[0].initial
        assert (item.waiting, item.in_service) == (1, 1)
        assert item.waited.values == (0.0,), "waited from its arrival at 2 to the end at 2"
    finally:
        result.log.close()


def test_cli_fit_writes_a_valid_scenario_and_refuses_with_exit_2(tmp_path: Path, capsys) -> None:
    log = write_rows(tmp_path / "log.csv", HEADER, GOOD + [BAD["unknown outcome"]])
    out = tmp_path / "fitted.mission.json"
    assert main(["fit", str(log), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "row 8" in text and "unknown outcome" in text and "SUGGESTED" in text
    scenario = load_scenario(out)
    assert scenario.run.start_date.isoformat() == "2024-03-07"
    assert {s.name for s in scenario.services} == {"Desk", "Team"}
    empty = write_rows(tmp_path / "empty.csv", HEADER, [])
    assert main(["fit", str(empty), "--out", str(out)]) == 2
    assert "header but no rows" in capsys.readouterr().err
    assert main(["fit", str(tmp_path / "nope.csv"), "--out", str(out)]) == 2
    assert main(["fit", str(log), "--out", str(tmp_path / "x.txt")]) == 2
    assert main(["fit", str(log), "--columns", "who=x", "--out", str(out)]) == 2


def test_cli_calibrate(tmp_path: Path, capsys) -> None:
    log = write_rows(tmp_path / "log.csv", HEADER, GOOD)
    fitted = tmp_path / "fitted.mission.json"
    assert main(["fit", str(log), "--out", str(fitted), "--quiet"]) == 0
    out = tmp_path / "cal.json"
    assert main(["calibrate", str(fitted), "--json", str(out), "--workers", "1"]) == 0
    text = capsys.readouterr().out
    assert "Simulated (95% range)" in text
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "mission-desktop/calibration" and data["replications"] == 10
    figure = data["services"]["desk"]["figures"]["throughput"]
    assert set(figure) == {"observed", "simulated", "inside"}
    plain = tmp_path / "plain.mission.json"
    doc = json.loads(fitted.read_text(encoding="utf-8"))
    for s in doc["services"]:
        s.pop("observed")
    plain.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["calibrate", str(plain)]) == 2
    assert "nothing to calibrate" in capsys.readouterr().err


def test_a_service_where_nobody_waited_is_suggested_unlimited(tmp_path: Path) -> None:
    rows = [
        ["1", "desk", "0.5", "0.5", "1.5", "", ""],
        ["2", "desk", "1.0", "1.0", "3.0", "", ""],
        ["3", "team", "1.0", "1.5", "2.0", "", ""],
    ]
    result = fit_log(write_rows(tmp_path / "log.csv", HEADER, rows))
    try:
        desk, team = result.scenario.services
        assert desk.capacity is None and desk.observed.utilisation is None
        assert team.capacity == 1 and team.observed.utilisation is not None
        assert "Capacity: unlimited — SUGGESTED" in render_fit(result)
    finally:
        result.log.close()


def test_the_shipped_example_log_fits_cleanly() -> None:
    root = Path(__file__).resolve().parent.parent / "scenarios"
    log = root / "example_event_log.csv"
    assert log.stat().st_size < 3 * 2**20
    truth = load_scenario(root / "homelessness_prevention.mission.json")
    result = fit_log(log)
    try:
        assert result.log.bad_count == 0 and result.log.rows > 20_000
        assert {s.id for s in result.scenario.services} == {s.id for s in truth.services}
        assert result.scenario.run.start_date is not None
    finally:
        result.log.close()
