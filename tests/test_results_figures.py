"""The v2 results figures (sim/figures.py) against theory and hand-worked cases.

Tolerances follow tests/test_sim_theory.py: each statistical check forms a Student-t 99.9%
CI from R independent replications (fixed seeds: deterministic), so a correct engine fails
a given check with probability < 0.1%; each also asserts the CI is narrow enough to be a
real check.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest
from builders import build
from helpers_theory import MMc, cobham_wq
from scipy import stats

from mission_desktop.model.canonical import dumps_scenario
from mission_desktop.sim import run_experiment, run_replications
from mission_desktop.sim.figures import ratio_figure, wilson

LEVEL = 0.999


def ci999(values) -> tuple[float, float]:
    xs = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.5 + LEVEL / 2, len(xs) - 1) * xs.std(ddof=1) / math.sqrt(len(xs))
    return float(xs.mean() - half), float(xs.mean() + half)


def desk(**extra):
    return {
        "id": "desk",
        "name": "Desk",
        "capacity": 1,
        "service_time": {"dist": "exponential", "mean": 1.0},
        **extra,
    }


def cohort(cid, rate, **extra):
    return {"id": cid, "name": cid.title(), "arrivals": {"rate": rate}, "entry": "desk", **extra}


def replicate(sc, reps):
    done = run_replications(sc, [("baseline", r) for r in range(reps)], workers=1)
    return [done[("baseline", r)] for r in range(reps)]


def test_wilson_interval_on_known_cases():
    # 8 of 10: the textbook Wilson score interval 0.4902 to 0.9433
    f = wilson(8, 10)
    assert f["mean"] == 0.8
    assert f["ci95"] == pytest.approx([0.49016, 0.94332], abs=5e-5)
    # all or none: the interval touches 1 or 0 and is not degenerate
    assert wilson(10, 10)["ci95"][1] == 1.0 and wilson(10, 10)["ci95"][0] == pytest.approx(
        0.72247, abs=5e-5
    )
    assert wilson(0, 5)["ci95"][0] == 0.0 and wilson(0, 5)["ci95"][1] == pytest.approx(
        0.43448, abs=5e-5
    )
    assert wilson(0, 0) is None


def test_two_identical_cohorts_through_one_mm1_wait_alike():
    """Two cohorts with the same parameters into one M/M/1 FIFO (λ = 0.25 + 0.25, μ = 1):
    each cohort's mean wait is M/M/1's Wq = 1, and their paired gap is 0, within 99.9% CIs."""
    q = MMc(lam=0.5, mu=1.0)
    sc = build([desk()], [cohort("north", 0.25), cohort("south", 0.25)], horizon=6000,
               warm_up=300)
    reps = replicate(sc, 20)
    for cid in ("north", "south"):
        waits = [r.cohort_services[cid]["desk"]["mean_wait"] for r in reps]
        lo, hi = ci999(waits)
        assert lo <= q.wq <= hi, (cid, lo, hi)
        assert (hi - lo) / 2 <= 0.15 * q.wq
    gaps = [
        r.cohort_services["north"]["desk"]["mean_wait"]
        - r.cohort_services["south"]["desk"]["mean_wait"]
        for r in reps
    ]
    lo, hi = ci999(gaps)
    assert lo <= 0 <= hi
    assert (hi - lo) / 2 <= 0.1 * q.wq


def test_priority_mm1_gives_each_cohort_its_cobham_wait():
    lams = [0.3, 0.4]
    wq = cobham_wq(lams, [1.0, 1.0], [2.0, 2.0])
    sc = build(
        [desk(discipline="priority")],
        [cohort("urgent", lams[0], priority=0), cohort("routine", lams[1], priority=1)],
        horizon=10_000,
        warm_up=500,
        seed=5,
    )
    reps = replicate(sc, 20)
    for k, cid in enumerate(("urgent", "routine")):
        lo, hi = ci999([r.cohort_services[cid]["desk"]["mean_wait"] for r in reps])
        assert lo <= wq[k] <= hi, (cid, wq[k], lo, hi)
        assert (hi - lo) / 2 <= 0.15 * wq[k]


def small(policy_cost=1000.0):
    return build(
        [
            desk(target={"wait": 1.0, "within": 0.6}, cost={"per_server_per_time": 10}),
            {
                "id": "clinic",
                "name": "Clinic",
                "capacity": 2,
                "service_time": {"dist": "exponential", "mean": 1.5},
            },
        ],
        [
            cohort("adults", 0.5),
            {"id": "kids", "name": "Kids", "arrivals": {"rate": 0.4}, "entry": "clinic"},
        ],
        horizon=300,
        warm_up=20,
        policies=[
            {
                "id": "faster",
                "name": "Faster desk",
                "cost": {"one_off": policy_cost, "per_time": 2},
                "start": 50,
                "changes": [{"lever": "service_time", "service": "desk", "multiply": 0.7}],
            }
        ],
    )


@pytest.fixture(scope="module")
def experiment():
    sc = small()
    from mission_desktop.sim import with_run_settings

    sc = with_run_settings(sc, replications=8)
    results = run_experiment(sc, workers=1, command="mission-desktop run x")
    done = run_replications(sc, [(v, r) for v in ("baseline", "faster") for r in range(8)],
                            workers=1)
    return sc, results, done


def test_p_target_met_is_the_wilson_share_of_replications_meeting_the_target(experiment):
    sc, results, done = experiment
    for v in ("baseline", "faster"):
        shares = [done[(v, r)].services["desk"]["share_within_target"] for r in range(8)]
        met = sum(s >= 0.6 for s in shares)
        assert results["variants"][v]["services"]["desk"]["p_target_met"] == wilson(met, 8)
        assert results["variants"][v]["services"]["clinic"]["p_target_met"] is None


def test_equality_view_lists_each_cohorts_services_with_gaps(experiment):
    sc, results, done = experiment
    base = results["variants"]["baseline"]
    assert set(base["cohorts"]["adults"]["services"]) == {"desk"}
    assert set(base["cohorts"]["kids"]["services"]) == {"clinic"}
    kids = base["cohorts"]["kids"]["services"]["clinic"]
    assert set(kids) == {
        "mean_wait", "p90_wait", "share_within_target",
        "mean_wait_vs_all", "p90_wait_vs_all", "share_within_target_vs_all",
    }  # fmt: skip
    # the only cohort at a service: its figures are the service's, its gap exactly 0
    assert kids["mean_wait"] == base["services"]["clinic"]["mean_wait"]
    assert kids["mean_wait_vs_all"] == {"mean": 0.0, "ci95": [0.0, 0.0]}
    assert kids["share_within_target"] is None  # the clinic has no target
    diff = results["comparisons"]["faster"]["cohorts"]["adults"]["services"]["desk"]
    per_rep = [
        done[("faster", r)].cohort_services["adults"]["desk"]["mean_wait"]
        - done[("baseline", r)].cohort_services["adults"]["desk"]["mean_wait"]
        for r in range(8)
    ]
    assert diff["mean_wait"]["mean"] == pytest.approx(np.mean(per_rep), rel=1e-12)
    assert diff["mean_wait"]["ci95"][1] < 0  # a faster desk: the adults clearly wait less


def test_cost_figures(experiment):
    sc, results, done = experiment
    faster = results["variants"]["faster"]
    # one-off 1000 + 2 per day from day 50 to 300
    assert faster["policy_costs"] == {"faster": {"mean": 1500.0, "ci95": [1500.0, 1500.0]}}
    assert faster["cost"]["policies"]["mean"] == pytest.approx(1500.0)
    assert results["variants"]["baseline"]["policy_costs"] == {}
    window = 300 - 20
    waiting = {
        v: [sum(m["mean_queue_length"] for m in done[(v, r)].services.values()) * window
            for r in range(8)]
        for v in ("baseline", "faster")
    }  # fmt: skip
    saved = [b - f for b, f in zip(waiting["baseline"], waiting["faster"], strict=True)]
    dcost = [done[("faster", r)].cost["total"] - done[("baseline", r)].cost["total"]
             for r in range(8)]  # fmt: skip
    comparison = results["comparisons"]["faster"]
    assert comparison["waiting"]["total"]["mean"] == pytest.approx(-np.mean(saved), rel=1e-9)
    ratio = comparison["cost_per_waiting_saved"]
    assert ratio == ratio_figure(dcost, saved)
    assert ratio["mean"] == pytest.approx(np.mean(dcost) / np.mean(saved), rel=1e-12)
    lo, hi = ratio["ci95"]
    assert lo <= ratio["mean"] <= hi


def test_fieller_interval():
    b = [2.0, 3.0, 2.5, 3.5, 2.8]
    # an exact ratio: the interval is the point
    f = ratio_figure([4 * x for x in b], b)
    assert f["mean"] == pytest.approx(4.0) and f["ci95"] == pytest.approx([4.0, 4.0])
    # a noisy one: the end points are where |ma − R mb| = t·se(a − R b), the middle inside
    a = [10.0, 14.0, 9.0, 17.0, 12.0]
    f = ratio_figure(a, b)
    t = stats.t.ppf(0.975, 4)

    def excess(r):
        d = np.asarray(a) - r * np.asarray(b)
        return abs(d.mean()) - t * d.std(ddof=1) / math.sqrt(len(d))

    lo, hi = f["ci95"]
    assert excess(lo) == pytest.approx(0, abs=1e-9) and excess(hi) == pytest.approx(0, abs=1e-9)
    assert excess(f["mean"]) < 0 and excess(lo - 0.1) > 0 and excess(hi + 0.1) > 0
    # waiting not clearly saved: no ratio
    assert ratio_figure([1.0, 2.0, 3.0], [1.0, -1.0, 0.5]) is None
    assert ratio_figure([1.0, 2.0], [-1.0, -2.0]) is None
    assert ratio_figure([5.0], [2.0]) == {"mean": 2.5, "ci95": [2.5, 2.5]}


def test_provenance(experiment):
    sc, results, _ = experiment
    p = results["provenance"]
    assert p["scenario_sha256"] == hashlib.sha256(dumps_scenario(sc).encode("utf-8")).hexdigest()
    assert p["command"] == "mission-desktop run x"
    assert p["scenario_revision"] is None
    assert p["engine"] == results["engine"]["version"]
    assert p["numpy"] == np.__version__
    assert set(p) == {
        "scenario_sha256", "scenario_revision", "engine", "python", "simpy", "numpy",
        "platform", "started", "command",
    }  # fmt: skip
    from datetime import datetime

    assert datetime.fromisoformat(p["started"]).tzinfo is not None
    assert results["version"] == 2
