"""Regressions found by an independent review of the engine (each failed before its fix)."""

from __future__ import annotations

from builders import build

from mission_desktop.model.policies import variant_timeline
from mission_desktop.sim import simulate
from mission_desktop.sim.engine import Simulation


def expo(mean):
    return {"dist": "exponential", "mean": mean}


def svc(sid, cap=1, st=None, **kw):
    return {"id": sid, "name": sid, "capacity": cap, "service_time": st or expo(1), **kw}


def coh(cid, rate, entry):
    return {"id": cid, "name": cid, "arrivals": {"rate": rate}, "entry": entry}


def doc(services, cohorts, policies=(), horizon=100.0, warm_up=0.0, variants=None):
    return build(
        services,
        cohorts,
        horizon=horizon,
        warm_up=warm_up,
        seed=1,
        policies=policies,
        variants=variants,
        name="review",
    )


def test_a_policy_elsewhere_does_not_shift_arrival_times_by_rounding():
    # the policy starts inside an inter-arrival gap: splitting the gap at its start used to
    # round the next arrival differently, shifting every later arrival of every cohort
    faster_down = {
        "id": "faster_down",
        "name": "Faster downstream",
        "start": 25.325,
        "changes": [{"lever": "service_time", "service": "down", "multiply": 0.5}],
    }
    s = doc(
        [svc("up", 2, expo(1.03), routes=[{"to": "down", "p": 0.5}]), svc("down", 1, expo(1.5))],
        [coh("people", 1.9, "up")],
        [faster_down],
        horizon=200,
        warm_up=5,
    )
    assert simulate(s, "baseline", 0).services["up"] == simulate(s, "faster_down", 0).services["up"]


def test_a_long_blocking_cascade_does_not_exhaust_the_recursion_limit():
    n = 400  # a deadlocked loop of 2 × 400 blocked people, then one more server
    s = doc(
        [
            svc("a", n, expo(0.1), queue_limit=0, routes=[{"to": "b", "p": 1}]),
            svc("b", n, expo(0.1), queue_limit=0, routes=[{"to": "a", "p": 1}]),
        ],
        [coh("people", 100, "a")],
        [
            {
                "id": "more",
                "name": "One more",
                "start": 50,
                "changes": [{"lever": "capacity", "service": "a", "add": 1}],
            }
        ],
    )
    result = Simulation(s, "more", 0).run()  # used to raise RecursionError
    assert result.services["a"]["throughput"] > 0


def test_a_re_referral_to_the_same_service_never_blocks_on_its_own_server():
    s = doc(
        [svc("a", 1, expo(1), queue_limit=0, routes=[{"to": "a", "p": 0.5}])],
        [coh("people", 0.5, "a")],
        horizon=1000,
    )
    r = simulate(s, "baseline", 0)
    assert r.deadlocks == []
    # each person is served twice on average: throughput ≈ 2 × admitted arrivals, and the
    # server is far from permanently occupied (it used to sit blocked on itself at 99.7%)
    assert r.services["a"]["utilisation"] < 0.9
    assert r.services["a"]["throughput"] > 0.3


def test_cohort_and_everyone_route_changes_combine_in_any_order():
    services = [
        svc("hosp", 5, routes=[{"to": "care", "p": 0.3}, {"to": "housing", "p": 0.05}]),
        svc("care", 5),
        svc("housing", 5),
    ]
    cohorts = [coh("older", 1, "hosp"), coh("young", 1, "hosp")]

    def final_routes(cohort_first: bool):
        policies = [
            {
                "id": "p_cohort",
                "name": "Older to care",
                "start": 10 if cohort_first else 20,
                "changes": [
                    {"lever": "route", "service": "hosp", "to": "care", "p": 0.5, "cohort": "older"}
                ],
            },
            {
                "id": "p_all",
                "name": "Everyone to housing",
                "start": 20 if cohort_first else 10,
                "changes": [{"lever": "route", "service": "hosp", "to": "housing", "p": 0.2}],
            },
        ]
        variants = [
            {"id": "baseline", "name": "Baseline"},
            {"id": "both", "name": "Both", "policies": ["p_cohort", "p_all"]},
        ]
        s = doc(services, cohorts, policies, variants=variants)
        phase = variant_timeline(s, "both")[-1]
        return {c: {r.to: r.p for r in phase.routes_for(c, "hosp")} for c in ("older", "young")}

    expected = {
        "older": {"care": 0.5, "housing": 0.2},
        "young": {"care": 0.3, "housing": 0.2},
    }
    assert final_routes(cohort_first=True) == expected
    assert final_routes(cohort_first=False) == expected
