"""Common random numbers with the version-2 fields, bit for bit: today's people draw from
their own stream, neutral v2 settings change nothing, and keeping a visit log changes
nothing."""

from __future__ import annotations

import copy

import pytest
from builders import build

from mission_desktop.sim import Simulation

EXPO = {"dist": "exponential", "mean": 1.0}


def services(initial_a=None, initial_b=None):
    a = {"id": "a", "name": "A", "capacity": None, "service_time": {"dist": "gamma", "mean": 2, "sd": 1}}
    b = {
        "id": "b",
        "name": "B",
        "capacity": 2,
        "service_time": EXPO,
        "patience": {"dist": "exponential", "mean": 3},
    }
    c = {"id": "c", "name": "C", "capacity": 1, "service_time": {"dist": "exponential", "mean": 0.4}}
    if initial_a:
        a["initial"] = initial_a
    if initial_b:
        b["initial"] = initial_b
    return [a, b, c]


COHORTS = [
    {"id": "x", "name": "X", "arrivals": {"rate": 3}, "entry": "a"},
    {"id": "y", "name": "Y", "arrivals": {"rate": 1.5}, "entry": "b"},
    {"id": "z", "name": "Z", "arrivals": {"rate": 2}, "entry": "c"},
]


def run(svcs, cohorts=COHORTS, replication: int = 3):
    rows: list[tuple] = []
    sc = build(svcs, cohorts, horizon=200, warm_up=0, seed=99)
    summary = Simulation(sc, "baseline", replication, visit_log=rows.extend).run()
    return summary, rows


def regular(rows, service: str):
    """The visits of people who arrived during the run (not today's people), without the
    person number (numbers count today's people too)."""
    return [r[1:] for r in rows if r[1] == service and r[2] == r[2] and r[2] >= 0]


@pytest.mark.parametrize("replication", [0, 3])
def test_an_initial_list_disturbs_no_other_stream(replication: int) -> None:
    plain, plain_rows = run(services(), replication=replication)
    today = [{"cohort": "x", "in_service": 30}]
    queue = [
        {"cohort": "y", "waiting": 12, "waited": {"dist": "uniform", "low": 0, "high": 9}},
        {"cohort": "y", "in_service": 2},
    ]
    with_a, rows_a = run(services(initial_a=today), replication=replication)
    with_b, rows_b = run(services(initial_b=queue), replication=replication)
    # A is self-service with no routes: its outside arrivals and their service times are
    # drawn exactly as before, so every later visit there is identical, bit for bit
    assert regular(rows_a, "a") == regular(plain_rows, "a")
    assert len([r for r in rows_a if r[1] == "a"]) == len(regular(plain_rows, "a")) + 30
    # services and cohorts the initial people never meet are untouched
    for sid in ("b", "c"):
        assert with_a.services[sid] == plain.services[sid]
    for sid in ("a", "c"):
        assert with_b.services[sid] == plain.services[sid]
    assert with_b.cohorts["z"] == plain.cohorts["z"] and with_b.cohorts["x"] == plain.cohorts["x"]
    # B's outside arrivals are the same people at the same times
    arrivals = sorted(r[1] for r in regular(rows_b, "b"))
    assert arrivals == sorted(r[1] for r in regular(plain_rows, "b"))
    assert with_b.services["b"] != plain.services["b"], "the queue at B does change B"


def test_neutral_v2_settings_are_bit_identical() -> None:
    plain, _ = run(services())
    svcs = services(initial_a=[])
    svcs[0]["service_time"] = {**svcs[0]["service_time"], "min": 0}
    svcs[2]["service_time"] = {**svcs[2]["service_time"], "max": 1e9}
    cohorts = copy.deepcopy(COHORTS)
    cohorts[1]["arrivals"]["growth"] = {"factor": 1, "every": 365}
    neutral, _ = run(svcs, cohorts)
    assert neutral.services == plain.services and neutral.cohorts == plain.cohorts


def test_keeping_a_visit_log_changes_no_result() -> None:
    sc = build(services(initial_b=[{"cohort": "y", "waiting": 5}]), COHORTS, horizon=200, seed=5)
    without = Simulation(sc, "baseline", 1).run()
    rows: list[tuple] = []
    with_log = Simulation(sc, "baseline", 1, visit_log=rows.extend).run()
    assert with_log.services == without.services and with_log.cohorts == without.cohorts
    assert with_log.cost == without.cost and with_log.series_queue == without.series_queue
    assert rows


def test_the_run_size_guard_counts_growth_and_todays_people() -> None:
    from mission_desktop.sim import expected_events

    cohorts = copy.deepcopy(COHORTS)
    plain = build(services(), cohorts, horizon=200)
    cohorts[0]["arrivals"]["growth"] = {"factor": 2, "every": 100}  # mean ×3/(2 ln 2) over 200
    grown = build(services(initial_b=[{"cohort": "y", "waiting": 40}]), cohorts, horizon=200)
    a0, e0 = expected_events(plain, "baseline")
    a1, e1 = expected_events(grown, "baseline")
    extra = 3 * 200 * (3 / (2 * 0.6931471805599453) - 1)  # cohort x: rate 3
    assert a1 - a0 == pytest.approx(extra)
    assert e1 > e0 + extra + 80 - 1e-6


def test_a_huge_initial_list_is_refused_before_running() -> None:
    """Hostile input: a million people in each of many items must not be built in memory."""
    from mission_desktop.sim import run_size_problems

    huge = [{"cohort": "y", "waiting": 1_000_000} for _ in range(30)]
    sc = build(services(initial_b=huge), COHORTS, horizon=200)
    (problem,) = run_size_problems(sc, ["baseline"])
    assert "events in each replication" in problem
