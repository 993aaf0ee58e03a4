"""Validation grows linearly: a file with tens of thousands of problems is reported in time
proportional to their number (the work is counted, never timed), and its message lists the
first problems and counts the rest."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import example_scenario

from mission_desktop.model import ScenarioError, loads_scenario, places
from mission_desktop.model.errors import MAX_LISTED


def _misspelt(n: int) -> str:
    doc: dict[str, Any] = example_scenario()
    for i in range(n):
        doc["services"][0][f"capacity{i}"] = 1  # n unknown keys in one object
    return json.dumps(doc)


def _steps(n: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, ScenarioError]:
    made: list[places.Positions] = []

    class Counted(places.Positions):
        def __init__(self, doc: Any):
            super().__init__(doc)
            made.append(self)

    monkeypatch.setattr(places, "Positions", Counted)
    with pytest.raises(ScenarioError) as info:
        loads_scenario(_misspelt(n))
    return sum(p.steps for p in made), info.value


def test_many_misspelt_keys_are_listed_with_a_cap_and_ordered_in_linear_work(monkeypatch):
    small, _ = _steps(10_000, monkeypatch)
    large, error = _steps(20_000, monkeypatch)
    assert len(error.problems) == 20_000
    lines = str(error).splitlines()
    assert lines[0] == "20,000 problems found:"
    assert lines[-1] == f"  … and {20_000 - MAX_LISTED:,} more"
    assert len(lines) == MAX_LISTED + 2
    # linear: twice the problems, twice the work (quadratic would be four times). The
    # counts are exact and deterministic: 2.1 leaves room only for the fixed part.
    assert large / small < 2.1, (small, large)
    assert small >= 10_000  # the counter does count the work


def test_the_first_problems_listed_are_the_first_in_the_file(monkeypatch) -> None:
    _, error = _steps(300, monkeypatch)
    shown = [p.path for p in error.problems[:3]]
    assert shown == [f"services[0].capacity{i}" for i in range(3)]


def _big(n: int) -> dict[str, Any]:
    return {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": "big",
        "run": {"horizon": 10},
        "services": [
            {
                "id": f"s{i}",
                "name": f"Service {i}",
                "capacity": 5,
                "service_time": {"dist": "exponential", "mean": 1},
                "routes": [{"to": f"s{(i + 1) % n}", "p": 0.5}],
            }
            for i in range(n)
        ],
        "cohorts": [
            {
                "id": f"c{i}",
                "name": f"Cohort {i}",
                "arrivals": {"rate": 0.01},
                "entry": f"s{i}",
                "routes": {f"s{i}": [{"to": f"s{(i + 2) % n}", "p": 0.3}]},
            }
            for i in range(n)
        ],
    }


def test_the_largest_scenario_validates_and_names_a_problem_deep_in_it() -> None:
    from mission_desktop.model import scenario_from_dict

    doc = _big(500)  # the most services and cohorts a file may have
    assert len(scenario_from_dict(doc).services) == 500
    doc["services"][499]["capacity"] = 0
    doc["cohorts"][498]["entry"] = "nowhere"
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(doc)
    assert [str(p) for p in info.value.problems] == [
        "services[499] “Service 499”: capacity must be a whole number ≥ 1",
        "cohorts[498] “Cohort 498”: entry: no service has id 'nowhere'",
    ]
