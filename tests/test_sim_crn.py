"""Reproducibility and common random numbers (SCENARIO_FORMAT.md, "Reproducibility").

Every check here is exact (bit-for-bit): same seed → same results, whatever the number of
worker processes, the order of services in the file, or unrelated services and policies.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mission_desktop.model import scenario_from_dict
from mission_desktop.sim import run_experiment, simulate


def expo(mean: float) -> dict[str, Any]:
    return {"dist": "exponential", "mean": mean}


def base_doc(seed: int = 7, horizon: float = 600, warm_up: float = 50) -> dict[str, Any]:
    """A small network using most features: loop, blocking, patience, priority, schedule,
    profile, per-cohort routes, unlimited capacity."""
    return {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": "crn",
        "run": {"horizon": horizon, "warm_up": warm_up, "replications": 4, "seed": seed},
        "services": [
            {
                "id": "front",
                "name": "Front door",
                "capacity": 2,
                "service_time": expo(0.4),
                "patience": {"dist": "gamma", "mean": 3, "sd": 1},
                "abandon_to": "online",
                "routes": [{"to": "team", "p": 0.5}, {"to": "online", "p": 0.2}],
            },
            {
                "id": "team",
                "name": "Team",
                "capacity": 3,
                "capacity_schedule": {"period": 7, "steps": [[0, 3], [5, 2]]},
                "service_time": {"dist": "lognormal", "mean": 2, "sd": 1.5},
                "queue_limit": 4,
                "discipline": "priority",
                "cost": {"per_server_per_time": 10, "per_case": 1},
                "target": {"wait": 1, "within": 0.9},
                "routes": [{"to": "front", "p": 0.1}, {"to": "specialist", "p": 0.3}],
            },
            {
                "id": "specialist",
                "name": "Specialist",
                "capacity": 1,
                "service_time": {"dist": "gamma", "mean": 2, "sd": 1},
                "queue_limit": 2,
            },
            {
                "id": "online",
                "name": "Online",
                "capacity": None,
                "service_time": {"dist": "uniform", "low": 0.1, "high": 0.5},
            },
        ],
        "cohorts": [
            {
                "id": "adults",
                "name": "Adults",
                "priority": 1,
                "arrivals": {
                    "rate": 2.5,
                    "profile": {"period": 7, "multipliers": [1.2, 1, 1, 1, 1, 0.6, 0.5]},
                },
                "entry": [{"to": "front", "p": 0.9}, {"to": "online", "p": 0.1}],
            },
            {
                "id": "urgent",
                "name": "Urgent",
                "priority": 0,
                "arrivals": {"rate": 0.4},
                "entry": "team",
                "routes": {"team": [{"to": "specialist", "p": 0.6}]},
            },
        ],
    }


def load(doc: dict[str, Any]):
    return scenario_from_dict(doc)


def without_timing(results: dict[str, Any]) -> dict[str, Any]:
    out = dict(results)
    out.pop("timing", None)
    # when it started is the one thing that differs between identical runs
    out["provenance"] = {k: v for k, v in out.get("provenance", {}).items() if k != "started"}
    return out


def figures(results: dict[str, Any], variant: str = "baseline") -> dict[str, Any]:
    return results["variants"][variant]


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_results():
    sc = load(base_doc())
    a = run_experiment(sc, workers=1)
    b = run_experiment(load(base_doc()), workers=1)
    assert without_timing(a) == without_timing(b)


def test_different_seeds_give_different_results():
    a = run_experiment(load(base_doc(seed=7)), workers=1)
    b = run_experiment(load(base_doc(seed=8)), workers=1)
    fa, fb = figures(a), figures(b)
    for sid in ("front", "team", "specialist", "online"):
        assert fa["services"][sid]["throughput"] != fb["services"][sid]["throughput"], sid
    assert fa["cost"]["total"] != fb["cost"]["total"]


def test_replications_differ_from_each_other():
    sc = load(base_doc())
    waits = [simulate(sc, "baseline", r).services["team"]["mean_wait"] for r in range(4)]
    assert len(set(waits)) == 4


def test_workers_one_and_two_are_bit_identical():
    doc = base_doc()
    doc["policies"] = [
        {
            "id": "bigger_team",
            "name": "Bigger team",
            "start": 100,
            "cost": {"one_off": 1000, "per_time": 5},
            "changes": [{"lever": "capacity", "service": "team", "add": 1}],
        }
    ]
    sc = load(doc)
    one = run_experiment(sc, workers=1)
    two = run_experiment(sc, workers=2)
    assert without_timing(one) == without_timing(two)


def test_cooperative_cancel_polling_does_not_change_results():
    """workers=1 with a cancel callback runs each replication in chunks; same figures."""
    sc = load(base_doc())
    plain = run_experiment(sc, workers=1)
    chunked = run_experiment(sc, workers=1, cancel=lambda: False)
    assert without_timing(plain) == without_timing(chunked)


# --------------------------------------------------------------------------- CRN isolation


def test_adding_an_unrelated_service_changes_nothing_else():
    doc = base_doc()
    plain = run_experiment(load(doc), workers=1)
    doc2 = copy.deepcopy(doc)
    doc2["services"].insert(
        1,
        {
            "id": "unused",
            "name": "Nobody goes here",
            "capacity": 2,
            "service_time": expo(1),
            "patience": expo(1),
        },
    )
    more = run_experiment(load(doc2), workers=1)
    fa, fb = figures(plain), figures(more)
    assert set(fb["services"]) == set(fa["services"]) | {"unused"}
    for sid, metrics in fa["services"].items():
        assert fb["services"][sid] == metrics, sid
    assert fb["cohorts"] == fa["cohorts"]
    assert fb["cost"] == fa["cost"]
    assert fb["services"]["unused"]["throughput"] == {"mean": 0.0, "ci95": [0.0, 0.0]}


def test_reordering_services_and_cohorts_changes_no_figure():
    """Streams are keyed by id (stable hash), not by position in the file."""
    doc = base_doc()
    plain = figures(run_experiment(load(doc), workers=1))
    doc2 = copy.deepcopy(doc)
    doc2["services"] = list(reversed(doc2["services"]))
    doc2["cohorts"] = list(reversed(doc2["cohorts"]))
    shuffled = figures(run_experiment(load(doc2), workers=1))
    for block in ("services", "cohorts"):
        assert set(shuffled[block]) == set(plain[block])
        for key in plain[block]:
            assert shuffled[block][key] == plain[block][key], (block, key)
    assert shuffled["cost"] == plain["cost"]


def _up_down_doc(start: float) -> dict[str, Any]:
    """Upstream 'up' (busy) sends half its people to 'down'; nothing comes back."""
    return {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": "up-down",
        "run": {"horizon": 2000, "warm_up": 100, "replications": 3, "seed": 2024},
        "services": [
            {
                "id": "up",
                "name": "Upstream",
                "capacity": 2,
                "service_time": expo(1.03),
                "routes": [{"to": "down", "p": 0.5}],
            },
            {"id": "down", "name": "Downstream", "capacity": 1, "service_time": expo(1.5)},
        ],
        "cohorts": [{"id": "people", "name": "People", "arrivals": {"rate": 1.9}, "entry": "up"}],
        "policies": [
            {
                "id": "more_down",
                "name": "More downstream staff",
                "start": start,
                "changes": [{"lever": "capacity", "service": "down", "add": 1}],
            },
            {
                "id": "faster_down",
                "name": "Faster downstream",
                "start": start,
                "changes": [{"lever": "service_time", "service": "down", "multiply": 0.5}],
            },
        ],
    }


def _assert_upstream_unchanged(results: dict[str, Any], variant: str) -> None:
    diff = results["comparisons"][variant]["services"]["up"]
    for metric, fig in diff.items():
        if fig is None:
            continue
        assert fig == {"mean": 0.0, "ci95": [0.0, 0.0]}, (variant, metric, fig)
    base = results["variants"]["baseline"]["services"]["up"]
    assert results["variants"][variant]["services"]["up"] == base
    # the policy does change the downstream service
    assert results["comparisons"][variant]["services"]["down"]["mean_wait"]["mean"] < 0


def test_downstream_policy_from_time_zero_leaves_upstream_bit_for_bit():
    res = run_experiment(load(_up_down_doc(0)), workers=1)
    _assert_upstream_unchanged(res, "more_down")
    _assert_upstream_unchanged(res, "faster_down")


@pytest.mark.parametrize(
    "start", [100.0, 250.0, pytest.param(275.44, id="mid-run-start-between-events")]
)
def test_downstream_policy_mid_run_leaves_upstream_bit_for_bit(start):
    """BUG (engine.py, Simulation._apply_phase): when a policy starts mid-run, every station
    is ticked at the phase change, even those the policy does not touch. Splitting one
    time-weighted interval into two sums differently in floating point, so an untouched
    upstream service's mean_queue_length can differ in the last bits (e.g. start 275.44:
    11.283182307750122 vs 11.283182307750126): its paired difference is not exactly 0 as
    common random numbers promise. Fix: in _apply_phase, skip stations whose ServiceParams
    are unchanged (``if not initial and sp == previous.services[s.id]: continue``)."""
    res = run_experiment(load(_up_down_doc(start)), workers=1)
    _assert_upstream_unchanged(res, "more_down")
    _assert_upstream_unchanged(res, "faster_down")


def test_policy_on_one_cohort_keeps_other_streams_aligned():
    """An arrival-rate change on cohort 'urgent' does not shift the 'adults' arrival stream:
    with a service only adults use and no interaction, adults' figures are unchanged."""
    doc = base_doc()
    doc["services"].append(
        {"id": "library", "name": "Library", "capacity": None, "service_time": expo(1)}
    )
    doc["cohorts"].append(
        {"id": "readers", "name": "Readers", "arrivals": {"rate": 1.0}, "entry": "library"}
    )
    doc["policies"] = [
        {
            "id": "fewer_urgent",
            "name": "Fewer urgent",
            "changes": [{"lever": "arrival_rate", "cohort": "urgent", "multiply": 0.5}],
        }
    ]
    res = run_experiment(load(doc), workers=1)
    assert res["comparisons"]["fewer_urgent"]["cohorts"]["readers"]["completed"] == {
        "mean": 0.0,
        "ci95": [0.0, 0.0],
    }
    assert res["comparisons"]["fewer_urgent"]["cohorts"]["urgent"]["completed"]["mean"] < 0
