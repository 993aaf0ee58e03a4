"""Runs that would never finish are refused up front, naming the place; the traffic
equations are solved once per variant; memory decides how many workers run at once."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from builders import build

from mission_desktop.cli import main
from mission_desktop.model import ScenarioError
from mission_desktop.sim import analysis, overload_warnings, run_experiment, runsize
from mission_desktop.sim.runsize import (
    MAX_EVENTS_PER_REPLICATION,
    estimate,
    run_size_problems,
    worker_count,
)


def svc(sid, capacity=1, mean=1.0, routes=(), **extra):
    st = {"dist": "fixed", "value": 0} if mean == 0 else {"dist": "exponential", "mean": mean}
    return {
        "id": sid,
        "name": f"Service {sid.upper()}",
        "capacity": capacity,
        "service_time": st,
        "routes": list(routes),
        **extra,
    }


def cohort(rate=1.0, entry="a", **arrivals):
    return {"id": "people", "name": "People", "arrivals": {"rate": rate, **arrivals}, "entry": entry}


def problems(s, variant="baseline"):
    return run_size_problems(s, [variant])


# --------------------------------------------------------------------------- schedules and profiles


def test_a_capacity_schedule_with_a_tiny_period_is_refused_naming_the_service():
    # refused when the file is read (the model bounds steps per run), naming the service
    with pytest.raises(ScenarioError) as e:
        build(
            [svc("a", 2, capacity_schedule={"period": 1e-9, "steps": [[0, 2], [5e-10, 1]]})],
            [cohort(0.5)],
            horizon=365,
        )
    (problem,) = e.value.problems
    assert "services[0] “Service A”" in str(problem) and "capacity_schedule.period" in str(problem)
    assert "too short" in problem.message


def test_a_weekly_schedule_over_the_longest_horizon_is_refused():
    with pytest.raises(ScenarioError) as e:
        build(
            [svc("a", 2, capacity_schedule={"period": 7, "steps": [[0, 2], [5, 1]]})],
            [cohort(1e-9)],  # almost no arrivals: the schedule alone is too much
            horizon=1e9,
        )
    (problem,) = e.value.problems
    assert "services[0] “Service A”" in str(problem) and "2.9e+08 times" in problem.message


def test_a_fine_profile_is_refused_naming_the_cohort():
    profile = {"period": 1e-3, "multipliers": [1.0] * 10_000}
    with pytest.raises(ScenarioError) as e:
        build([svc("a", 5, 0.1)], [cohort(0.01, profile=profile)], horizon=100)
    (problem,) = e.value.problems
    assert "cohorts[0] “People”" in str(problem) and "slices" in problem.message


def test_a_profile_of_zeros_over_a_huge_horizon_runs_at_once(tmp_path):
    s = build(
        [svc("a")], [cohort(1.0, profile={"period": 200, "multipliers": [0, 0]})], horizon=1e9
    )
    assert problems(s) == []
    assert estimate(s, "baseline").events == 0
    # before the fix the engine walked 2e9 empty slices; in a subprocess so that a
    # regression fails by the guard below instead of hanging the suite
    code = (
        "import sys; sys.path.insert(0, 'tests'); from builders import build\n"
        "from mission_desktop.sim import simulate\n"
        "s = build([{'id': 'a', 'name': 'A', 'capacity': 1, 'service_time': "
        "{'dist': 'exponential', 'mean': 1}}], [{'id': 'p', 'name': 'P', 'arrivals': "
        "{'rate': 1.0, 'profile': {'period': 200, 'multipliers': [0, 0]}}, 'entry': 'a'}], "
        "horizon=1e9)\n"
        "print(simulate(s).services['a']['throughput'])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )  # a liveness guard, not a timing assertion
    assert proc.returncode == 0, proc.stderr
    assert float(proc.stdout) == 0.0


def test_counts_of_steps_and_slices_follow_the_horizon():
    profile = {"period": 10, "multipliers": [1, 2, 1, 0]}
    schedule = {"period": 5, "steps": [[0, 2], [1, 1], [3, 2]]}
    s = build([svc("a", 2, 0.1, capacity_schedule=schedule)], [cohort(1, profile=profile)], horizon=1000)
    size = estimate(s, "baseline")
    # arrivals 1 × 1000; visits 2 × 1000; 3 steps every 5; 4 slices every 10
    assert size.events == pytest.approx(1000 + 2000 + 600 + 400)
    assert size.events < MAX_EVENTS_PER_REPLICATION


# --------------------------------------------------------------------------- traps


def test_a_zero_duration_service_looping_to_itself_is_refused():
    s = build([svc("a", 1, 0, routes=[{"to": "a", "p": 1}])], [cohort()])
    (message,) = problems(s)
    assert "“Service A” (a)" in message and "never move" in message


def test_unlimited_capacity_looping_to_itself_is_refused():
    s = build([svc("a", None, 1.0, routes=[{"to": "a", "p": 1}])], [cohort()])
    (message,) = problems(s)
    assert "“Service A” (a)" in message and "can never leave" in message


def test_a_loop_of_two_services_with_no_way_out_names_both():
    s = build(
        [
            svc("entry", 3, 0.5, routes=[{"to": "a", "p": 0.5}]),
            svc("a", 2, 1.0, routes=[{"to": "b", "p": 1}]),
            svc("b", 2, 1.0, routes=[{"to": "a", "p": 0.25}, {"to": "b", "p": 0.75}]),
        ],
        [cohort(entry="entry")],
    )
    (message,) = problems(s)
    assert "“Service A” (a), “Service B” (b)" in message and "entry" not in message.split("who")[1]
    with pytest.raises(Exception) as info:
        run_experiment(s, workers=1)
    assert "can never leave" in str(info.value.problems[0].message)


def test_a_loop_in_force_only_after_a_policy_says_from_when():
    trap = {
        "id": "trap",
        "name": "Trap",
        "start": 50,
        "changes": [{"lever": "route", "service": "a", "to": "a", "p": 1}],
    }
    s = build([svc("a", None, 1.0)], [cohort()], policies=[trap])
    assert problems(s) == []
    (message,) = problems(s, "trap")
    assert "variant 'trap' (from day 50)" in message


@pytest.mark.parametrize(
    "services",
    [
        [svc("a", 1, 1.0, routes=[{"to": "a", "p": 0.9}])],  # a way out
        [svc("a", 1, 0, routes=[{"to": "a", "p": 0.5}])],  # zero time, but people leave
        [  # no route out, but people who give up waiting leave
            svc(
                "a",
                1,
                1.0,
                routes=[{"to": "a", "p": 1}],
                patience={"dist": "exponential", "mean": 2},
            )
        ],
        [  # a closed loop that holds only so many people: a deadlock, warned, not refused
            svc("a", 1, 1.0, queue_limit=0, routes=[{"to": "b", "p": 1}]),
            svc("b", 1, 1.0, queue_limit=0, routes=[{"to": "a", "p": 1}]),
        ],
    ],
)
def test_loops_people_can_leave_or_that_hold_few_people_are_run(services):
    assert problems(build(services, [cohort()])) == []


def test_a_trap_nobody_reaches_is_not_refused():
    s = build(
        [svc("a"), svc("island", None, 1.0, routes=[{"to": "island", "p": 1}])], [cohort()]
    )
    assert problems(s) == []


def test_the_cli_refuses_a_trap_before_running(tmp_path, capsys):
    doc = {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": "Trap",
        "run": {"horizon": 100, "replications": 1},
        "services": [svc("a", 1, 0, routes=[{"to": "a", "p": 1}])],
        "cohorts": [cohort()],
    }
    p = tmp_path / "trap.mission.json"
    p.write_text(json.dumps(doc))
    assert main(["run", str(p), "--quiet", "--workers", "1"]) == 2
    assert "never move" in capsys.readouterr().err


# --------------------------------------------------------------------------- warnings


def test_overload_warnings_print_readable_numbers():
    s = build([svc("a", 1, 1e6)], [cohort(1e6)])
    (warning,) = overload_warnings(s, "baseline")
    assert "1e+12 servers vs capacity 1.0 (1e+12 times)" in warning
    assert not re.search(r"\d{10,}", warning) and "inf" not in warning
    # a schedule that never opens: capacity 0 on average, and no division by zero
    closed = {"period": 7, "steps": [[0, 0]]}
    s = build([svc("a", 1, 1.0, capacity_schedule=closed)], [cohort(1)])
    (warning,) = overload_warnings(s, "baseline")
    assert "capacity 0.0 (without limit)" in warning


# --------------------------------------------------------------------------- traffic equations


def test_the_traffic_equations_are_solved_once_per_variant(tmp_path, monkeypatch):
    calls = []
    real = analysis.phase_loads
    monkeypatch.setattr(analysis, "phase_loads", lambda s, ph: calls.append(ph) or real(s, ph))
    more = {
        "id": "more",
        "name": "More",
        "start": 10,
        "changes": [{"lever": "capacity", "service": "a", "add": 1}],
    }
    doc = {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": "Once",
        "run": {"horizon": 50, "replications": 2},
        "services": [svc("a", 1, 0.5, routes=[{"to": "b", "p": 0.5}]), svc("b", 1, 0.5)],
        "cohorts": [cohort(1.5)],
        "policies": [more],
    }
    p = tmp_path / "once.mission.json"
    p.write_text(json.dumps(doc))
    assert main(["run", str(p), "--workers", "1"]) == 0
    # baseline: one phase; more: two phases (before and after day 10)
    assert len(calls) == 3


def test_traffic_equations_for_500_services_in_a_chain():
    n = 500
    services = [
        svc(f"s{i}", 100, 0.01, routes=[{"to": f"s{i + 1}", "p": 0.99}] if i + 1 < n else [])
        for i in range(n)
    ]
    cohorts = [
        {"id": f"c{k}", "name": f"C{k}", "arrivals": {"rate": 1.0}, "entry": "s0"}
        for k in range(20)
    ]
    s = build(services, cohorts)
    loads = analysis.phase_loads(s, analysis.variant_loads(s, "baseline")[0].phase)
    for i in (0, 1, 250, 499):
        assert loads[i].arrival_rate == pytest.approx(20 * 0.99**i)


# --------------------------------------------------------------------------- memory and workers


def test_memory_caps_the_workers(monkeypatch):
    s = build([svc("a", 1, 1.0)], [cohort(2)], horizon=1e6)  # overloaded: the queue grows
    need = estimate(s, "baseline").memory
    assert need > 300 * 2**20  # about a million people waiting at the end
    monkeypatch.setattr(runsize, "cores", lambda: 8)
    monkeypatch.setattr(runsize, "available_memory", lambda: int(need * 2.6))
    workers, reason = worker_count(s, ["baseline"], None, tasks=10)
    assert workers == 2 and "memory" in reason
    monkeypatch.setattr(runsize, "available_memory", lambda: int(need * 100))
    assert worker_count(s, ["baseline"], None, tasks=10) == (8, None)
    assert worker_count(s, ["baseline"], 64, tasks=10)[0] == 8  # no more than the cores
    assert worker_count(s, ["baseline"], 64, tasks=3)[0] == 3  # nor the tasks


def test_a_replication_bigger_than_the_computer_is_refused(monkeypatch):
    s = build([svc("a", 1, 1.0)], [cohort(2)], horizon=1e6)
    monkeypatch.setattr(runsize, "total_memory", lambda: 100 * 2**20)
    (message,) = problems(s)
    assert "of memory in each replication" in message and "more than this computer has" in message


def test_this_computer_reports_its_memory():
    free, total = runsize.available_memory(), runsize.total_memory()
    if sys.platform.startswith("linux"):
        assert free is not None and total is not None and 0 < free <= total * 1.01 + 2**30


def test_the_cli_says_when_memory_limits_the_workers(tmp_path, monkeypatch, capsys):
    doc = {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": "Big queue",
        "run": {"horizon": 1e5, "replications": 2},
        "services": [svc("a", 1, 1.0)],
        "cohorts": [cohort(2)],
    }
    p = tmp_path / "big.mission.json"
    p.write_text(json.dumps(doc))
    monkeypatch.setattr(runsize, "cores", lambda: 2)
    monkeypatch.setattr(runsize, "available_memory", lambda: 100 * 2**20)
    seen = []
    monkeypatch.setattr(
        "mission_desktop.sim.executor.worker_count",
        lambda *a: seen.append(worker_count(*a)) or seen[-1],
    )
    assert main(["run", str(p), "--workers", "2", "--horizon", "100"]) == 0
    err = capsys.readouterr().err
    assert "note: running 1 replication at a time, not 2" in err
    assert seen and seen[0][0] == 1  # and the experiment ran them one at a time


def test_people_served_before_their_patience_ran_out_are_not_kept_in_memory():
    import gc

    from mission_desktop.sim.engine import Simulation
    from mission_desktop.sim.people import Person

    patient = {"dist": "exponential", "mean": 1e9}  # timers that never fire in the run
    s = build([svc("a", 2, 0.5, patience=patient)], [cohort(3.0)], horizon=2000)
    sim = Simulation(s)
    sim.run_until(1999)
    gc.collect()
    ours = sim.cohorts[0]
    alive = sum(1 for o in gc.get_objects() if isinstance(o, Person) and o.cohort is ours)
    st = sim.stations[0]
    assert st.arrived_total > 5000
    # only those still waiting or on a server (plus one arriving) are held
    assert alive <= st.n_waiting + st.busy + 1
